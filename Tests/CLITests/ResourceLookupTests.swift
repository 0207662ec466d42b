import DigitCore
import Foundation
import XCTest

/// The default weights are found from a source checkout and from an installed prefix.
final class ResourceLookupTests: XCTestCase {
    func testBuiltBinaryFindsShippedWeightsInTheCheckout() throws {
        let shipped = CLIRunner.repoRoot.appendingPathComponent("resources/\(Resources.weightsFileName)").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: shipped), "no shipped weights in resources/")
        let dir = try CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.png").path
        let r = try CLIRunner.run(["generate", "--digit", "2", "--seed", "1", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("weights: \(shipped)"), r.stdout)
    }

    /// An installed layout (PREFIX/bin/digitgen, PREFIX/share/digit-generator/...) wins over the checkout.
    func testInstalledBinaryFindsWeightsUnderItsPrefix() throws {
        let prefix = try CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let bin = prefix.appendingPathComponent("bin"), share = prefix.appendingPathComponent("share/digit-generator")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        let exe = bin.appendingPathComponent("digitgen")
        try FileManager.default.copyItem(at: CLIRunner.binary, to: exe)
        let weights = share.appendingPathComponent(Resources.weightsFileName).path
        try WeightsFile.save(CVAE(config: CVAEConfig(hidden: 32, latent: 4), seed: 2), to: weights, metadata: [:])
        let out = prefix.appendingPathComponent("x.png").path
        let p = Process()
        p.executableURL = exe
        p.arguments = ["generate", "--digit", "6", "--seed", "1", "--out", out]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertTrue(text.contains("weights: \(weights)"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }
}
