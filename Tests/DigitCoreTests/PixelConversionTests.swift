import CDigitKernels
import XCTest
@testable import DigitCore

/// Batch filling's uint8 -> [0, 1] conversion (`dk_unit_pixels`, a table of the 256 quotients):
/// the same bits as Float(v) / 255, as torchvision's ToTensor, on the vector path and the tail.
final class PixelConversionTests: XCTestCase {
    func testEveryByteGivesItsQuotient() {
        for count in [1, 15, 16, 17, 256, 787] {
            let bytes = (0..<count).map { UInt8(($0 * 37 + 11) % 256) }
            var out = [Float](repeating: .nan, count: count)
            dk_unit_pixels(bytes, count, &out)
            XCTAssertEqual(out.map(\.bitPattern), bytes.map { (Float($0) / 255).bitPattern }, "count \(count)")
        }
        let all = (0...255).map { UInt8($0) }
        var out = [Float](repeating: .nan, count: 256)
        dk_unit_pixels(all, 256, &out)
        XCTAssertEqual(out.map(\.bitPattern), all.map { (Float($0) / 255).bitPattern })
    }
}
