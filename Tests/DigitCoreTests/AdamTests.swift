import Foundation
import XCTest
@testable import DigitCore

final class AdamTests: XCTestCase {
    /// torch.optim.Adam's single-tensor update, written out in float64 from its source.
    func referenceAdam(p: inout [Double], m: inout [Double], v: inout [Double], g: [Double],
                       step: Int, lr: Double, b1: Double = 0.9, b2: Double = 0.999, eps: Double = 1e-8,
                       weightDecay: Double = 0) {
        let bc1 = 1 - pow(b1, Double(step)), bc2 = 1 - pow(b2, Double(step))
        for i in p.indices {
            p[i] *= 1 - lr * weightDecay    // torch.optim.AdamW: param.mul_(1 - lr * weight_decay)
            m[i] = m[i] + (1 - b1) * (g[i] - m[i])
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            let denom = v[i].squareRoot() / bc2.squareRoot() + eps
            p[i] -= lr / bc1 * m[i] / denom
        }
    }

    func testStepsMatchReferenceUpdate() {
        // 37 values: whole vectors plus a scalar tail.
        let specs: [(name: String, shape: [Int])] = [("w", [4, 8]), ("b", [5])]
        let params = ParameterStore(specs: specs), grads = ParameterStore(specs: specs)
        var rng = Xoshiro256(seed: 9)
        for i in 0..<params.count { params.data[i] = Float(rng.nextDouble() * 2 - 1) }
        let adam = Adam(like: params)
        var p = params.buffer.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        for step in 1...3 {
            for i in 0..<grads.count { grads.data[i] = Float(rng.nextDouble() * 0.2 - 0.1) * Float(i % 5) }
            let g = grads.buffer.map(Double.init)
            adam.update(parameters: params, gradients: grads, lr: 1e-3)
            referenceAdam(p: &p, m: &m, v: &v, g: g, step: step, lr: 1e-3)
            XCTAssertEqual(adam.step, step)
            var maxDiff = 0.0
            for i in p.indices { maxDiff = max(maxDiff, abs(Double(params.data[i]) - p[i])) }
            print(String(format: "Adam step %d: max |float32 - float64 reference| = %.2e", step, maxDiff))
            XCTAssertLessThan(maxDiff, 1e-7)
            for i in p.indices {
                XCTAssertEqual(Double(adam.m.data[i]), m[i], accuracy: 1e-7)
                XCTAssertEqual(Double(adam.v.data[i]), v[i], accuracy: 1e-9)
            }
        }
    }

    /// Every C path of the update (AVX-512, AVX2, portable) gives the bits of the update
    /// written out here in Float, operation by operation, on a size that leaves a scalar tail,
    /// with zero gradients, tiny and large ones, and weight decay.
    func testEveryKernelPathGivesTheSameBitsAsTheFloatUpdate() {
        let count = 16 * 37 + 11
        var rng = Xoshiro256(seed: 21)
        func values(_ scale: Double) -> [Float] {
            (0..<count).map { i in i % 7 == 0 ? 0 : Float((rng.nextDouble() * 2 - 1) * scale * (i % 3 == 0 ? 1e-6 : 1)) }
        }
        let p0 = values(1), m0 = values(1e-2), v0 = values(1e-4).map(abs), grads = (0..<3).map { _ in values(10) }
        func floatReference(step: Int, lr: Double, weightDecay: Double, p: inout [Float], m: inout [Float], v: inout [Float], g: [Float]) {
            let bc1 = 1 - pow(0.9, Double(step)), bc2 = 1 - pow(0.999, Double(step))
            let stepSize = Float(-(lr / bc1)), bc2Sqrt = Float(bc2.squareRoot()), w1 = Float(1 - 0.9)
            let b2 = Float(0.999), w2 = Float(1 - 0.999), eps = Float(1e-8), decay = Float(1 - lr * weightDecay)
            for i in 0..<count {
                let gi = g[i]
                let mi = m[i] + w1 * (gi - m[i])
                let vi = v[i] * b2 + w2 * gi * gi
                m[i] = mi
                v[i] = vi
                p[i] = p[i] * decay + stepSize * mi / (vi.squareRoot() / bc2Sqrt + eps)
            }
        }
        let kernels = DecoderKernel.supported.filter { $0 != .blas }
        XCTAssertTrue(kernels.contains(.scalar))
        for kernel in kernels {
            for weightDecay in [0.0, 0.05] {
                let specs: [(name: String, shape: [Int])] = [("w", [count])]
                let params = ParameterStore(specs: specs), gradients = ParameterStore(specs: specs)
                params.set("w", p0)
                let adam = Adam(like: params)
                adam.kernel = kernel
                adam.m.set("w", m0)
                adam.v.set("w", v0)
                var p = p0, m = m0, v = v0
                for (s, g) in grads.enumerated() {
                    gradients.set("w", g)
                    adam.update(parameters: params, gradients: gradients, lr: 3e-3, weightDecay: weightDecay)
                    floatReference(step: s + 1, lr: 3e-3, weightDecay: weightDecay, p: &p, m: &m, v: &v, g: g)
                }
                XCTAssertEqual(params.values("w").map(\.bitPattern), p.map(\.bitPattern), "\(kernel) p, weight decay \(weightDecay)")
                XCTAssertEqual(adam.m.values("w").map(\.bitPattern), m.map(\.bitPattern), "\(kernel) m")
                XCTAssertEqual(adam.v.values("w").map(\.bitPattern), v.map(\.bitPattern), "\(kernel) v")
            }
        }
    }

