import CZlib
import Foundation
import XCTest
@testable import DigitCore

final class PNGTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func testWriteThenReadGivesSamePixelsAndSize() throws {
        let (w, h) = (7, 5)
        let pixels = (0..<(w * h)).map { UInt8(($0 * 37) % 256) }
        let path = dir + "/g.png"
        try PNG.writeGray(path: path, width: w, height: h, pixels: pixels)
        XCTAssertEqual(Array(try FileBytes.read(path: path).prefix(8)), Self.signature)
        let back = try PNG.readGray(path: path)
        XCTAssertEqual(back.width, w)
        XCTAssertEqual(back.height, h)
        XCTAssertEqual(back.pixels, pixels)
        XCTAssertEqual(filesIn(dir), ["g.png"])
        // Same pixels, same bytes.
        XCTAssertEqual(try PNG.encodeGray(width: w, height: h, pixels: pixels), try FileBytes.read(path: path))
    }

    func testWriteIntoMissingDirectoryFailsAndLeavesNoFile() {
        let path = dir + "/missing/x.png"
        assertThrows(try PNG.writeGray(path: path, width: 2, height: 2, pixels: [0, 1, 2, 3]), as: IOError.self,
                     mentions: ["cannot write \(path): No such file or directory"]) {
            $0 == .cannotWrite(path: path, reason: "No such file or directory")
        }
        XCTAssertEqual(filesIn(dir), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testRejectsPixelCountNotMatchingSize() {
        let path = dir + "/x.png"
        assertThrows(try PNG.writeGray(path: path, width: 3, height: 2, pixels: [1, 2, 3]), as: PNGError.self,
                     mentions: [path, "3 pixels", "3x2"]) {
            if case .invalidImage = $0 { return true }
            return false
        }
        assertThrows(try PNG.writeGray(path: path, width: 0, height: 2, pixels: []), as: PNGError.self, mentions: [path]) {
            if case .invalidImage = $0 { return true }
            return false
        }
        XCTAssertEqual(filesIn(dir), [])
    }

    func testReadRejectsNonPNGAndTruncatedFiles() throws {
        let text = dir + "/a.png"
        try writeBytes(Array("hello, not a png".utf8), to: text)
        assertThrows(try PNG.readGray(path: text), as: PNGError.self, mentions: [text, "signature"]) {
            if case .decodeFailed = $0 { return true }
            return false
        }
        let good = try PNG.encodeGray(width: 16, height: 16, pixels: (0..<256).map { UInt8($0) })
        let cut = dir + "/cut.png"
        try writeBytes(Array(good.prefix(good.count / 2)), to: cut)
        assertThrows(try PNG.readGray(path: cut), as: PNGError.self, mentions: [cut]) {
            if case .decodeFailed = $0 { return true }
            return false
        }
        let missing = dir + "/none.png"
        assertThrows(try PNG.readGray(path: missing), as: IOError.self, mentions: [missing]) { _ in true }
    }

    // MARK: - Other PNG flavours, built by hand per the PNG specification

    /// A PNG with one IHDR, the given PLTE/tRNS chunks, one IDAT of unfiltered rows, and IEND.
    private func handmadePNG(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                             extraChunks: [(String, [UInt8])] = []) throws -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
            return be32(data.count) + body + be32(Int(crc))
        }
        let raw: [UInt8] = rows.flatMap { [UInt8(0)] + $0 }    // filter type 0 (None) per row
        var compressedSize = compressBound(UInt(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compress2(&compressed, &compressedSize, raw, UInt(raw.count), 9)
        XCTAssertEqual(status, Z_OK)
        compressed.removeSubrange(Int(compressedSize)...)
        let ihdr = be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0]
        var png = Self.signature + chunk("IHDR", ihdr)
        for (type, data) in extraChunks { png += chunk(type, data) }
        return png + chunk("IDAT", compressed) + chunk("IEND", [])
    }

    private func decode(_ bytes: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let path = dir + "/in.png"
        try writeBytes(bytes, to: path)
        return try PNG.readGray(path: path)
    }

    func testReadsRGBAsLuma() throws {
        // Colour type 2: gray levels stay exact; primaries get the sRGB luma weights.
        let png = try handmadePNG(width: 5, height: 1, bitDepth: 8, colorType: 2,
                                  rows: [[0, 0, 0, 200, 200, 200, 255, 0, 0, 0, 255, 0, 0, 0, 255]])
        let img = try decode(png)
        XCTAssertEqual(img.width, 5)
        XCTAssertEqual(img.height, 1)
        XCTAssertEqual(img.pixels[0], 0)
        XCTAssertEqual(img.pixels[1], 200)
        XCTAssertEqual(Double(img.pixels[2]), 0.2126 * 255, accuracy: 3)   // red
        XCTAssertEqual(Double(img.pixels[3]), 0.7152 * 255, accuracy: 3)   // green
        XCTAssertEqual(Double(img.pixels[4]), 0.0722 * 255, accuracy: 3)   // blue
    }

    func testReadsRGBADroppingAlpha() throws {
        let png = try handmadePNG(width: 2, height: 2, bitDepth: 8, colorType: 6,
                                  rows: [[10, 10, 10, 255, 90, 90, 90, 0], [255, 255, 255, 128, 0, 0, 0, 255]])
        let img = try decode(png)
        XCTAssertEqual(img.pixels, [10, 90, 255, 0])
    }

    func testReadsPalette() throws {
        let palette: [UInt8] = [0, 0, 0, 128, 128, 128, 255, 255, 255]
        let png = try handmadePNG(width: 3, height: 2, bitDepth: 8, colorType: 3, rows: [[0, 1, 2], [2, 1, 0]],
                                  extraChunks: [("PLTE", palette)])
        let img = try decode(png)
        XCTAssertEqual(img.pixels, [0, 128, 255, 255, 128, 0])
    }

    func testReads16BitGray() throws {
        let png = try handmadePNG(width: 3, height: 1, bitDepth: 16, colorType: 0,
                                  rows: [[0x00, 0x00, 0x80, 0x80, 0xFF, 0xFF]])
        XCTAssertEqual(try decode(png).pixels, [0, 128, 255])
    }

    func testReads1BitGray() throws {
        let png = try handmadePNG(width: 8, height: 1, bitDepth: 1, colorType: 0, rows: [[0b1010_0001]])
        XCTAssertEqual(try decode(png).pixels, [255, 0, 255, 0, 0, 0, 0, 255])
    }
}
