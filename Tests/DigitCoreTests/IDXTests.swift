import Foundation
import XCTest
@testable import DigitCore

final class IDXTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private func bigEndian32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }

    private func imagesFile(count: UInt32, rows: UInt32, columns: UInt32, pixels: [UInt8],
                            magic: UInt32 = IDX.imagesMagic) -> [UInt8] {
        bigEndian32(magic) + bigEndian32(count) + bigEndian32(rows) + bigEndian32(columns) + pixels
    }

    private func labelsFile(_ labels: [UInt8], count: UInt32? = nil) -> [UInt8] {
        bigEndian32(IDX.labelsMagic) + bigEndian32(count ?? UInt32(labels.count)) + labels
    }

    private func file(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws -> String {
        let path = dir + "/" + name
        try writeBytes(gzip ? Gzip.compress(bytes) : bytes, to: path)
        return path
    }

    private let pixels: [UInt8] = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }

    func testReadsRawAndGzippedImages() throws {
        let raw = imagesFile(count: 3, rows: 2, columns: 4, pixels: pixels)
        let expected = IDXImages(count: 3, rows: 2, columns: 4, pixels: pixels)
        XCTAssertEqual(try IDX.readImages(path: file("raw-idx3-ubyte", raw)), expected)
        let gz = try file("images.gz", raw, gzip: true)
        XCTAssertEqual(try FileBytes.read(path: gz).prefix(2), [0x1f, 0x8b])
        XCTAssertEqual(try IDX.readImages(path: gz), expected)
        XCTAssertEqual(Array(expected.image(1)), Array(pixels[8..<16]))
    }

    func testReadsRawAndGzippedLabels() throws {
        let labels: [UInt8] = [5, 0, 4, 1, 9]
        XCTAssertEqual(try IDX.readLabels(path: file("l", labelsFile(labels))), labels)
        XCTAssertEqual(try IDX.readLabels(path: file("l.gz", labelsFile(labels), gzip: true)), labels)
    }

    func testRejectsWrongMagicWithHint() throws {
        let path = try file("x", labelsFile([1, 2]))
        assertThrows(try IDX.readImages(path: path), as: IDXError.self, mentions: [path, "0x00000801", "0x00000803"]) {
            $0 == .badMagic(path: path, found: IDX.labelsMagic, expected: IDX.imagesMagic)
        }
        XCTAssertEqual(IDXError.badMagic(path: path, found: 1, expected: IDX.imagesMagic).hint,
                       "is this an MNIST IDX file?")
        let png = try file("x.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        assertThrows(try IDX.readLabels(path: png), as: IDXError.self, mentions: [png, "0x89504e47"]) {
            $0 == .badMagic(path: png, found: 0x8950_4E47, expected: IDX.labelsMagic)
        }
    }

    func testRejectsTruncatedFile() throws {
        let path = try file("t", imagesFile(count: 60000, rows: 28, columns: 28, pixels: Array(repeating: 0, count: 1000)))
        assertThrows(try IDX.readImages(path: path), as: IDXError.self,
                     mentions: ["file \(path) is truncated: header says 60000 images of 28x28 = 47040000 bytes, found 1000"]) {
            $0 == .truncated(path: path, what: "60000 images of 28x28", expected: 47_040_000, found: 1000)
        }
        let short = try file("h", Array(imagesFile(count: 1, rows: 1, columns: 1, pixels: []).prefix(10)))
        assertThrows(try IDX.readImages(path: short), as: IDXError.self, mentions: [short]) {
            $0 == .headerTruncated(path: short, size: 10, needed: 16)
        }
    }

    func testRejectsTruncatedGzipStream() throws {
        let gz = try Gzip.compress(imagesFile(count: 3, rows: 2, columns: 4, pixels: pixels))
        let path = try file("cut.gz", Array(gz.prefix(gz.count - 6)))
        assertThrows(try IDX.readImages(path: path), as: GzipError.self, mentions: [path, "truncated"]) {
            $0 == .truncated(path: path)
        }
        var corrupt = gz
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        let bad = try file("bad.gz", corrupt)
        XCTAssertThrowsError(try IDX.readImages(path: bad)) { error in
            XCTAssertTrue(error is GzipError || error is IDXError, "\(error)")
            XCTAssertTrue("\(error)".contains(bad))
        }
    }

    func testGzipHandlesConcatenatedMembersAndRejectsTrailingGarbage() throws {
        let a: [UInt8] = Array("first member, ".utf8), b: [UInt8] = Array("second member".utf8)
        let joined = try Gzip.compress(a) + Gzip.compress(b)
        XCTAssertEqual(try Gzip.decompress(joined, path: "j.gz"), a + b)
        let garbage = try Gzip.compress(a) + [0, 1, 2]
        assertThrows(try Gzip.decompress(garbage, path: "g.gz"), as: GzipError.self, mentions: ["g.gz", "3 bytes"]) {
            $0 == .trailingData(path: "g.gz", count: 3)
        }
        // Larger than the inflate chunk, to cross chunk boundaries.
        let big = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(big), path: "big.gz"), big)
        // Files without the gzip magic are returned as they are.
        let raw = dir + "/raw.bin"
        try writeBytes([0x1f, 0x00, 0x8b], to: raw)
        XCTAssertEqual(try Gzip.readFileMaybeGzip(path: raw), [0x1f, 0x00, 0x8b])
    }

    func testRejectsZeroAndHugeDimensions() throws {
        for (count, rows, columns) in [(0, 28, 28), (1, 0, 28), (1, 28, 0), (1, 5000, 1)] as [(UInt32, UInt32, UInt32)] {
            let path = try file("d\(count)-\(rows)-\(columns)", imagesFile(count: count, rows: rows, columns: columns, pixels: []))
            assertThrows(try IDX.readImages(path: path), as: IDXError.self, mentions: [path]) {
                if case .invalidDimensions = $0 { return true }
                return false
            }
        }
        let labels = try file("l0", labelsFile([]))
        assertThrows(try IDX.readLabels(path: labels), as: IDXError.self, mentions: [labels, "0"]) {
            if case .invalidDimensions = $0 { return true }
            return false
        }
    }

    func testRejectsTrailingBytes() throws {
        let path = try file("tr", imagesFile(count: 3, rows: 2, columns: 4, pixels: pixels + [1, 2, 3]))
        assertThrows(try IDX.readImages(path: path), as: IDXError.self, mentions: [path, "3 bytes"]) {
            $0 == .trailingData(path: path, what: "3 images of 2x4", count: 3)
        }
        let labels = try file("ltr", labelsFile([1, 2, 3], count: 2))
        assertThrows(try IDX.readLabels(path: labels), as: IDXError.self, mentions: [labels]) {
            $0 == .trailingData(path: labels, what: "2 labels", count: 1)
        }
    }

    // MARK: - MNIST directory

    private func writeMNIST(trainCount: Int, trainLabels: [UInt8], test: Bool, gzip: Bool = true) throws {
        let suffix = gzip ? ".gz" : ""
        _ = try file(MNIST.trainImages + suffix,
                     imagesFile(count: UInt32(trainCount), rows: 2, columns: 2, pixels: Array(repeating: 9, count: 4 * trainCount)),
                     gzip: gzip)
        _ = try file(MNIST.trainLabels + suffix, labelsFile(trainLabels), gzip: gzip)
        if test {
            _ = try file(MNIST.testImages, imagesFile(count: 2, rows: 2, columns: 2, pixels: Array(repeating: 1, count: 8)))
            _ = try file(MNIST.testLabels + ".gz", labelsFile([3, 4]), gzip: true)
        }
    }

    func testLoadsDirectoryWithMixedRawAndGzippedFiles() throws {
        try writeMNIST(trainCount: 3, trainLabels: [5, 0, 9], test: true)
        let mnist = try MNIST.load(directory: dir, requireTest: true)
        XCTAssertEqual(mnist.train.images.count, 3)
        XCTAssertEqual(mnist.train.labels, [5, 0, 9])
        XCTAssertEqual(mnist.test?.images.count, 2)
        XCTAssertEqual(mnist.test?.labels, [3, 4])
    }

    func testTestSetIsOptionalUnlessRequired() throws {
        try writeMNIST(trainCount: 2, trainLabels: [1, 2], test: false, gzip: false)
        XCTAssertNil(try MNIST.load(directory: dir, requireTest: false).test)
        assertThrows(try MNIST.load(directory: dir, requireTest: true), as: IDXError.self,
                     mentions: [MNIST.testImages, dir]) {
            $0 == .missingFile(directory: self.dir, name: MNIST.testImages)
        }
        XCTAssertEqual(IDXError.missingFile(directory: dir, name: MNIST.testImages).hint?.contains("make data"), true)
    }

    func testAcceptsDottedFileNames() throws {
        _ = try file("train-images.idx3-ubyte", imagesFile(count: 1, rows: 1, columns: 1, pixels: [7]))
        _ = try file("train-labels.idx1-ubyte.gz", labelsFile([8]), gzip: true)
        let mnist = try MNIST.load(directory: dir, requireTest: false)
        XCTAssertEqual(mnist.train.images.pixels, [7])
        XCTAssertEqual(mnist.train.labels, [8])
    }

    func testMissingTrainFileNamesIt() throws {
        assertThrows(try MNIST.load(directory: dir, requireTest: false), as: IDXError.self,
                     mentions: [MNIST.trainImages, dir]) {
            $0 == .missingFile(directory: self.dir, name: MNIST.trainImages)
        }
    }

    func testCountMismatchBetweenImagesAndLabels() throws {
        try writeMNIST(trainCount: 3, trainLabels: [1, 2], test: false)
        assertThrows(try MNIST.load(directory: dir, requireTest: false), as: IDXError.self,
                     mentions: ["train-images has 3 images but train-labels has 2 labels"]) {
            $0 == .countMismatch(images: "train-images", imageCount: 3, labels: "train-labels", labelCount: 2)
        }
    }

    func testLabelOutOfRange() throws {
        try writeMNIST(trainCount: 3, trainLabels: [1, 10, 2], test: false)
        assertThrows(try MNIST.load(directory: dir, requireTest: false), as: IDXError.self,
                     mentions: [MNIST.trainLabels, "label 10", "index 1"]) {
            if case .labelOutOfRange(_, 1, 10) = $0 { return true }
            return false
        }
    }

    // MARK: - Real MNIST

    func testRealMNISTWhenPresent() throws {
        let mnistDir = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/mnist").standardized.path
        guard MNIST.find(mnistDir, MNIST.trainImages) != nil else {
            throw XCTSkip("real MNIST not found in \(mnistDir); run `make data` to test against it")
        }
        let mnist = try MNIST.load(directory: mnistDir, requireTest: true)
        XCTAssertEqual(mnist.train.images.count, 60000)
        XCTAssertEqual(mnist.train.images.rows, 28)
        XCTAssertEqual(mnist.train.images.columns, 28)
        XCTAssertEqual(mnist.train.images.pixels.count, 60000 * 784)
        XCTAssertEqual(mnist.train.labels.count, 60000)
        XCTAssertEqual(mnist.train.labels.prefix(5), [5, 0, 4, 1, 9])
        let test = try XCTUnwrap(mnist.test)
        XCTAssertEqual(test.images.count, 10000)
        XCTAssertEqual(test.labels.count, 10000)
        XCTAssertEqual(test.labels.prefix(3), [7, 2, 1])
        // The well-known class counts of the training set.
        var counts = [Int](repeating: 0, count: 10)
        for l in mnist.train.labels { counts[Int(l)] += 1 }
        XCTAssertEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        // The first image (a 5) has a blank border and full-intensity ink.
        let first = mnist.train.images.image(0)
        XCTAssertEqual(first.first, 0)
        XCTAssertEqual(first.max(), 255)
    }
}
