import Foundation
import XCTest
@testable import DigitCore

/// The sparse fc1 kernels (CDigitKernels encoder.c) on every path this CPU runs, through
/// `EncoderPass`, against float64 references written here from the maths.
final class EncoderKernelTests: XCTestCase {
    /// Hidden sizes that are not multiples of any vector width or of the kernels' chunk of 80,
    /// inputs that are not multiples of 16, a latent size of 3, and the shipped model's sizes.
    let configs = [
        CVAEConfig(pixels: 37, classes: 10, hidden: 19, latent: 3),
        CVAEConfig(pixels: 53, classes: 4, hidden: 97, latent: 5),
        CVAEConfig(pixels: 784, classes: 10, hidden: 400, latent: 20),
    ]

    /// The fused paths (`blas` has no fc1 of its own: it runs the best vector kernel).
    var paths: [DecoderKernel] { DecoderKernel.supported.filter { $0 != .blas } }

    /// n rows of [x | onehot(y)]: about a fifth of the pixels non-zero in [0, 1] (MNIST-like),
    /// row 1 (when there is one) all-zero pixels, and some pixels negative or large.
    static func inputs(_ c: CVAEConfig, n: Int, seed: UInt64) -> [Float] {
        var rng = Xoshiro256(seed: seed)
        let xin = c.pixels + c.classes
        var x = [Float](repeating: 0, count: n * xin)
        for i in 0..<n {
            if i != 1 {
                for j in 0..<c.pixels where rng.nextDouble() < 0.2 {
                    x[i * xin + j] = j % 11 == 0 ? Float(rng.nextDouble() * 40 - 20) : Float(rng.nextDouble())
                }
            }
            x[i * xin + c.pixels + (i * 7 + 3) % c.classes] = 1
        }
        return x
    }

    /// relu(x W1^T + b1) of one row in float64.
    static func referenceHidden(_ w: CVAEWeights, _ c: CVAEConfig, row: ArraySlice<Float>) -> [Double] {
        let xin = c.pixels + c.classes, x = Array(row)
        return (0..<c.hidden).map { o in
            var s = Double(w.fc1.bias[o])
            for j in 0..<xin { s += Double(w.fc1.weight[o * xin + j]) * Double(x[j]) }
            return max(s, 0)
        }
    }

    /// (h1, mean, logvar) of n rows through EncoderPass with `kernel`.
    static func encode(_ m: CVAE, _ x: [Float], n: Int, kernel: DecoderKernel, threads: Int = 1)
        -> (hidden: [Float], mean: [Float], logvar: [Float]) {
        let c = m.config
        let pass = EncoderPass(config: c, capacity: n, linear: ParallelLinear(threads: threads), kernel: kernel)
        var h = [Float](repeating: .nan, count: n * c.hidden)
        var mean = [Float](repeating: .nan, count: n * c.latent), logvar = mean
        x.withUnsafeBufferPointer { xp in
            h.withUnsafeMutableBufferPointer { hp in
                mean.withUnsafeMutableBufferPointer { mp in
                    logvar.withUnsafeMutableBufferPointer { lp in
                        pass.forward(m.weights, store: m.parameters, input: xp.baseAddress!, count: n,
                                     hidden: hp.baseAddress!, mean: mp.baseAddress!, logvar: lp.baseAddress!)
                    }
                }
            }
        }
        return (h, mean, logvar)
    }

    func testEveryPathMatchesFloat64ReferenceOnOddSizes() {
        print("encoder fc1 paths on this CPU: \(paths.map(\.rawValue))")
        XCTAssertTrue(paths.contains(.scalar))
        for (ci, c) in configs.enumerated() {
            let m = CVAE(config: c, seed: UInt64(30 + ci))
            let xin = c.pixels + c.classes
            for n in [1, 3, 5, 17, 257] {
                let x = Self.inputs(c, n: n, seed: UInt64(n))
                let ref = (0..<n).map { Self.referenceHidden(m.weights, c, row: x[($0 * xin)..<(($0 + 1) * xin)]) }
                for kernel in paths {
                    let out = Self.encode(m, x, n: n, kernel: kernel)
                    var err = 0.0
                    for i in 0..<n {
                        for o in 0..<c.hidden {
                            err = max(err, abs(ref[i][o] - Double(out.hidden[i * c.hidden + o])) / max(1, abs(ref[i][o])))
                        }
                    }
                    XCTAssertLessThan(err, 1e-5, "\(kernel) \(c) batch \(n)")
                    if n > 1 {
                        // The all-zero row is relu(W1[:, label] + b1).
                        let label = c.pixels + (1 * 7 + 3) % c.classes
                        for o in 0..<c.hidden {
                            let expected = max(m.weights.fc1.bias[o] + m.weights.fc1.weight[o * xin + label], 0)
                            XCTAssertEqual(out.hidden[c.hidden + o], expected, "\(kernel) \(c) zero row, unit \(o)")
                        }
                    }
                }
            }
        }
    }

    /// Same bits on every path, with 1 or 2 threads, and for a row alone or in any batch.
    func testPathsThreadsAndBatchesGiveTheSameBits() {
        let c = configs[2], xin = c.pixels + c.classes, n = 37
        let m = CVAE(config: c, seed: 5)
        let x = Self.inputs(c, n: n, seed: 9)
        let base = Self.encode(m, x, n: n, kernel: .scalar)
        for kernel in paths {
            for threads in [1, 2] {
                let out = Self.encode(m, x, n: n, kernel: kernel, threads: threads)
                XCTAssertEqual(out.hidden.map(\.bitPattern), base.hidden.map(\.bitPattern), "\(kernel), \(threads) threads")
            }
            for row in [0, 1, 4, 36] {
                let alone = Self.encode(m, Array(x[(row * xin)..<((row + 1) * xin)]), n: 1, kernel: kernel)
                XCTAssertEqual(alone.hidden.map(\.bitPattern), base.hidden[(row * c.hidden)..<((row + 1) * c.hidden)].map(\.bitPattern),
                               "\(kernel), row \(row) alone")
            }
        }
    }

