import DigitCore
import DigitStudio
import Foundation
import XCTest

/// `digitgen restyle --view FILE.png`: the drawing the app's Handwriting page saves in a PNG,
/// written again byte for byte.
final class RestyleViewCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try CLIRunner.tempDir() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// An MNIST-style "7" (a bar and a slanted stem), as the page's input bytes.
    static func sevenInput() -> [UInt8] {
        var side = [UInt8](repeating: 255, count: 200 * 200)
        for y in 40..<56 { for x in 50..<150 { side[y * 200 + x] = 0 } }
        for y in 40..<170 {
            let cx = 140 - (y - 40) * 50 / 130
            for x in (cx - 8)..<(cx + 8) { side[y * 200 + x] = 0 }
        }
        return (try? HandwritingRestyle.input(gray: side, width: 200, height: 200)) ?? []
    }

    /// A drawing saved through the code path of the app's Save, with the shipped weights.
    func save(digit: Int, chosen: Bool, scale: Int, to file: String) throws {
        let weights = try Resources.defaultWeightsPath()
        let model = try WeightsFile.load(path: weights)
        let saved = HandwritingMetadata.Saved(input: Self.sevenInput(), digit: digit, chosenByPerson: chosen, scale: scale,
                                              weightsDigest: try WeightsDigest.sha256(path: weights))
        try HandwritingExport.write(HandwritingSaveJob(path: file, saved: saved), model: model)
    }

    func testReproducesASavedDrawingByteForByte() throws {
        for (digit, chosen, scale) in [(7, false, 8), (2, true, 3)] {
            let saved = path("hand-\(digit).png"), copy = path("copy-\(digit).png")
            try save(digit: digit, chosen: chosen, scale: scale, to: saved)
            let r = try CLIRunner.run(["restyle", "--view", saved, "--out", copy])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "")
            XCTAssertTrue(r.stdout.contains("digit \(digit), chosen by the \(chosen ? "person" : "classifier")"), r.stdout)
            let a = try PNG.readGray(path: saved)
            XCTAssertEqual([a.width, a.height], [10 * 28 * scale, 28 * scale])
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: saved)), try Data(contentsOf: URL(fileURLWithPath: copy)),
                           "the same file, text chunks included")
        }
        // --scale draws it at another size, with that scale in its text.
        let saved = path("hand-7.png"), bigger = path("bigger.png")
        let r = try CLIRunner.run(["restyle", "--view", saved, "--scale", "2", "--out", bigger])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try PNG.readGray(path: bigger).width, 560)
        XCTAssertTrue(try PNG.readText(path: bigger).contains { $0.key == "Scale" && $0.value == "2" })
    }

    func testRefusesConflictingOptionsAndFilesWithoutADrawing() throws {
        let saved = path("hand.png")
        try save(digit: 7, chosen: false, scale: 1, to: saved)
        let out = path("out.png")
        for (args, message) in [
            (["--view", saved, "--image", saved], "drop --image"),
            (["--view", saved, "--digit", "3"], "drop --digit"),
            (["--view", saved, "--padding", "2", "--invert"], "drop --padding, --invert"),
            ([String](), "missing --image (or --view FILE.png)"),
        ] {
            let r = try CLIRunner.run(["restyle"] + args + ["--out", out])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        // A samples view, a plain PNG, a damaged drawing: one line each, no output.
        let samples = path("samples.png")
        try PNG.writeGray(path: samples, width: 28, height: 28, pixels: [UInt8](repeating: 9, count: 784),
                          text: [("DigitGen view", "1")])
        let plain = path("plain.png")
        try PNG.writeGray(path: plain, width: 28, height: 28, pixels: [UInt8](repeating: 9, count: 784))
        var entries = try PNG.readText(path: saved)
        entries = entries.map { $0.key == "Input" ? (key: $0.key, value: String($0.value.dropLast(2))) : $0 }
        let damaged = path("damaged.png")
        try PNG.writeGray(path: damaged, width: 28, height: 28, pixels: [UInt8](repeating: 9, count: 784), text: entries)
        for (file, message) in [(samples, "digitgen generate --view"), (plain, "no saved handwriting"),
                                (damaged, "'Input'")] {
            let r = try CLIRunner.run(["restyle", "--view", file, "--out", out])
            XCTAssertNotEqual(r.status, 0, file)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), "\(file): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }
}
