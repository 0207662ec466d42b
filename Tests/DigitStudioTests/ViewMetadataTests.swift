import DigitCore
@testable import DigitStudio
import XCTest

final class ViewMetadataTests: XCTestCase {
    let digest = String(repeating: "ab", count: 32)
    let view = ViewSettings(digit: 4, seed: 4_294_967_295, temperature: 0.35, prior: .standard,
                            sliders: [SliderSetting(direction: .dimension(0), offset: -2.95),
                                      SliderSetting(direction: .principal(19), offset: 0.05)])

    func testRoundTrip() throws {
        let entries = ViewMetadata.entries(view: view, scale: 8, weightsDigest: digest)
        XCTAssertEqual(entries.first, ViewMetadata.Entry("DigitGen view", "1"))
        XCTAssertTrue(entries.contains(ViewMetadata.Entry("Slider A offset", "-2.95")))
        XCTAssertTrue(entries.contains(ViewMetadata.Entry("Slider B direction", "principal-20")))
        XCTAssertTrue(entries.last!.value.contains("digitgen generate --view"))
        let saved = try ViewMetadata.parse(entries)
        XCTAssertEqual(saved.view, view)
        XCTAssertEqual(saved.scale, 8)
        XCTAssertEqual(saved.weightsDigest, digest)
        // Other tools' chunks are ignored, in any order.
        XCTAssertEqual(try ViewMetadata.parse([ViewMetadata.Entry("Software", "GIMP")] + entries.reversed()).view, view)
    }

    func testEveryOffsetAndTemperatureRoundTrips() throws {
        for ticks in -60...60 {
            var v = view
            v.sliders[0].offset = ViewSettings.offset(ticks: ticks)
            v.temperature = ViewSettings.snapTemperature(Float(abs(ticks) % 31) / 20)
            XCTAssertEqual(try ViewMetadata.parse(ViewMetadata.entries(view: v, scale: 1, weightsDigest: digest)).view, v)
        }
    }

    private func replacing(_ key: String, with value: String?) -> [ViewMetadata.Entry] {
        let entries = ViewMetadata.entries(view: view, scale: 8, weightsDigest: digest)
        return entries.compactMap { e in e.key == key ? value.map { ViewMetadata.Entry(key, $0) } : e }
    }

    private func error(_ entries: [ViewMetadata.Entry]) -> String {
        do {
            _ = try ViewMetadata.parse(entries)
            return "no error"
        } catch {
            return (error as? ViewMetadataError)?.description ?? "\(error)"
        }
    }

    func testMalformedViewsAreRejectedWithTheirReason() {
        XCTAssertEqual(error([]), "the PNG holds no Digit Generator view (no 'DigitGen view' text chunk)")
        XCTAssertEqual(error(replacing("DigitGen view", with: "2")), "the view's format version '2' is not supported (this version reads 1)")
        XCTAssertEqual(error(replacing("Seed", with: nil)), "the view has no 'Seed' entry")
        XCTAssertEqual(error(replacing("Digit", with: "10")), "the view's 'Digit' is '10', expected a digit 0-9")
        XCTAssertEqual(error(replacing("Digit", with: " 3")), "the view's 'Digit' is ' 3', expected a digit 0-9")
        XCTAssertEqual(error(replacing("Seed", with: "4294967296")), "the view's 'Seed' is '4294967296', expected a whole number 0-4294967295")
        XCTAssertEqual(error(replacing("Seed", with: "-1")), "the view's 'Seed' is '-1', expected a whole number 0-4294967295")
        XCTAssertEqual(error(replacing("Temperature", with: "0.33")), "the view's 'Temperature' is '0.33', expected a multiple of 0.05 from 0 to 1.5")
        XCTAssertEqual(error(replacing("Temperature", with: "nan")), "the view's 'Temperature' is 'nan', expected a multiple of 0.05 from 0 to 1.5")
        XCTAssertEqual(error(replacing("Temperature", with: "1.55")), "the view's 'Temperature' is '1.55', expected a multiple of 0.05 from 0 to 1.5")
        XCTAssertEqual(error(replacing("Prior", with: "Fitted")), "the view's 'Prior' is 'Fitted', expected 'fitted' or 'standard'")
        XCTAssertEqual(error(replacing("Slider A direction", with: "principal-0")),
                       "the view's 'Slider A direction' is 'principal-0', expected 'principal-N' (N from 1), 'dimension-N' (N from 0) or 'named-NAME'")
        XCTAssertEqual(error(replacing("Slider A direction", with: "dimension-")),
                       "the view's 'Slider A direction' is 'dimension-', expected 'principal-N' (N from 1), 'dimension-N' (N from 0) or 'named-NAME'")
        XCTAssertEqual(error(replacing("Slider B offset", with: "3.05")), "the view's 'Slider B offset' is '3.05', expected a multiple of 0.05 from -3 to +3")
        XCTAssertEqual(error(replacing("Slider B offset", with: "1e0")), "the view's 'Slider B offset' is '1e0', expected a multiple of 0.05 from -3 to +3")
        XCTAssertEqual(error(replacing("Slider B offset", with: "+")), "the view's 'Slider B offset' is '+', expected a multiple of 0.05 from -3 to +3")
        XCTAssertEqual(error(replacing("Slider B direction", with: "dimension-0")), "both sliders of the view are on dimension-0")
        XCTAssertEqual(error(replacing("Scale", with: "65")), "the view's 'Scale' is '65', expected a whole number 1-64")
        XCTAssertEqual(error(replacing("Weights SHA-256", with: "xyz")), "the view's 'Weights SHA-256' is 'xyz', expected 64 lowercase hexadecimal digits")
        let entries = ViewMetadata.entries(view: view, scale: 8, weightsDigest: digest)
        XCTAssertEqual(error(entries + [ViewMetadata.Entry("Digit", "3")]), "the view has two 'Digit' entries")
        // Long junk is cut in the message.
        XCTAssertEqual(error(replacing("Prior", with: String(repeating: "x", count: 500))),
                       "the view's 'Prior' is '\(String(repeating: "x", count: 40))', expected 'fitted' or 'standard'")
    }