    /// After the weights change (a training step), the next forward uses the new values.
    func testPackFollowsTheParameters() {
        let c = configs[0], n = 3
        let m = CVAE(config: c, seed: 8)
        let x = Self.inputs(c, n: n, seed: 2)
        let pass = EncoderPass(config: c, capacity: n, linear: ParallelLinear(threads: 1))
        var h = [Float](repeating: 0, count: n * c.hidden), mean = [Float](repeating: 0, count: n * c.latent), lv = mean
        func run() -> [Float] {
            pass.forward(m.weights, store: m.parameters, input: x, count: n, hidden: &h, mean: &mean, logvar: &lv)
            return h
        }
        let before = run()
        m.weights.fc1.bias[0] += 100
        m.parameters.markChanged()
        let after = run()
        XCTAssertEqual(after[0], before[0] + 100, accuracy: 1e-3)
        XCTAssertEqual(Array(after[1..<c.hidden]), Array(before[1..<c.hidden]))
    }

    /// dW1 += dh^T x and db1 += sum dh on every path against float64, the same bits on every
    /// path; columns that are zero in every row stay as they were.
    func testWeightGradientMatchesReferenceOnEveryPath() {
        for (ci, c) in configs.enumerated() {
            let xin = c.pixels + c.classes
            for n in [1, 17, 64] {
                let m = CVAE(config: c, seed: UInt64(40 + ci))
                let x = Self.inputs(c, n: n, seed: UInt64(100 + n))
                var rng = Xoshiro256(seed: UInt64(n))
                let dh = rng.gaussians(n * c.hidden)
                var ref = [Double](repeating: 0, count: c.hidden * xin)
                for o in 0..<c.hidden {
                    for j in 0..<xin {
                        var s = 0.5   // the gradient store's value before
                        for i in 0..<n { s += Double(dh[i * c.hidden + o]) * Double(x[i * xin + j]) }
                        ref[o * xin + j] = s
                    }
                }
                var first: [UInt32]?
                for kernel in paths {
                    let g = ParameterStore(specs: c.tensorSpecs)
                    g.buffer.update(repeating: 0.5)
                    let gw = CVAEWeights(g, config: c)
                    let pass = EncoderPass(config: c, capacity: n, linear: ParallelLinear(threads: 1), kernel: kernel)
                    dh.withUnsafeBufferPointer { d in
                        x.withUnsafeBufferPointer { xp in
                            pass.backwardFC1(dHidden: d.baseAddress!, input: xp.baseAddress!, count: n, gradient: gw)
                        }
                    }
                    let got = Array(UnsafeBufferPointer(start: gw.fc1.weight, count: c.hidden * xin))
                    var err = 0.0
                    for k in got.indices { err = max(err, abs(Double(got[k]) - ref[k]) / max(1, abs(ref[k]))) }
                    XCTAssertLessThan(err, 1e-5, "\(kernel) \(c) batch \(n)")
                    for o in 0..<c.hidden {
                        var s = 0.5
                        for i in 0..<n { s += Double(dh[i * c.hidden + o]) }
                        XCTAssertEqual(Double(gw.fc1.bias[o]), s, accuracy: 1e-4 * max(1, abs(s)))
                    }
                    for j in 0..<c.pixels where (0..<n).allSatisfy({ x[$0 * xin + j] == 0 }) {
                        for o in 0..<c.hidden { XCTAssertEqual(gw.fc1.weight[o * xin + j], 0.5) }
                    }
                    if let first { XCTAssertEqual(got.map(\.bitPattern), first, "\(kernel) \(c) batch \(n)") } else {
                        first = got.map(\.bitPattern)
                    }
                }
            }
        }
    }

    /// Without its pack (out of memory) the pass runs fc1 as a dense OpenBLAS product: the same
    /// hidden units and weight gradient to float rounding.
    func testDenseFallbackMatchesTheSparseKernel() {
        let c = configs[1], n = 17, xin = c.pixels + c.classes
        let m = CVAE(config: c, seed: 12)
        let x = Self.inputs(c, n: n, seed: 4)
        var rng = Xoshiro256(seed: 6)
        let dh = rng.gaussians(n * c.hidden)
        var outs: [[Float]] = [], grads: [[Float]] = []
        for usePack in [true, false] {
            let pass = EncoderPass(config: c, capacity: n, linear: ParallelLinear(threads: 1), usePack: usePack)
            var h = [Float](repeating: .nan, count: n * c.hidden), mean = [Float](repeating: 0, count: n * c.latent), lv = mean
            pass.forward(m.weights, store: m.parameters, input: x, count: n, hidden: &h, mean: &mean, logvar: &lv)
            outs.append(h + mean + lv)
            let g = ParameterStore(specs: c.tensorSpecs)
            pass.backwardFC1(dHidden: dh, input: x, count: n, gradient: CVAEWeights(g, config: c))
            grads.append(Array(UnsafeBufferPointer(start: g.data, count: c.hidden * xin + c.hidden)))
        }
        for (a, b) in [(outs[0], outs[1]), (grads[0], grads[1])] {
            var err: Float = 0
            for k in a.indices { err = max(err, abs(a[k] - b[k]) / max(1, abs(a[k]))) }
            XCTAssertLessThan(err, 1e-5)
        }
    }
}
