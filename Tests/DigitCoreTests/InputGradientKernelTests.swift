import CDigitKernels
import Foundation
import XCTest
@testable import DigitCore

/// A Linear layer's input gradient (`dk_input_gradient`, CDigitKernels input_gradient.c) on every
/// path this CPU runs, against float64, with and without the ReLU mask.
final class InputGradientKernelTests: XCTestCase {
    var paths: [DecoderKernel] { DecoderKernel.supported.filter { $0 != .blas } }

    /// dx of `n` rows through `kernel`; x nil: no mask.
    func run(_ kernel: DecoderKernel, w: [Float], inputs: Int, outputs: Int, dy: [Float], n: Int, x: [Float]?) -> [Float] {
        var dx = [Float](repeating: .nan, count: n * inputs)
        w.withUnsafeBufferPointer { wp in
            dy.withUnsafeBufferPointer { dp in
                dx.withUnsafeMutableBufferPointer { out in
                    if let x {
                        x.withUnsafeBufferPointer { xp in
                            dk_input_gradient(kernel.cKernel, wp.baseAddress!, Int32(inputs), Int32(outputs), dp.baseAddress!,
                                              Int32(n), xp.baseAddress!, out.baseAddress!)
                        }
                    } else {
                        dk_input_gradient(kernel.cKernel, wp.baseAddress!, Int32(inputs), Int32(outputs), dp.baseAddress!,
                                          Int32(n), nil, out.baseAddress!)
                    }
                }
            }
        }
        return dx
    }

    func testEveryPathAgainstFloat64WithTheSameBits() {
        // Inputs that are not multiples of the vector widths or of the 80-unit block, outputs
        // below and above the 96-output pass, batches of 1, 3, 17 and 257 rows, the shipped shape.
        let shapes = [(n: 1, inputs: 37, outputs: 5), (n: 3, inputs: 400, outputs: 784), (n: 17, inputs: 81, outputs: 100),
                      (n: 13, inputs: 16, outputs: 9), (n: 6, inputs: 95, outputs: 3), (n: 257, inputs: 23, outputs: 40),
                      (n: 64, inputs: 400, outputs: 400), (n: 4, inputs: 80, outputs: 0)]
        var rng = Xoshiro256(seed: 4)
        for s in shapes {
            let w = (0..<(s.outputs * s.inputs)).map { _ in Float(rng.nextDouble() - 0.5) * 0.2 }
            let dy = (0..<(s.n * s.outputs)).map { _ in Float(rng.nextDouble() - 0.5) }
            // A ReLU output: about half zero, some exactly zero rows.
            let x = (0..<(s.n * s.inputs)).map { i -> Float in i / s.inputs == 1 ? 0 : (rng.nextDouble() < 0.5 ? 0 : Float(rng.nextDouble())) }
            for masked in [false, true] {
                var reference = [Float]()
                for path in paths {
                    let dx = run(path, w: w, inputs: s.inputs, outputs: s.outputs, dy: dy, n: s.n, x: masked ? x : nil)
                    var err = 0.0
                    for r in 0..<s.n {
                        for k in 0..<s.inputs {
                            var sum = 0.0
                            for o in 0..<s.outputs { sum += Double(dy[r * s.outputs + o]) * Double(w[o * s.inputs + k]) }
                            if masked && x[r * s.inputs + k] <= 0 { sum = 0 }
                            err = max(err, abs(sum - Double(dx[r * s.inputs + k])))
                        }
                    }
                    XCTAssertLessThan(err, 1e-5, "\(path) \(s) masked \(masked)")
                    if reference.isEmpty { reference = dx } else {
                        XCTAssertEqual(dx.map(\.bitPattern), reference.map(\.bitPattern), "\(path) \(s) masked \(masked)")
                    }
                    if masked {
                        for i in x.indices where x[i] <= 0 { XCTAssertEqual(dx[i].bitPattern, Float(0).bitPattern) }
                    }
                }
            }
        }
    }

    /// A row's gradient does not depend on the rows around it (the 5-row blocks).
    func testARowGivesTheSameBitsInAnyBatch() {
        var rng = Xoshiro256(seed: 5)
        let inputs = 400, outputs = 130, n = 11
        let w = (0..<(outputs * inputs)).map { _ in Float(rng.nextDouble() - 0.5) * 0.2 }
        let dy = (0..<(n * outputs)).map { _ in Float(rng.nextDouble() - 0.5) }
        for path in paths {
            let all = run(path, w: w, inputs: inputs, outputs: outputs, dy: dy, n: n, x: nil)
            for r in [0, 4, 5, 10] {
                let one = run(path, w: w, inputs: inputs, outputs: outputs, dy: Array(dy[(r * outputs)..<((r + 1) * outputs)]),
                              n: 1, x: nil)
                XCTAssertEqual(one.map(\.bitPattern), all[(r * inputs)..<((r + 1) * inputs)].map(\.bitPattern), "\(path) row \(r)")
            }
        }
    }
}
