import DigitCore
import Foundation
import XCTest

/// `digitgen morph` and `digitgen restyle` run as real command lines.
final class ExplorerCommandTests: XCTestCase {
    var dir: URL!
    var weights: String!

    override func setUpWithError() throws {
        dir = try CLIRunner.tempDir()
        weights = dir.appendingPathComponent("model.safetensors").path
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: weights, metadata: [:])
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testMorphFramesStartAndEndOnTheGeneratedImagesAndTheViewReproducesTheFile() throws {
        let gif = path("m.gif")
        let r = try CLIRunner.run(["morph", "--from-digit", "3", "--to-digit", "8", "--from-seed", "42", "--to-seed", "7",
                                   "--frames", "9", "--fps", "12", "--scale", "2", "--weights", weights, "--out", gif])
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try GIF.read(path: gif)
        XCTAssertEqual(a.frames.count, 9)
        XCTAssertEqual(a.width, 56)
        XCTAssertEqual(a.height, 56)
        XCTAssertEqual(a.delay, 8)
        for (digit, seed, frame) in [(3, "42", a.frames[0]), (8, "7", a.frames[8])] {
            let png = path("g\(digit).png")
            let g = try CLIRunner.run(["generate", "--digit", "\(digit)", "--seed", seed, "--count", "1", "--scale", "2",
                                       "--padding", "0", "--weights", weights, "--out", png])
            XCTAssertEqual(g.status, 0, g.stderr)
            XCTAssertEqual(try PNG.readGray(path: png).pixels, frame, "frame of digit \(digit)")
        }
        // An independent decoder (ImageMagick, coalesced so that every frame is whole) sees the
        // same frames: 9 of 56 x 56, the first and last the generated images.
        let identify = try Self.tool("identify", ["-format", "%w %h\n", gif])
        XCTAssertEqual(identify.split(separator: "\n").map(String.init), [String](repeating: "56 56", count: 9))
        _ = try Self.tool("convert", [gif, "-coalesce", "+adjoin", "-depth", "8", path("frame-%d.gray")])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path("frame-0.gray")))), a.frames[0])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path("frame-8.gray")))), a.frames[8])
        let again = path("again.gif")
        let v = try CLIRunner.run(["morph", "--view", gif, "--weights", weights, "--out", again])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), try Data(contentsOf: URL(fileURLWithPath: gif)))
    }

    func testMorphRefusesFramesAndFpsOutOfRangeWithOneLine() throws {
        for (args, message) in [(["--frames", "1"], "--frames 1 is outside 2-1000"), (["--frames", "1001"], "outside 2-1000"),
                                (["--fps", "0"], "--fps 0 is outside 1-60"), (["--fps", "61"], "outside 1-60")] {
            let out = path("bad.gif")
            let r = try CLIRunner.run(["morph", "--from-digit", "1", "--to-digit", "2", "--seed", "1", "--weights", weights,
                                       "--out", out] + args)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }

    /// A picture of a digit-like stroke: dark ink on light paper, `side` x `side`.
    func strokePicture(side: Int) -> [UInt8] {
        var p = [UInt8](repeating: 235, count: side * side)
        for y in (side / 5)..<(side * 4 / 5) { for x in (side * 45 / 100)..<(side * 55 / 100) { p[y * side + x] = 25 } }
        return p
    }

    func testRestyleWritesTenDigitsAndSaysWhatItRead() throws {
        let picture = path("one.png")
        try PNG.writeGray(path: picture, width: 90, height: 90, pixels: strokePicture(side: 90))
        let out = path("ten.png")
        let r = try CLIRunner.run(["restyle", "--image", picture, "--digit", "1", "--scale", "1", "--padding", "0",
                                   "--weights", weights, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("dark ink on light paper"), r.stdout)
        let png = try PNG.readGray(path: out)
        XCTAssertEqual(png.width, 280)
        XCTAssertEqual(png.height, 28)
        // Without --digit the shipped classifier decides and says so.
        let c = try CLIRunner.run(["restyle", "--image", picture, "--weights", weights, "--out", out])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("the classifier reads it as"), c.stdout)
    }

    func testRestyleRefusesBadPicturesWithOneLineAndNoOutput() throws {
        let cases: [(String, [UInt8]?, String)] = [
            ("empty.png", [], "not a PNG"),
            ("text.png", Array("hello, not an image".utf8), "not a PNG"),
        ]
        var files = cases
        let good = try PNG.encodeGray(width: 40, height: 40, pixels: strokePicture(side: 40))
        files.append(("truncated.png", Array(good.prefix(good.count / 2)), "truncated"))
        files.append(("uniform.png", try PNG.encodeGray(width: 50, height: 50, pixels: [UInt8](repeating: 128, count: 2500)), "uniform"))
        files.append(("tiny.png", try PNG.encodeGray(width: 1, height: 1, pixels: [0]), "too small"))
        // 30000 x 30000 of zeros compresses to a few hundred kilobytes; it must be refused, not decoded.
        files.append(("huge.png", nil, "too large"))
        for (name, bytes, message) in files {
            let file = path(name)
            if let bytes {
                try Data(bytes).write(to: URL(fileURLWithPath: file))
            } else {
                try Data(Self.hugePNG(side: 30_000)).write(to: URL(fileURLWithPath: file))
            }
            let out = path("out-\(name)")
            let r = try CLIRunner.run(["restyle", "--image", file, "--digit", "3", "--weights", weights, "--out", out])
            XCTAssertNotEqual(r.status, 0, name)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(name): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), name)
        }
    }

    /// A valid header for a side x side gray image and a token image stream: the decoder must
    /// refuse it from the header, before allocating side^2 bytes.
    static func hugePNG(side: Int) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> $0) & 0xff) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            var crc: UInt32 = 0xffff_ffff
            for b in body {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
            }
            return be32(data.count) + body + be32(Int(crc ^ 0xffff_ffff))
        }
        let ihdr = be32(side) + be32(side) + [8, 0, 0, 0, 0]
        return [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] + chunk("IHDR", ihdr)
            + chunk("IDAT", [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    /// Runs an ImageMagick tool; its standard output (skips when ImageMagick is missing).
    static func tool(_ name: String, _ args: [String]) throws -> String {
        guard let exe = ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("\(name) (ImageMagick) is not installed")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(name) \(args)")
        return String(decoding: data, as: UTF8.self)
    }
}
