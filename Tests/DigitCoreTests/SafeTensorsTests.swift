import Foundation
import XCTest
@testable import DigitCore

final class SafeTensorsTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private func file(_ bytes: [UInt8], _ name: String = "t.safetensors") throws -> String {
        let path = dir + "/" + name
        try writeBytes(bytes, to: path)
        return path
    }

    // MARK: - Round trip

    func testRoundTripKeepsValuesShapesAndMetadata() throws {
        let a = Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, -0.25, 1e-30])
        let b = Tensor(shape: [4], values: [.pi, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 42])
        let scalar = Tensor(shape: [], values: [7])
        let empty = Tensor(shape: [0, 5], values: [])
        let meta = ["format": "pt", "quote\"and\\slash": "line\nbreak\ttab", "ünï": "cödé", "ctl": "\u{01}"]
        let path = dir + "/rt.safetensors"
        try SafeTensors.write([("a", a), ("b", b), ("scalar", scalar), ("empty", empty)], metadata: meta, to: path)

        let (tensors, metadata) = try SafeTensors.read(path: path)
        XCTAssertEqual(tensors, ["a": a, "b": b, "scalar": scalar, "empty": empty])
        XCTAssertEqual(metadata, meta)

        // Re-serialising what was read gives the same bytes.
        let original = try FileBytes.read(path: path)
        let again = try SafeTensors.serialize([("a", tensors["a"]!), ("b", tensors["b"]!),
                                               ("scalar", tensors["scalar"]!), ("empty", tensors["empty"]!)],
                                              metadata: metadata)
        XCTAssertEqual(again, original)
        // Header is padded with spaces to a multiple of 8.
        let n = original[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(original.count, 8 + n + 4 * (6 + 4 + 1))
    }

    func testOutputIsDeterministic() throws {
        var meta: [String: String] = [:]
        for i in 0..<50 { meta["key\(i)"] = "value\(i)" }
        let t = [("w", Tensor(shape: [3], values: [1, 2, 3]))]
        XCTAssertEqual(try SafeTensors.serialize(t, metadata: meta), try SafeTensors.serialize(t, metadata: meta))
        let p1 = dir + "/1.safetensors", p2 = dir + "/2.safetensors"
        try SafeTensors.write(t, metadata: meta, to: p1)
        try SafeTensors.write(t, metadata: meta, to: p2)
        XCTAssertEqual(try FileBytes.read(path: p1), try FileBytes.read(path: p2))
        XCTAssertEqual(filesIn(dir), ["1.safetensors", "2.safetensors"])
    }

    /// The bytes safetensors' reference implementation (Python `safetensors.torch.save_file`,
    /// Rust serialiser) writes for {"a": tensor([1.0, -2.5])} with metadata {"format": "pt"}:
    /// metadata first, no spaces in the JSON, header padded with spaces to 88 bytes.
    func testReadsFileInReferenceLayout() throws {
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertEqual(header.utf8.count, 85)
        let expected: [UInt8] = [88, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + [0x20, 0x20, 0x20]
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0]
        let (tensors, metadata) = try SafeTensors.read(path: file(expected))
        XCTAssertEqual(tensors, ["a": Tensor(shape: [2], values: [1.0, -2.5])])
        XCTAssertEqual(metadata, ["format": "pt"])
        // Our writer produces the very same bytes.
        XCTAssertEqual(try SafeTensors.serialize([("a", Tensor(shape: [2], values: [1, -2.5]))], metadata: ["format": "pt"]),
                       expected)
    }

    // MARK: - 16-bit dtypes

    func testF16IsConvertedExactly() throws {
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8001, 0x8000, 0x3555, 0x0400, 0x7C00, 0xFC00, 0x7E00]
        let header = #"{"h":{"dtype":"F16","shape":[3,4],"data_offsets":[0,24]}}"#
        let (tensors, _) = try SafeTensors.read(path: file(safetensorsBytes(header: header, data: littleEndian16(halves))))
        let h = try XCTUnwrap(tensors["h"])
        XCTAssertEqual(h.shape, [3, 4])
        let v = h.values
        XCTAssertEqual(v[0], 1)
        XCTAssertEqual(v[1], -2)
        XCTAssertEqual(v[2], 65504)                       // largest half
        XCTAssertEqual(v[3], 0x1p-24)                     // smallest subnormal
        XCTAssertEqual(v[4], 1023 * 0x1p-24)              // largest subnormal
        XCTAssertEqual(v[5], -0x1p-24)                    // negative subnormal
        XCTAssertEqual(v[6], 0)
        XCTAssertEqual(v[6].sign, .minus)                 // -0 keeps its sign
        XCTAssertEqual(v[7], 0.333251953125)              // 0x3555
        XCTAssertEqual(v[8], 0x1p-14)                     // smallest normal
        XCTAssertEqual(v[9], .infinity)
        XCTAssertEqual(v[10], -.infinity)
        XCTAssertTrue(v[11].isNaN)
    }

    func testBF16IsUpperHalfOfF32() throws {
        let raw: [UInt16] = [0x3F80, 0xC049, 0x0001, 0x7F80, 0xFF80, 0x7FC0]
        let header = #"{"b":{"dtype":"BF16","shape":[6],"data_offsets":[0,12]}}"#
        let (tensors, _) = try SafeTensors.read(path: file(safetensorsBytes(header: header, data: littleEndian16(raw))))
        let v = try XCTUnwrap(tensors["b"]).values
        XCTAssertEqual(v[0], 1)
        XCTAssertEqual(v[1], -3.140625)
        XCTAssertEqual(v[2], Float(bitPattern: 0x0001_0000))   // subnormal 2^-133
        XCTAssertEqual(v[3], .infinity)
        XCTAssertEqual(v[4], -.infinity)
        XCTAssertTrue(v[5].isNaN)
    }

    // MARK: - Malformed files, one error case each

    private func read(_ bytes: [UInt8]) throws -> [String: Tensor] {
        try SafeTensors.read(path: file(bytes, "bad.safetensors")).tensors
    }

    private var badPath: String { dir + "/bad.safetensors" }

    func testRejectsFileShorterThanEightBytes() {
        assertThrows(try read([1, 2, 3]), as: SafeTensorsError.self, mentions: [badPath, "3 bytes"]) {
            $0 == .tooShort(path: self.badPath, size: 3)
        }
    }

    func testRejectsHeaderLengthBeyondFile() {
        assertThrows(try read(littleEndian64(100) + Array("{}".utf8)), as: SafeTensorsError.self, mentions: [badPath, "100"]) {
            if case .headerBeyondFile(_, 100, 10) = $0 { return true }
            return false
        }
    }

    func testRejectsAbsurdHeaderLength() {
        // A PNG's first 8 bytes read as a length.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
        assertThrows(try read(png), as: SafeTensorsError.self, mentions: [badPath]) {
            if case .headerLengthAbsurd = $0 { return true }
            return false
        }
    }

    private func assertMalformed(_ header: String, data: [UInt8] = [], mentions: [String] = [],
                                 line: UInt = #line) {
        assertThrows(try read(safetensorsBytes(header: header, data: data)), as: SafeTensorsError.self,
                     mentions: [badPath] + mentions, line: line) {
            if case .malformedHeader = $0 { return true }
            return false
        }
    }

    func testRejectsMalformedHeaders() {
        assertMalformed("{not json", mentions: ["JSON"])
        assertMalformed("[1, 2]", mentions: ["not a JSON object"])
        assertMalformed(#"{"a":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0], mentions: ["a", "data_offsets"])
        assertMalformed(#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["a", "dtype"])
        assertMalformed(#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["a", "shape"])
        assertMalformed(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], mentions: ["a"])
        assertMalformed(#"{"a":[1]}"#, mentions: ["a"])
        assertMalformed(#"{"__metadata__":{"k":1}}"#, mentions: ["k", "not a string"])
        assertMalformed(#"{"__metadata__":"x"}"#, mentions: ["__metadata__"])
    }

    func testRejectsUnsupportedDType() {
        let header = #"{"idx":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 0, count: 8))),
                     as: SafeTensorsError.self, mentions: [badPath, "idx", "I64"]) {
            $0 == .unsupportedDType(path: self.badPath, tensor: "idx", dtype: "I64")
        }
    }

    func testRejectsNegativeDimension() {
        let header = #"{"neg":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 0, count: 8))),
                     as: SafeTensorsError.self, mentions: [badPath, "neg"]) {
            $0 == .negativeDimension(path: self.badPath, tensor: "neg", shape: [-1, 2])
        }
    }

    func testRejectsByteCountNotMatchingShape() {
        let header = #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 0, count: 8))),
                     as: SafeTensorsError.self, mentions: [badPath, "w", "[3]", "8 bytes"]) {
            $0 == .sizeMismatch(path: self.badPath, tensor: "w", shape: [3], dtype: "F32", bytes: 8)
        }
    }

    func testRejectsOffsetsOutOfRange() {
        let past = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        assertThrows(try read(safetensorsBytes(header: past, data: Array(repeating: 0, count: 8))),
                     as: SafeTensorsError.self, mentions: [badPath, "w", "16"]) {
            $0 == .offsetsOutOfRange(path: self.badPath, tensor: "w", begin: 0, end: 16, bufferSize: 8)
        }
        let reversed = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#
        assertThrows(try read(safetensorsBytes(header: reversed, data: Array(repeating: 0, count: 8))),
                     as: SafeTensorsError.self, mentions: [badPath, "w"]) {
            $0 == .offsetsOutOfRange(path: self.badPath, tensor: "w", begin: 8, end: 0, bufferSize: 8)
        }
    }

    func testRejectsOverlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 0, count: 12))),
                     as: SafeTensorsError.self, mentions: [badPath, "a", "b", "overlap"]) {
            $0 == .overlappingTensors(path: self.badPath, first: "a", second: "b")
        }
    }

    func testRejectsGapBetweenTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 0, count: 12))),
                     as: SafeTensorsError.self, mentions: [badPath, "unaccounted"]) {
            $0 == .unaccountedBytes(path: self.badPath, begin: 4, end: 8)
        }
    }

    func testRejectsTrailingGarbage() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        assertThrows(try read(safetensorsBytes(header: header, data: Array(repeating: 7, count: 12))),
                     as: SafeTensorsError.self, mentions: [badPath, "4 trailing bytes"]) {
            $0 == .trailingBytes(path: self.badPath, count: 4)
        }
    }

    func testMissingFileNamesPathAndReason() {
        let path = dir + "/missing.safetensors"
        assertThrows(try SafeTensors.read(path: path), as: IOError.self, mentions: [path, "No such file or directory"]) {
            $0 == .cannotRead(path: path, reason: "No such file or directory")
        }
        assertThrows(try SafeTensors.read(path: dir), as: IOError.self, mentions: [dir, "is a directory, not a regular file"]) {
            if case .cannotRead = $0 { return true }
            return false
        }
    }

    func testWriterRejectsInconsistentTensors() {
        let path = dir + "/w.safetensors"
        assertThrows(try SafeTensors.write([("w", Tensor(shape: [2, 2], values: [1, 2, 3]))], metadata: [:], to: path),
                     as: SafeTensorsError.self, mentions: ["w"]) {
            if case .invalidTensor(name: "w", _) = $0 { return true }
            return false
        }
        let t = Tensor(shape: [1], values: [1])
        assertThrows(try SafeTensors.write([("w", t), ("w", t)], metadata: [:], to: path),
                     as: SafeTensorsError.self, mentions: ["w", "twice"]) {
            if case .invalidTensor(name: "w", _) = $0 { return true }
            return false
        }
        XCTAssertEqual(filesIn(dir), [])
    }

    func testAtomicWriteIntoMissingDirectoryFailsCleanly() {
        let path = dir + "/no/such/dir/x.safetensors"
        assertThrows(try SafeTensors.write([("w", Tensor(shape: [1], values: [1]))], metadata: [:], to: path),
                     as: IOError.self, mentions: ["cannot write \(path): No such file or directory"]) {
            $0 == .cannotWrite(path: path, reason: "No such file or directory")
        }
        XCTAssertEqual(filesIn(dir), [])
    }

    func testAtomicWriteReplacesExistingFileAndLeavesNoTemporaryFile() throws {
        let path = dir + "/x.bin"
        try AtomicFile.write([1, 2, 3], to: path)
        try AtomicFile.write([4, 5], to: path)
        XCTAssertEqual(try FileBytes.read(path: path), [4, 5])
        XCTAssertEqual(filesIn(dir), ["x.bin"])
        // Renaming onto a directory fails; the temporary file must not survive.
        let sub = dir + "/sub"
        try FileManager.default.createDirectory(atPath: sub + "/inner", withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicFile.write([1], to: sub))
        XCTAssertEqual(filesIn(dir), ["sub", "x.bin"])
    }

    /// Special files are not replaced by a regular file (as root, `--out /dev/stdout` would).
    func testAtomicWriteRefusesToReplaceAFIFO() throws {
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        assertThrows(try AtomicFile.write([1], to: fifo), as: IOError.self, mentions: ["not a regular file"]) {
            $0 == .cannotWrite(path: fifo, reason: "not a regular file")
        }
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        XCTAssertEqual(filesIn(dir), ["pipe"])
    }

    /// An endless source is refused before reading (only regular files are read), and a
    /// file above the limit is an error, not read until memory runs out.
    func testReadingStopsAtTheSizeLimit() throws {
        assertThrows(try FileBytes.read(path: "/dev/zero", limit: 1 << 20), as: IOError.self,
                     mentions: ["/dev/zero", "is a character device, not a regular file"]) {
            $0 == .cannotRead(path: "/dev/zero", reason: "is a character device, not a regular file")
        }
        let path = dir + "/exact.bin"
        try AtomicFile.write([UInt8](repeating: 9, count: 100), to: path)
        XCTAssertEqual(try FileBytes.read(path: path, limit: 100).count, 100)
        assertThrows(try FileBytes.read(path: path, limit: 99), as: IOError.self, mentions: [path, "larger than 99 bytes"]) {
            $0 == .cannotRead(path: path, reason: "larger than 99 bytes")
        }
    }
}
