import Foundation
import XCTest
@testable import DigitCore

/// A fresh directory under the system's temporary directory, removed by the test's teardown.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let dir = NSTemporaryDirectory() + "digitcore-io-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func filesIn(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// A safetensors file from a raw header string and data buffer, padded as the reference does.
func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    var h = Array(header.utf8)
    h += repeatElement(UInt8(ascii: " "), count: (8 - h.count % 8) % 8)
    return littleEndian64(UInt64(h.count)) + h + data
}

func littleEndian64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

func littleEndianF32(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
}

func littleEndian16(_ values: [UInt16]) -> [UInt8] {
    values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
}

/// Asserts that `body` throws an error of type E matching `isExpected`, whose message mentions
/// every string in `mentions`.
func assertThrows<E: Error & CustomStringConvertible, T>(
    _ body: @autoclosure () throws -> T, as errorType: E.Type, mentions: [String],
    file: StaticString = #filePath, line: UInt = #line, _ isExpected: (E) -> Bool
) {
    do {
        _ = try body()
        XCTFail("expected an error of type \(E.self), nothing was thrown", file: file, line: line)
    } catch let error as E {
        XCTAssertTrue(isExpected(error), "unexpected error case: \(error)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(error.description.contains(m), "message \"\(error.description)\" does not mention \(m)",
                          file: file, line: line)
        }
    } catch {
        XCTFail("expected \(E.self), got \(type(of: error)): \(error)", file: file, line: line)
    }
}
