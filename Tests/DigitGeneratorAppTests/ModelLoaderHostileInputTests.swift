import Foundation
import XCTest
@testable import digit_generator

/// Issue 13 in the app: `--weights` naming a FIFO left the window on its placeholder page
/// (the worker blocked in open(2)); a crafted shape aborted the app before any window.
/// Both must come back as a load failure the error page shows.
final class ModelLoaderHostileInputTests: XCTestCase {
    func testFIFOGivesALoadFailureInsteadOfBlocking() throws {
        let fifo = NSTemporaryDirectory() + "weights-fifo-\(getpid())"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        defer { unlink(fifo) }
        guard case .failure(let f) = ModelLoader.load(path: fifo) else { return XCTFail("a FIFO loaded") }
        XCTAssertEqual(f.path, fifo)
        XCTAssertTrue(f.problem.contains("is a FIFO (named pipe), not a regular file"), f.problem)
    }

    func testCraftedShapeGivesALoadFailureInsteadOfAborting() throws {
        // fc1.weight [0, 2^40] with no bytes; every other tensor empty too.
        var fields: [String] = []
        for (name, shape) in [("fc1.weight", "[0,1099511627776]"), ("fc1.bias", "[0]"), ("fc21.weight", "[0,0]"),
                              ("fc21.bias", "[0]"), ("fc22.weight", "[0,0]"), ("fc22.bias", "[0]"),
                              ("fc3.weight", "[0,0]"), ("fc3.bias", "[0]"), ("fc4.weight", "[784,0]"), ("fc4.bias", "[0]")] {
            fields.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,0]}")
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        let n = UInt64(header.count)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header
        let path = NSTemporaryDirectory() + "crafted-\(getpid()).safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .failure(let f) = ModelLoader.load(path: path) else { return XCTFail("a crafted file loaded") }
        XCTAssertTrue(f.problem.contains("does not describe a CVAE"), f.problem)
    }
}
