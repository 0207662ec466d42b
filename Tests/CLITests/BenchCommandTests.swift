import DigitCore
import Foundation
import XCTest

/// `digitgen bench inference` run as a real command line on a small random model.
final class BenchCommandTests: XCTestCase {
    func testInferencePrintsPercentilesAndThroughput() throws {
        let dir = try CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("small.safetensors").path
        let config = CVAEConfig(pixels: 784, classes: 10, hidden: 32, latent: 4)
        try WeightsFile.save(CVAE(config: config, seed: 3), to: weights, metadata: [:])
        let r = try CLIRunner.run(["bench", "inference", "--weights", weights, "--iterations", "1000", "--batch", "100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("latent 4, hidden 32"), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"p50 [0-9.]+ µs, p99 [0-9.]+ µs"#, options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"25 x 25 map \(625 images\), [0-9]+ runs: p50 [0-9.]+ ms"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"throughput at batch 100, [0-9]+ runs: [0-9]+ images/s"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"decoder: click (avx512|avx2|scalar)"#, options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"result: kernel=\S+ click_p50_us=[0-9.]+ click_p99_us=[0-9.]+ map625_ms=[0-9.]+ batch100_images_per_s=[0-9]+"#,
                                       options: .regularExpression), r.stdout)
    }

    /// DIGITGEN_KERNEL forces a decoder path; a name that is no kernel fails with one clear line.
    func testKernelEnvironmentVariableForcesOrRejectsAPath() throws {
        let dir = try CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("small.safetensors").path
        try WeightsFile.save(CVAE(config: CVAEConfig(pixels: 784, classes: 10, hidden: 32, latent: 4), seed: 3),
                             to: weights, metadata: [:])
        let args = ["bench", "inference", "--weights", weights, "--iterations", "1000", "--batch", "10", "--seconds", "0.01"]
        for kernel in ["scalar", "blas"] {
            let r = try CLIRunner.run(args, environment: ["DIGITGEN_KERNEL": kernel])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("decoder: click \(kernel), map \(kernel), batch \(kernel)"), r.stdout)
        }
        let bad = try CLIRunner.run(args, environment: ["DIGITGEN_KERNEL": "sse9"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("DIGITGEN_KERNEL=sse9 is not a kernel; use one of avx512, avx2, scalar, blas"), bad.stderr)
    }

    /// Out-of-range counts fail in validation with one line, before any allocation.
    func testBadIterationsFailCleanly() throws {
        for value in ["999", "-5", "99999999999"] {
            let r = try CLIRunner.run(["bench", "inference", "--iterations", value])
            XCTAssertEqual(r.status, 64, "\(value): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("--iterations"), r.stderr)
        }
        for command in [["bench", "inference"], ["bench", "train"], ["eval"], ["classifier", "train", "--out", "/tmp/never"]] {
            let r = try CLIRunner.run(command + ["--threads", "99999999999"])
            XCTAssertEqual(r.status, 64, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--threads must be in 1-256"), r.stderr)
        }
    }
}