    func testFirstStepMovesByLearningRate() {
        let specs: [(name: String, shape: [Int])] = [("w", [3])]
        let params = ParameterStore(specs: specs), grads = ParameterStore(specs: specs)
        grads.set("w", [0.5, -2, 0])
        let adam = Adam(like: params)
        adam.update(parameters: params, gradients: grads, lr: 1e-3)
        // m/(1-b1) = g and sqrt(v/(1-b2)) = |g|, so the step is lr * sign(g).
        XCTAssertEqual(params.values("w")[0], -1e-3, accuracy: 1e-9)
        XCTAssertEqual(params.values("w")[1], 1e-3, accuracy: 1e-9)
        XCTAssertEqual(params.values("w")[2], 0)
    }

    /// Splitting the loop over threads does not change a single bit.
    func testThreadedUpdateIsBitIdentical() {
        let specs: [(name: String, shape: [Int])] = [("w", [300, 401])]
        var rng = Xoshiro256(seed: 4)
        let a = ParameterStore(specs: specs), g = ParameterStore(specs: specs)
        for i in 0..<a.count { a.data[i] = Float(rng.nextDouble()); g.data[i] = Float(rng.nextDouble() - 0.5) }
        let b = ParameterStore(copying: a)
        let adamA = Adam(like: a), adamB = Adam(like: b)
        adamB.threads = 2
        for _ in 0..<2 {
            adamA.update(parameters: a, gradients: g, lr: 1e-3)
            adamB.update(parameters: b, gradients: g, lr: 1e-3)
        }
        XCTAssertTrue(Array(a.buffer) == Array(b.buffer))
    }

    /// The gradient given in parts (one per block of a batch) is their sum, formed in the pass,
    /// on every kernel path and thread count; with clearingGradients the parts are zero after.
    func testGradientPartsAreSummedAndCleared() {
        let specs: [(name: String, shape: [Int])] = [("w", [300, 401]), ("b", [7])]
        var rng = Xoshiro256(seed: 6)
        let start = ParameterStore(specs: specs)
        for i in 0..<start.count { start.data[i] = Float(rng.nextDouble()) }
        let parts = (0..<3).map { _ in ParameterStore(specs: specs) }
        for p in parts { for i in 0..<p.count { p.data[i] = Float(rng.nextDouble() - 0.5) } }
        for count in [2, 3] {
            // Reference: the summed gradient in one store ((g0 + g2) + g1 for three parts).
            let sum = ParameterStore(specs: specs)
            for i in 0..<sum.count {
                sum.data[i] = count == 2 ? parts[0].data[i] + parts[1].data[i] : (parts[0].data[i] + parts[2].data[i]) + parts[1].data[i]
            }
            let ref = ParameterStore(copying: start), adamRef = Adam(like: ref)
            adamRef.update(parameters: ref, gradients: sum, lr: 1e-3)
            for kernel in DecoderKernel.supported where kernel != .blas {
                for threads in [1, 2] {
                    for clearing in [false, true] {
                        let copies = parts.prefix(count).map { ParameterStore(copying: $0) }
                        let p = ParameterStore(copying: start), adam = Adam(like: p)
                        adam.kernel = kernel
                        adam.threads = threads
                        let lock = NSLock()
                        nonisolated(unsafe) var updated: [Range<Int>] = []
                        adam.update(parameters: p, gradientParts: copies, lr: 1e-3, clearingGradients: clearing,
                                    afterPart: { r in lock.lock(); updated.append(r); lock.unlock() })
                        // afterPart saw every element once, in blocks that tile the buffer.
                        XCTAssertEqual(updated.sorted { $0.lowerBound < $1.lowerBound }.reduce(0) { $1.lowerBound == $0 ? $1.upperBound : -1 },
                                       p.count)
                        XCTAssertTrue(Array(p.buffer) == Array(ref.buffer), "\(count) parts, \(kernel), \(threads) threads")
                        XCTAssertTrue(Array(adam.m.buffer) == Array(adamRef.m.buffer))
                        for (k, c) in copies.enumerated() {
                            if clearing {
                                XCTAssertTrue(c.buffer.allSatisfy { $0 == 0 }, "part \(k) cleared")
                            } else if k == 0 && count == 3 {
                                // The third part is added into the first before the pass.
                                XCTAssertTrue(Array(c.buffer) == (0..<c.count).map { parts[0].data[$0] + parts[2].data[$0] })
                            } else {
                                XCTAssertTrue(Array(c.buffer) == Array(parts[k].buffer), "part \(k) untouched")
                            }
                        }
                    }
                }
            }
        }
    }

