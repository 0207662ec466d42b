import Foundation
import XCTest
@testable import DigitCore

/// Every decoder path this CPU runs (`DecoderKernel.supported`: avx512, avx2, scalar, blas)
/// against a float64 reference written here from the maths, one path at a time.
final class DecoderKernelTests: XCTestCase {
    /// Sizes that are not multiples of any vector width (hidden 19 and 37, pixels 37 and 53),
    /// a latent size of 3, and the shipped model's sizes.
    let configs = [
        CVAEConfig(pixels: 37, classes: 10, hidden: 19, latent: 3),
        CVAEConfig(pixels: 53, classes: 4, hidden: 37, latent: 5),
        CVAEConfig(pixels: 784, classes: 10, hidden: 400, latent: 20),
    ]

    /// (logits, hidden) of one row in float64.
    static func reference(_ m: CVAE, z: ArraySlice<Float>, label: Int) -> (logits: [Double], hidden: [Double]) {
        let c = m.config, w = m.weights
        var x = z.map(Double.init) + [Double](repeating: 0, count: c.classes)
        x[c.latent + label] = 1
        let zin = c.latent + c.classes
        let h = (0..<c.hidden).map { o -> Double in
            var s = Double(w.fc3.bias[o])
            for i in 0..<zin { s += Double(w.fc3.weight[o * zin + i]) * x[i] }
            return max(s, 0)
        }
        let logits = (0..<c.pixels).map { o -> Double in
            var s = Double(w.fc4.bias[o])
            for i in 0..<c.hidden { s += Double(w.fc4.weight[o * c.hidden + i]) * h[i] }
            return s
        }
        return (logits, h)
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    func testEverySupportedPathMatchesFloat64ReferenceOnOddSizes() throws {
        XCTAssertTrue(DecoderKernel.supported.contains(.scalar))
        XCTAssertTrue(DecoderKernel.supported.contains(.blas))
        print("decoder paths on this CPU: \(DecoderKernel.supported.map(\.rawValue)), best fused: \(DecoderKernel.bestFused)")
        for (ci, c) in configs.enumerated() {
            let m = CVAE(config: c, seed: UInt64(10 + ci))
            for n in [1, 3, 5, 17, 257] {
                var rng = Xoshiro256(seed: UInt64(n))
                let z = rng.gaussians(n * c.latent)
                let labels = (0..<n).map { ($0 * 7 + 3) % c.classes }
                let ref = (0..<n).map {
                    Self.reference(m, z: z[($0 * c.latent)..<(($0 + 1) * c.latent)], label: labels[$0]).logits.map(Self.sigmoid)
                }
                for kernel in DecoderKernel.supported {
                    m.kernel = kernel
                    let out = try m.decode(z: z, labels: labels)
                    var err = 0.0
                    for i in 0..<n { for j in 0..<c.pixels { err = max(err, abs(ref[i][j] - Double(out[i * c.pixels + j]))) } }
                    XCTAssertLessThan(err, 1e-5, "\(kernel) \(c) batch \(n)")
                }
            }
        }
    }

    /// The logits and hidden activations that training reads, from each path through `DecoderPass`.
    func testLogitsAndHiddenOutputsMatchReference() throws {
        let config = configs[1]
        let m = CVAE(config: config, seed: 21)
        let n = 19, zin = config.latent + config.classes
        var rng = Xoshiro256(seed: 2)
        let z = rng.gaussians(n * config.latent)
        let labels = (0..<n).map { $0 % config.classes }
        var x = [Float](repeating: 0, count: n * zin)
        for i in 0..<n {
            for j in 0..<config.latent { x[i * zin + j] = z[i * config.latent + j] }
            x[i * zin + config.latent + labels[i]] = 1
        }
        for threads in [1, 2] {
            let pass = DecoderPass(config: config, capacity: n, linear: ParallelLinear(threads: threads))
            for kernel in DecoderKernel.supported {
                var logits = [Float](repeating: .nan, count: n * config.pixels)
                var hidden = [Float](repeating: .nan, count: n * config.hidden)
                logits.withUnsafeMutableBufferPointer { lp in
                    hidden.withUnsafeMutableBufferPointer { hp in
                        pass.forward(m.weights, store: m.parameters, input: x, count: n, hidden: hp.baseAddress!,
                                     out: lp.baseAddress!, sigmoid: false, kernel: kernel)
                    }
                }
                for i in 0..<n {
                    let ref = Self.reference(m, z: z[(i * config.latent)..<((i + 1) * config.latent)], label: labels[i])
                    for j in 0..<config.pixels {
                        XCTAssertEqual(Double(logits[i * config.pixels + j]), ref.logits[j], accuracy: 1e-5, "\(kernel) logit")
                    }
                    for j in 0..<config.hidden {
                        XCTAssertEqual(Double(hidden[i * config.hidden + j]), ref.hidden[j], accuracy: 1e-5, "\(kernel) hidden")
                    }
                }
            }
        }
    }

    /// A row whose hidden units are all zero after the ReLU decodes to sigmoid(b4).
    func testAllZeroHiddenRowsGiveSigmoidOfBias() throws {
        let config = configs[0]
        let m = CVAE(config: config, seed: 5)
        m.parameters.set("fc3.bias", [Float](repeating: -1000, count: config.hidden))
        let b4 = m.parameters.values("fc4.bias")
        for kernel in DecoderKernel.supported {
            m.kernel = kernel
            let out = try m.decode(z: [Float](repeating: 0.5, count: 3 * config.latent), labels: [0, 4, 9])
            for i in 0..<3 {
                for j in 0..<config.pixels {
                    XCTAssertEqual(Double(out[i * config.pixels + j]), Self.sigmoid(Double(b4[j])), accuracy: 1e-6, "\(kernel)")
                }
            }
        }
    }

    /// Logits far beyond the float range of e^x saturate to exactly 0 and 1, never NaN.
    func testExtremeLogitsSaturateWithoutNaN() throws {
        let config = configs[0]
        let m = CVAE(config: config, seed: 6)
        let extremes: [Float] = [-1e30, -1e4, -104, -88.7, -87, -20, -1e-30, 0, 1e-30, 20, 87, 88.7, 104, 1e4, 1e30]
        var bias = [Float](repeating: 0, count: config.pixels)
        for j in 0..<config.pixels { bias[j] = extremes[j % extremes.count] }
        m.parameters.set("fc4.bias", bias)
        m.parameters.set("fc4.weight", [Float](repeating: 0, count: config.pixels * config.hidden))
        for kernel in DecoderKernel.supported {
            m.kernel = kernel
            let out = try m.decode(z: [Float](repeating: 1, count: config.latent), labels: [1])
            for j in 0..<config.pixels {
                XCTAssertFalse(out[j].isNaN, "\(kernel) logit \(bias[j])")
                XCTAssertEqual(Double(out[j]), Self.sigmoid(Double(bias[j])), accuracy: 1e-7, "\(kernel) logit \(bias[j])")
                XCTAssertTrue((0...1).contains(out[j]))
            }
        }
    }

    /// The vector sigmoid of each instruction set against float64 on a dense sweep (a float near
    /// 1 has an ulp of 6e-8).
    func testVectorSigmoidMatchesFloat64() {
        let xs = stride(from: -110.0, through: 110.0, by: 0.0137).map { Float($0) }
        for kernel in DecoderKernel.supported where kernel != .blas {
            var y = xs
            y.withUnsafeMutableBufferPointer { vectorSigmoid($0.baseAddress!, count: $0.count, kernel: kernel) }
            var err = 0.0
            for (x, v) in zip(xs, y) { err = max(err, abs(Double(v) - Self.sigmoid(Double(x)))) }
            XCTAssertLessThan(err, 3e-7, "\(kernel)")  // a few float ulps of values up to 1
        }
    }

    /// Splitting rows over threads does not change a single bit.
    func testThreadsDoNotChangeResults() throws {
        let m = CVAE(config: configs[2], seed: 9)
        var rng = Xoshiro256(seed: 1)
        let n = 300
        let z = rng.gaussians(n * 20), labels = (0..<n).map { $0 % 10 }
        for kernel in DecoderKernel.supported {
            m.kernel = kernel
            m.threads = 1
            let one = try m.decode(z: z, labels: labels)
            m.threads = 2
            let two = try m.decode(z: z, labels: labels)
            XCTAssertEqual(one, two, "\(kernel)")
        }
    }

    /// A row decodes to the same bits alone and in any batch, whatever rows share its group of
    /// five in the vector kernels (the app shows a grid's centre, a path's start and a batch's
    /// parts as the same images as the samples they come from). Row 4 is the origin z = 0.
    func testARowDecodesTheSameInAnyBatch() throws {
        for c in configs {
            let m = CVAE(config: c, seed: 31)
            var rng = Xoshiro256(seed: 8)
            let n = 23
            var z = rng.gaussians(n * c.latent)
            for j in 0..<c.latent { z[4 * c.latent + j] = 0 }
            let labels = (0..<n).map { ($0 * 3 + 1) % c.classes }
            // The fused kernels; OpenBLAS's sgemm (blas) blocks its sums by the batch's size.
            for kernel in DecoderKernel.supported where kernel != .blas {
                m.kernel = kernel
                let all = try m.decode(z: z, labels: labels)
                for i in [0, 4, 6, 22] {
                    let zi = Array(z[(i * c.latent)..<((i + 1) * c.latent)])
                    let alone = try m.decode(z: zi, labels: [labels[i]])
                    XCTAssertEqual(alone, Array(all[(i * c.pixels)..<((i + 1) * c.pixels)]), "\(kernel) \(c) row \(i) alone")
                    // The same row again behind a few others (another group, another place in it).
                    let shifted = try m.decode(z: Array(z[0..<(3 * c.latent)]) + zi, labels: Array(labels[0..<3]) + [labels[i]])
                    XCTAssertEqual(Array(shifted[(3 * c.pixels)...]), alone, "\(kernel) \(c) row \(i) fourth")
                }
            }
        }
    }

    func testEnvironmentChoosesOrRejectsAKernel() throws {
        XCTAssertNil(try DecoderKernel.fromEnvironment([:]))
        XCTAssertEqual(try DecoderKernel.fromEnvironment(["DIGITGEN_KERNEL": "scalar"]), .scalar)
        XCTAssertEqual(try DecoderKernel.fromEnvironment(["DIGITGEN_KERNEL": "BLAS"]), .blas)
        XCTAssertThrowsError(try DecoderKernel.fromEnvironment(["DIGITGEN_KERNEL": "sse9"])) {
            XCTAssertEqual("\($0)", "DIGITGEN_KERNEL=sse9 is not a kernel; use one of avx512, avx2, scalar, blas")
        }
        for k in DecoderKernel.allCases where !k.isSupported {
            XCTAssertThrowsError(try DecoderKernel.fromEnvironment(["DIGITGEN_KERNEL": k.rawValue]))
        }
    }
}