    func testDecimalParsing() {
        XCTAssertEqual(ViewMetadata.decimal("+1.20"), 1.2)
        XCTAssertEqual(ViewMetadata.decimal("-0.05"), -0.05)
        XCTAssertEqual(ViewMetadata.decimal("2"), 2)
        XCTAssertEqual(ViewMetadata.decimal("0.5000"), 0.5)
        XCTAssertNil(ViewMetadata.decimal(""))
        XCTAssertNil(ViewMetadata.decimal(".5"))
        XCTAssertNil(ViewMetadata.decimal("1."))
        XCTAssertNil(ViewMetadata.decimal("1.2.3"))
        XCTAssertTrue(ViewMetadata.decimal("0.51")!.isNaN)
    }

    func testDirectionTokens() {
        for id in [DirectionID.principal(0), .principal(19), .dimension(0), .dimension(19)] {
            XCTAssertEqual(DirectionID(token: id.token), id)
        }
        for bad in ["", "principal", "principal-", "principal-0", "dimension--1", "other-1", "dimension-1x", "dimension-9999999"] {
            XCTAssertNil(DirectionID(token: bad), bad)
        }
    }

    /// Written into a real PNG and read back through libpng.
    func testPNGTextChunksRoundTrip() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.png"
        let entries = ViewMetadata.entries(view: view, scale: 2, weightsDigest: digest)
        try PNG.writeGray(path: path, width: 3, height: 2, pixels: [0, 1, 2, 3, 4, 255],
                          text: entries.map { (key: $0.key, value: $0.value) })
        let read = try PNG.readText(path: path).map { ViewMetadata.Entry($0.key, $0.value) }
        XCTAssertEqual(read, entries)
        XCTAssertEqual(try PNG.readGray(path: path).pixels, [0, 1, 2, 3, 4, 255])
        XCTAssertThrowsError(try PNG.encodeGray(width: 1, height: 1, pixels: [0], text: [(key: "", value: "x")]))
        XCTAssertThrowsError(try PNG.decodeText([1, 2, 3], path: "junk")) { e in
            XCTAssertEqual((e as? PNGError)?.description, "cannot read PNG junk: not a PNG file (bad signature)")
        }
    }

    func testPagesAndTheStyleDigitRoundTripAndBadOnesAreNamed() throws {
        let digest = String(repeating: "ab", count: 32)
        let view = ViewSettings(digit: 8, seed: 5, style: 3)
        for page in [SavedPage.samples, .sameStyle, .map(size: 11), .map(size: 25)] {
            let entries = ViewMetadata.entries(view: view, scale: 2, weightsDigest: digest, page: page)
            let saved = try ViewMetadata.parse(entries)
            XCTAssertEqual(saved.view, view)
            XCTAssertEqual(saved.page, page)
        }
        func replaced(_ key: String, _ value: String?, page: SavedPage = .map(size: 11)) -> [ViewMetadata.Entry] {
            var e = ViewMetadata.entries(view: view, scale: 2, weightsDigest: digest, page: page)
            e.removeAll { $0.key == key }
            if let value { e.append(ViewMetadata.Entry(key, value)) }
            return e
        }
        func message(_ entries: [ViewMetadata.Entry]) -> String? {
            do { _ = try ViewMetadata.parse(entries); return nil } catch { return (error as? ViewMetadataError)?.description }
        }
        XCTAssertEqual(message(replaced("Map size", "12")), "the view's 'Map size' is '12', expected one of 11, 15, 21, 25")
        XCTAssertEqual(message(replaced("Map size", nil)), "the view has no 'Map size' entry")
        XCTAssertEqual(message(replaced("Page", "gallery")), "the view's 'Page' is 'gallery', expected 'samples', 'same-style' or 'map'")
        XCTAssertEqual(message(replaced("Style digit", "8")), "the view's 'Style digit' is '8', expected a digit 0-9 other than the view's digit")
        // A file without "Page" is the samples (files saved before pages existed).
        XCTAssertEqual(try ViewMetadata.parse(replaced("Page", nil, page: .samples)).page, .samples)
    }
}
