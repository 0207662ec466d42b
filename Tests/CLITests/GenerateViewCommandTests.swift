import DigitCore
import DigitStudio
import Foundation
import XCTest

/// `digitgen generate --view FILE.png`: the view the app's Save stores in a PNG, written
/// again with the same pixels.
final class GenerateViewCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try CLIRunner.tempDir() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A view written by the code path the app's Save uses, with the shipped weights.
    func saveView(_ view: ViewSettings, page: SavedPage = .samples, scale: Int, to file: String) throws -> String {
        let weights = try Resources.defaultWeightsPath()
        let model = try WeightsFile.load(path: weights)
        let catalog = DirectionCatalog.build(model: model)
        let digest = try WeightsDigest.sha256(path: weights)
        try ViewExport.write(ViewExport.job(view: view, page: page, scale: scale, path: file, catalog: catalog,
                                            weightsDigest: digest),
                             decoder: QueryDecoder(model: model))
        return weights
    }

    /// The map and the same-style row (in another digit's style) come back byte for byte too.
    func testReproducesASavedMapAndSameStyleRow() throws {
        let view = ViewSettings(digit: 8, seed: 77, temperature: 0.9, prior: .fitted,
                                sliders: [SliderSetting(direction: .principal(0), offset: 0.5),
                                          SliderSetting(direction: .principal(2), offset: -1)], style: 3)
        for (page, size, text) in [(SavedPage.map(size: 15), [420, 420], "a 15 x 15 map"),
                                   (.sameStyle, [280, 28], "the first sample as each digit 0-9")] {
            let saved = path("saved-\(page.token).png")
            _ = try saveView(view, page: page, scale: 1, to: saved)
            let copy = path("copy-\(page.token).png")
            let r = try CLIRunner.run(["generate", "--view", saved, "--out", copy])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("digit 8 in the style of a 3, seed 77"), r.stdout)
            XCTAssertTrue(r.stdout.contains(text), r.stdout)
            let a = try PNG.readGray(path: saved)
            XCTAssertEqual([a.width, a.height], size)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: saved)), try Data(contentsOf: URL(fileURLWithPath: copy)),
                           "\(page.token): the same file")
        }
        // The map's centre cell is the first sample at offset 0 (both offsets are left out of the map).
        let map = try PNG.readGray(path: path("saved-map.png"))
        var plain = view
        plain.sliders[0].offset = 0
        plain.sliders[1].offset = 0
        _ = try saveView(plain, scale: 1, to: path("plain.png"))
        let samples = try PNG.readGray(path: path("plain.png"))
        for y in 0..<28 { for x in 0..<28 {
            XCTAssertEqual(map.pixels[(7 * 28 + y) * 420 + 7 * 28 + x], samples.pixels[y * 140 + x])
        } }
        // The same-style row's 8 is the first sample (one grey level: a batch of 10, not 5).
        let row = try PNG.readGray(path: path("saved-same-style.png"))
        _ = try saveView(view, scale: 1, to: path("moved.png"))
        let moved = try PNG.readGray(path: path("moved.png"))
        for y in 0..<28 { for x in 0..<28 {
            XCTAssertLessThanOrEqual(abs(Int(row.pixels[y * 280 + 8 * 28 + x]) - Int(moved.pixels[y * 140 + x])), 1)
        } }
    }

    func testReproducesASavedViewByteForByte() throws {
        let view = ViewSettings(digit: 6, seed: 123_456, temperature: 0.75, prior: .fitted,
                                sliders: [SliderSetting(direction: .principal(1), offset: 1.35),
                                          SliderSetting(direction: .dimension(7), offset: -2.4)])
        let saved = path("saved.png")
        _ = try saveView(view, scale: 8, to: saved)
        let copy = path("copy.png")
        let r = try CLIRunner.run(["generate", "--view", saved, "--out", copy])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("digit 6, seed 123456, temperature 0.75, direction 2 +1.4, latent dimension 7 -2.4"), r.stdout)
        let a = try PNG.readGray(path: saved), b = try PNG.readGray(path: copy)
        XCTAssertEqual([a.width, a.height], [1120, 224])
        XCTAssertEqual(a.pixels, b.pixels, "same pixels")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: saved)), try Data(contentsOf: URL(fileURLWithPath: copy)),
                       "the same file, text chunks included")
        // Another scale: the same images, scaled.
        let small = path("small.png")
        XCTAssertEqual(try CLIRunner.run(["generate", "--view", saved, "--scale", "1", "--out", small]).status, 0)
        let s = try PNG.readGray(path: small)
        XCTAssertEqual([s.width, s.height], [140, 28])
        for y in 0..<28 { for x in 0..<140 { XCTAssertEqual(s.pixels[y * 140 + x], a.pixels[(y * 8) * 1120 + x * 8]) } }
    }

    func testTheViewAtZeroOffsetsIsWhatGenerateDraws() throws {
        let saved = path("plain.png")
        _ = try saveView(ViewSettings(digit: 2, seed: 9), scale: 1, to: saved)
        let plain = path("generate.png")
        // ViewSettings' temperature is 1; generate's default is the weights' (0.9 for the shipped file).
        let r = try CLIRunner.run(["generate", "--digit", "2", "--seed", "9", "--temperature", "1", "--scale", "1", "--padding", "0",
                                   "--out", plain])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try PNG.readGray(path: saved).pixels, try PNG.readGray(path: plain).pixels)
    }

    func testBadViewsFailWithOneClearLineAndNoOutput() throws {
        let out = path("out.png")
        let notView = path("plain.png")
        try PNG.writeGray(path: notView, width: 2, height: 2, pixels: [0, 1, 2, 3])
        var r = try CLIRunner.run(["generate", "--view", notView, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("plain.png: the PNG holds no Digit Generator view"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        let tampered = path("tampered.png")
        try PNG.writeGray(path: tampered, width: 2, height: 2, pixels: [0, 1, 2, 3], text: ViewMetadata.entries(
            view: ViewSettings(digit: 1, seed: 1), scale: 1, weightsDigest: String(repeating: "0", count: 64))
            .map { (key: $0.key, value: $0.key == "Slider A offset" ? "+9.00" : $0.value) })
        r = try CLIRunner.run(["generate", "--view", tampered, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the view's 'Slider A offset' is '+9.00', expected a multiple of 0.05 from -3 to +3"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        r = try CLIRunner.run(["generate", "--view", notView, "--digit", "3", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--view takes the view from the file; drop --digit"), r.stderr)
        r = try CLIRunner.run(["generate", "--view", path("missing.png"), "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("missing.png"), r.stderr)
        r = try CLIRunner.run(["generate", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("missing --digit (or --view FILE.png)"), r.stderr)
    }

    func testOtherWeightsWarn() throws {
        let saved = path("saved.png")
        _ = try saveView(ViewSettings(digit: 4, seed: 3), scale: 1, to: saved)
        let other = path("other.safetensors")
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: other, metadata: [:])
        let r = try CLIRunner.run(["generate", "--view", saved, "--weights", other, "--out", path("o.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("was saved with other weights"), r.stderr)
    }

    /// A view on a named direction (stored with the shipped weights): the saved PNG and the
    /// view's text ("Copy view") both give the same file, byte for byte.
    func testANamedDirectionViewIsReproducedFromTheFileAndFromItsText() throws {
        let view = ViewSettings(digit: 3, seed: 42, temperature: 0.8, prior: .fitted,
                                sliders: [SliderSetting(direction: .named("slant"), offset: 1.5),
                                          SliderSetting(direction: .principal(1), offset: -0.5)])
        let saved = path("slant.png")
        _ = try saveView(view, scale: 8, to: saved)
        XCTAssertTrue(try PNG.readText(path: saved).contains { $0.key == "Slider A direction" && $0.value == "named-slant" })
        let copy = path("copy.png")
        var r = try CLIRunner.run(["generate", "--view", saved, "--out", copy])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("digit 3, seed 42, temperature 0.80, slant +1.5, direction 2 -0.5"), r.stdout)
        XCTAssertTrue(r.stdout.contains("view: view=samples digit=3 seed=42 t=0.80 prior=fitted slant=+1.50 principal-2=-0.50"), r.stdout)
        let savedBytes = try Data(contentsOf: URL(fileURLWithPath: saved))
        XCTAssertEqual(savedBytes, try Data(contentsOf: URL(fileURLWithPath: copy)), "the same file, text chunks included")

        // The text, at the app's default save scale (8): the same file again.
        let fromText = path("text.png")
        r = try CLIRunner.run(["generate", "--view", view.viewText.description, "--out", fromText])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(savedBytes, try Data(contentsOf: URL(fileURLWithPath: fromText)))
        // The short form gives the same images; offset 0 along slant is the plain samples.
        let short = path("short.png")
        r = try CLIRunner.run(["generate", "--view", "digit=3 seed=42 t=0.8 slant=1.5 principal-2=-0.5", "--out", short])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(savedBytes, try Data(contentsOf: URL(fileURLWithPath: short)))
        let zero = path("zero.png"), plain = path("plain.png")
        XCTAssertEqual(try CLIRunner.run(["generate", "--view", "digit=3 seed=42 t=0.8 slant=0", "--scale", "1", "--out", zero]).status, 0)
        XCTAssertEqual(try CLIRunner.run(["generate", "--digit", "3", "--seed", "42", "--temperature", "0.8", "--scale", "1",
                                          "--padding", "0", "--out", plain]).status, 0)
        XCTAssertEqual(try PNG.readGray(path: zero).pixels, try PNG.readGray(path: plain).pixels)
        // Moving along slant changes the images.
        let unslanted = path("unslanted.png")
        XCTAssertEqual(try CLIRunner.run(["generate", "--view", "digit=3 seed=42 t=0.8 slant=0 principal-2=-0.5",
                                          "--out", unslanted]).status, 0)
        XCTAssertNotEqual(try PNG.readGray(path: copy).pixels, try PNG.readGray(path: unslanted).pixels)
    }

    func testViewsNamingADirectionTheWeightsLackAreRefused() throws {
        let out = path("out.png")
        var r = try CLIRunner.run(["generate", "--view", "digit=3 seed=42 curl=+1", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--view: 'curl' is neither a view key (view, digit, seed, t, prior, style, size) nor a direction of these "
                                        + "weights (slant, thickness, width, height, principal-1 to principal-20"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        r = try CLIRunner.run(["generate", "--view", "digit=3 seed=42 slant=1 width=1 height=1", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the view moves along 3 directions (slant, width, height); it has two sliders"), r.stderr)
        r = try CLIRunner.run(["generate", "--view", "no-such-file.png", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--view no-such-file.png: no such file, and not a view text"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        // A saved slant view, with weights that have no named directions.
        let saved = path("slant.png")
        _ = try saveView(ViewSettings(digit: 4, seed: 3, sliders: [SliderSetting(direction: .principal(0)),
                                                                   SliderSetting(direction: .named("slant"), offset: 1)]),
                         scale: 1, to: saved)
        let other = path("other.safetensors")
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: other, metadata: [:])
        r = try CLIRunner.run(["generate", "--view", saved, "--weights", other, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("slant.png: the view uses slant, but these weights have no direction slant (they have "
                                        + "principal-1 to principal-20, dimension-0 to dimension-19; no named directions "
                                        + "(digitgen fit-directions adds them))"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        r = try CLIRunner.run(["generate", "--view", "digit=4 seed=3 slant=+1", "--weights", other, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'slant' is neither a view key"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
