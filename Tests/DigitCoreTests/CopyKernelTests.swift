import CDigitKernels
import XCTest
@testable import DigitCore

/// The C target's data movement on every path this CPU runs: batch filling's uint8 -> [0, 1]
/// conversion (`dk_unit_pixels`, a table of the 256 quotients: the same bits as Float(v) / 255,
/// as torchvision's ToTensor) and the packs' transposes (`dk_transpose`).
final class CopyKernelTests: XCTestCase {
    var paths: [DecoderKernel] { DecoderKernel.supported.filter { $0 != .blas } }

    func testEveryByteGivesItsQuotientOnEveryPath() {
        for kernel in paths {
            for count in [1, 15, 16, 17, 256, 787] {
                let bytes = (0..<count).map { UInt8(($0 * 37 + 11) % 256) }
                var out = [Float](repeating: .nan, count: count)
                dk_unit_pixels(kernel.cKernel, bytes, count, &out)
                XCTAssertEqual(out.map(\.bitPattern), bytes.map { (Float($0) / 255).bitPattern }, "\(kernel), count \(count)")
            }
            let all = (0...255).map { UInt8($0) }
            var out = [Float](repeating: .nan, count: 256)
            dk_unit_pixels(kernel.cKernel, all, 256, &out)
            XCTAssertEqual(out.map(\.bitPattern), all.map { (Float($0) / 255).bitPattern }, "\(kernel)")
        }
    }

    /// Sizes with partial 16 x 16 blocks, strides larger than the rows: every element lands
    /// where it should, the padding is left as it was.
    func testTransposeOnEveryPath() {
        for kernel in paths {
            for (rows, cols) in [(1, 1), (3, 17), (16, 16), (19, 37), (400, 30), (64, 400)] {
                let srcStride = cols + 3, dstStride = rows + 5
                let src = (0..<(rows * srcStride)).map { Float($0) + 0.5 }
                var dst = [Float](repeating: -1, count: cols * dstStride)
                dk_transpose(kernel.cKernel, src, Int32(rows), Int32(cols), Int32(srcStride), &dst, Int32(dstStride))
                for c in 0..<cols {
                    for r in 0..<dstStride {
                        let expected: Float = r < rows ? src[r * srcStride + c] : -1
                        if dst[c * dstStride + r] != expected {
                            XCTFail("\(kernel) \(rows) x \(cols): (\(r), \(c)) is \(dst[c * dstStride + r]), not \(expected)")
                            return
                        }
                    }
                }
            }
        }
    }
}
