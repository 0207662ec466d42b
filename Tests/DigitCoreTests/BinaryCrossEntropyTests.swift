import CDigitKernels
import Foundation
import XCTest
@testable import DigitCore

final class BinaryCrossEntropyTests: XCTestCase {
    /// The vectorised kernel (exp polynomial, log of products) against float64 formulas,
    /// on rows long enough to flush the product runs and with a scalar tail.
    func testRowMatchesFloat64Formula() {
        var rng = Xoshiro256(seed: 5)
        for count in [1, 7, 8, 16, 19, 784, 1603] {
            var logits = [Float](repeating: 0, count: count), targets = logits
            for i in 0..<count {
                // Mostly moderate logits, some large ones that saturate the sigmoid.
                logits[i] = Float(rng.nextDouble() * 30 - 15) * (i % 11 == 0 ? 8 : 1)
                targets[i] = i % 3 == 0 ? 0 : Float(rng.nextInt(below: 256)) / 255
            }
            logits[0] = 0
            var gradient = [Float](repeating: 0, count: count)
            let loss = BinaryCrossEntropy.row(logits: logits, targets: targets, count: count, gradient: &gradient)
            var ref = 0.0, maxGradDiff = 0.0
            for i in 0..<count {
                let x = Double(logits[i]), t = Double(targets[i])
                ref += max(x, 0) - x * t + log1p(exp(-abs(x)))
                maxGradDiff = max(maxGradDiff, abs(Double(gradient[i]) - (1 / (1 + exp(-x)) - t)))
            }
            XCTAssertEqual(Double(loss), ref, accuracy: 2e-6 * max(ref, 1), "count \(count)")
            XCTAssertLessThan(maxGradDiff, 1e-6, "count \(count)")
        }
    }

    func testExtremeLogitsStayFinite() {
        let logits: [Float] = [-1e4, -100, -88, -87, 87, 88, 100, 1e4]
        let targets: [Float] = [0, 1, 0.5, 1, 0, 1, 0.5, 0]
        var gradient = [Float](repeating: 0, count: 8)
        let loss = BinaryCrossEntropy.row(logits: logits, targets: targets, count: 8, gradient: &gradient)
        XCTAssertTrue(loss.isFinite)
        // -1e4 vs 0 and 1e4 vs 0 dominate: 0 + 100 + 44 + 87 + 87 + 0 + 50 + 1e4.
        XCTAssertEqual(loss, 10_368, accuracy: 0.01)
        for (g, expected) in zip(gradient, [0, -1, -0.5, -1, 1, 0, 0.5, 1] as [Float]) {
            XCTAssertEqual(g, expected, accuracy: 1e-7)
        }
    }

    /// Every kernel path of dk_bce_rows against float64, several rows with a target stride,
    /// and the gradient written in place over the logits.
    func testEveryPathMatchesFloat64OnRows() {
        var rng = Xoshiro256(seed: 8)
        let rows = 3, count = 803, stride = 811
        var logits = [Float](repeating: 0, count: rows * count), targets = [Float](repeating: 0, count: rows * stride)
        for i in logits.indices { logits[i] = Float(rng.nextDouble() * 40 - 20) }
        for i in targets.indices { targets[i] = Float(rng.nextInt(below: 256)) / 255 }
        var ref = 0.0
        for r in 0..<rows {
            for j in 0..<count {
                let x = Double(logits[r * count + j]), t = Double(targets[r * stride + j])
                ref += max(x, 0) - x * t + log1p(exp(-abs(x)))
            }
        }
        for kernel in DecoderKernel.supported where kernel != .blas {
            var g = logits
            let loss = g.withUnsafeMutableBufferPointer { gp in
                dk_bce_rows(kernel.cKernel, gp.baseAddress!, targets, stride, Int32(rows), Int32(count), gp.baseAddress!)
            }
            XCTAssertEqual(loss, ref, accuracy: 2e-6 * ref, "\(kernel)")
            var maxDiff = 0.0
            for r in 0..<rows {
                for j in 0..<count {
                    let x = Double(logits[r * count + j]), t = Double(targets[r * stride + j])
                    maxDiff = max(maxDiff, abs(Double(g[r * count + j]) - (1 / (1 + exp(-x)) - t)))
                }
            }
            XCTAssertLessThan(maxDiff, 1e-6, "\(kernel)")
        }
    }
}