    /// AdamW (decoupled weight decay) against torch.optim.AdamW's update in float64.
    func testWeightDecayMatchesAdamW() {
        let specs: [(name: String, shape: [Int])] = [("w", [4, 8]), ("b", [5])]
        let params = ParameterStore(specs: specs), grads = ParameterStore(specs: specs)
        var rng = Xoshiro256(seed: 10)
        for i in 0..<params.count { params.data[i] = Float(rng.nextDouble() * 2 - 1) }
        let adam = Adam(like: params)
        var p = params.buffer.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        for step in 1...3 {
            for i in 0..<grads.count { grads.data[i] = Float(rng.nextDouble() * 0.2 - 0.1) }
            let g = grads.buffer.map(Double.init)
            adam.update(parameters: params, gradients: grads, lr: 1e-2, weightDecay: 0.5)
            referenceAdam(p: &p, m: &m, v: &v, g: g, step: step, lr: 1e-2, weightDecay: 0.5)
            for i in p.indices { XCTAssertEqual(Double(params.data[i]), p[i], accuracy: 5e-7) }   // float32 rounding
        }
        // Without a gradient, the decay alone shrinks by 1 - lr * decay per step.
        let q = ParameterStore(specs: [("w", [3])]), zero = ParameterStore(specs: [("w", [3])])
        q.set("w", [1, -2, 0.5])
        Adam(like: q).update(parameters: q, gradients: zero, lr: 0.1, weightDecay: 2)
        XCTAssertEqual(q.values("w"), [0.8, -1.6, 0.4].map { Float($0) })
    }

    /// An update restricted to some elements leaves the others, and their moments, untouched,
    /// and gives the restricted ones the same bits as a full update.
    func testUpdateOfSomeElements() {
        let specs: [(name: String, shape: [Int])] = [("w", [300, 401])]
        var rng = Xoshiro256(seed: 5)
        let a = ParameterStore(specs: specs), g = ParameterStore(specs: specs)
        for i in 0..<a.count { a.data[i] = Float(rng.nextDouble()); g.data[i] = Float(rng.nextDouble() - 0.5) }
        let b = ParameterStore(copying: a), before = ParameterStore(copying: a)
        let adamA = Adam(like: a), adamB = Adam(like: b)
        adamB.threads = 2
        let span = 1003..<90_011
        for _ in 0..<2 {
            adamA.update(parameters: a, gradients: g, lr: 1e-3)
            adamB.update(parameters: b, gradients: g, lr: 1e-3, elements: span)
        }
        for i in 0..<a.count {
            if span.contains(i) {
                XCTAssertEqual(a.data[i].bitPattern, b.data[i].bitPattern)
            } else {
                XCTAssertEqual(b.data[i].bitPattern, before.data[i].bitPattern)
                XCTAssertEqual(adamB.m.data[i], 0)
                XCTAssertEqual(adamB.v.data[i], 0)
            }
        }
    }
}
