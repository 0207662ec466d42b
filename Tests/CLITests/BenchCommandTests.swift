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
        XCTAssertNotNil(r.stdout.range(of: #"throughput at batch 100: [0-9]+ images/s"#, options: .regularExpression), r.stdout)
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
