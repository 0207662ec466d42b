import DigitCore
import Foundation
import XCTest

/// `digitgen generate` run as a real command line.
final class GenerateCommandTests: XCTestCase {
    var dir: URL!
    /// A small random model in the PyTorch layout, so these tests do not depend on shipped weights.
    var weights: String!

    override func setUpWithError() throws {
        dir = try CLIRunner.tempDir()
        weights = dir.appendingPathComponent("model.safetensors").path
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: weights, metadata: [:])
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testWritesExactSizedPNGWithRoundedPixels() throws {
        let out = path("five.png")
        let r = try CLIRunner.run(["generate", "--digit", "7", "--count", "5", "--seed", "42",
                                   "--scale", "1", "--padding", "0", "--weights", weights, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("seed 42"), r.stdout)
        let png = try PNG.readGray(path: out)
        XCTAssertEqual(png.width, 28 * 5)
        XCTAssertEqual(png.height, 28)
        // Each pixel is round(255 p) of the library's own decode.
        let model = try WeightsFile.load(path: weights)
        let p = try model.sample(digit: 7, count: 5, seed: 42)
        for i in 0..<5 {
            for y in 0..<28 {
                for x in 0..<28 {
                    let expected = UInt8((255 * p[i * 784 + y * 28 + x]).rounded())
                    XCTAssertEqual(png.pixels[y * 140 + i * 28 + x], expected)
                }
            }
        }
    }

    func testSameSeedGivesIdenticalBytes() throws {
        let a = path("a.png"), b = path("b.png"), c = path("c.png")
        for (out, seed) in [(a, "9"), (b, "9"), (c, "10")] {
            let r = try CLIRunner.run(["generate", "--digit", "3", "--seed", seed, "--weights", weights, "--out", out])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let da = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertEqual(da, try Data(contentsOf: URL(fileURLWithPath: b)))
        XCTAssertNotEqual(da, try Data(contentsOf: URL(fileURLWithPath: c)))
    }

    func testOmittedSeedIsPrintedAndReproduces() throws {
        let a = path("a.png"), b = path("b.png")
        let r = try CLIRunner.run(["generate", "--digit", "1", "--weights", weights, "--out", a])
        XCTAssertEqual(r.status, 0, r.stderr)
        let seed = try XCTUnwrap(r.stdout.range(of: #"seed (\d+)"#, options: .regularExpression)
            .map { String(r.stdout[$0].dropFirst(5)) })
        let r2 = try CLIRunner.run(["generate", "--digit", "1", "--seed", seed, "--weights", weights, "--out", b])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testGridColumnsScalePaddingAndInvert() throws {
        let out = path("grid.png")
        let r = try CLIRunner.run(["generate", "--digit", "0", "--count", "7", "--columns", "3", "--scale", "2",
                                   "--padding", "3", "--invert", "--seed", "1", "--weights", weights, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let png = try PNG.readGray(path: out)
        XCTAssertEqual(png.width, 3 * 56 + 4 * 3)
        XCTAssertEqual(png.height, 3 * 56 + 4 * 3)
        XCTAssertEqual(png.pixels[0], 255, "inverted padding is white")
    }

    func testFixedZGivesIdenticalImages() throws {
        let out = path("z.png")
        let z = (0..<20).map { String(Double($0) / 10 - 1) }.joined(separator: ",")
        let r = try CLIRunner.run(["generate", "--digit", "4", "--count", "2", "--z=\(z)", "--scale", "1",
                                   "--padding", "0", "--weights", weights, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let png = try PNG.readGray(path: out)
        for y in 0..<28 {
            XCTAssertEqual(Array(png.pixels[(y * 56)..<(y * 56 + 28)]), Array(png.pixels[(y * 56 + 28)..<(y * 56 + 56)]))
        }
    }

    func testTemperatureAndPriorChangeSamples() throws {
        var bytes: [Data] = []
        for extra in [["--temperature", "1"], ["--temperature", "0.3"], ["--prior", "standard", "--temperature", "0"]] {
            let out = path("t\(bytes.count).png")
            let r = try CLIRunner.run(["generate", "--digit", "2", "--seed", "5", "--weights", weights, "--out", out] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            bytes.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        XCTAssertNotEqual(bytes[0], bytes[1])
        XCTAssertNotEqual(bytes[1], bytes[2])
    }

    /// Each bad input: one line on stderr naming the problem, non-zero exit, no file.
    func testBadInputsFailCleanlyAndLeaveNoFile() throws {
        let corrupt = path("corrupt.safetensors")
        try Data("this is not a safetensors file at all".utf8).write(to: URL(fileURLWithPath: corrupt))
        let cases: [(args: [String], mentions: String)] = [
            (["--digit", "12"], "outside 0-9"),
            (["--digit=-1"], "outside 0-9"),
            (["--digit", "3", "--count", "0"], "outside 1-10000"),
            (["--digit", "3", "--count", "10001"], "outside 1-10000"),
            // Negative numbers after a space are values, not options.
            (["--digit", "-1"], "outside 0-9"),
            (["--digit", "3", "--temperature", "-1"], "temperature"),
            (["--digit", "3", "--count", "-5"], "outside 1-10000"),
            // A grid too large to hold in memory is refused before any work.
            (["--digit", "3", "--count", "10000", "--scale", "64"], "grid would be"),
            (["--digit", "3", "--z=1,2,3"], "latent size is 20"),
            (["--digit", "3", "--z=" + [String](repeating: "0", count: 19).joined(separator: ",") + ",nan"], "not finite"),
            (["--digit", "3", "--z=" + [String](repeating: "0", count: 19).joined(separator: ",") + ",inf"], "not finite"),
            (["--digit", "3", "--z=1,x"], "not a number"),
            (["--digit", "3", "--temperature", "-0.5"], "temperature"),
            (["--digit", "3", "--temperature", "nan"], "temperature"),
            (["--digit", "3", "--weights", path("missing.safetensors")], "missing.safetensors"),
            (["--digit", "3", "--weights", corrupt], "corrupt.safetensors"),
        ]
        for (i, c) in cases.enumerated() {
            let out = path("bad\(i).png")
            var args = ["generate"] + c.args + ["--out", out]
            if !c.args.contains("--weights") { args += ["--weights", weights] }
            let r = try CLIRunner.run(args)
            XCTAssertNotEqual(r.status, 0, "\(c.args) should fail")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(c.args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(c.mentions), "\(c.args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(c.args) left a file")
        }
        // Unwritable output path: names the path, leaves nothing behind.
        let r = try CLIRunner.run(["generate", "--digit", "3", "--weights", weights,
                                   "--out", path("no/such/dir/x.png")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no/such/dir/x.png"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".png") || $0.contains("tmp") }, [])
    }

    /// The largest count in one row: wider than libpng's default limit of 1,000,000 pixels at
    /// the default scale; at scale 1 without padding exactly 280,000 x 28.
    func testTenThousandImagesInOneRow() throws {
        let out = path("many.png")
        let r = try CLIRunner.run(["generate", "--digit", "1", "--count", "10000", "--seed", "3",
                                   "--scale", "1", "--padding", "0", "--weights", weights, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let png = try PNG.readGray(path: out)
        XCTAssertEqual(png.width, 280_000)
        XCTAssertEqual(png.height, 28)
        let wide = try PNG.encodeGray(width: 1_160_004, height: 1, pixels: [UInt8](repeating: 7, count: 1_160_004))
        XCTAssertEqual(try PNG.decodeGray(wide, path: "wide").width, 1_160_004)
    }

    func testHelpDocumentsOptions() throws {
        let r = try CLIRunner.run(["generate", "--help"])
        XCTAssertEqual(r.status, 0)
        for opt in ["--digit", "--count", "--seed", "--temperature", "--z", "--weights", "--scale", "--padding",
                    "--columns", "--invert", "--prior", "--out"] {
            XCTAssertTrue(r.stdout.contains(opt), "help lacks \(opt)")
        }
    }
}
