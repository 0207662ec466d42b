import XCTest
@testable import DigitCore

/// decode and encode against an independent float64 reference written here from the maths.
final class CVAEInferenceTests: XCTestCase {
    let config = CVAEConfig(pixels: 36, classes: 10, hidden: 24, latent: 5)

    /// A small model with random weights of a realistic scale.
    func makeModel(seed: UInt64 = 7) -> CVAE {
        CVAE(config: config, seed: seed)
    }

    /// y = x W^T + b in Double, W as [out, in].
    func linear(_ x: [Double], _ w: [Float], _ b: [Float], inF: Int, outF: Int) -> [Double] {
        (0..<outF).map { o in
            var s = Double(b[o])
            for i in 0..<inF { s += Double(w[o * inF + i]) * x[i] }
            return s
        }
    }

    func referenceDecode(_ m: CVAE, z: [Float], label: Int) -> [Double] {
        let c = m.config, p = m.parameters
        var x = z.map(Double.init) + [Double](repeating: 0, count: c.classes)
        x[c.latent + label] = 1
        let h = linear(x, p.values("fc3.weight"), p.values("fc3.bias"), inF: c.latent + c.classes, outF: c.hidden)
            .map { max($0, 0) }
        return linear(h, p.values("fc4.weight"), p.values("fc4.bias"), inF: c.hidden, outF: c.pixels)
            .map { 1 / (1 + Foundation.exp(-$0)) }
    }

    func referenceEncode(_ m: CVAE, image: [Float], label: Int) -> (mean: [Double], logvar: [Double]) {
        let c = m.config, p = m.parameters
        var x = image.map(Double.init) + [Double](repeating: 0, count: c.classes)
        x[c.pixels + label] = 1
        let h = linear(x, p.values("fc1.weight"), p.values("fc1.bias"), inF: c.pixels + c.classes, outF: c.hidden)
            .map { max($0, 0) }
        return (linear(h, p.values("fc21.weight"), p.values("fc21.bias"), inF: c.hidden, outF: c.latent),
                linear(h, p.values("fc22.weight"), p.values("fc22.bias"), inF: c.hidden, outF: c.latent))
    }

    func testDecodeMatchesFloat64Reference() throws {
        let m = makeModel()
        var rng = Xoshiro256(seed: 3)
        let n = 300  // more than one internal chunk of 256
        let z = rng.gaussians(n * config.latent)
        let labels = (0..<n).map { $0 % 10 }
        let out = try m.decode(z: z, labels: labels)
        XCTAssertEqual(out.count, n * config.pixels)
        var maxDiff = 0.0
        for i in 0..<n {
            let ref = referenceDecode(m, z: Array(z[i * config.latent..<(i + 1) * config.latent]), label: labels[i])
            for j in 0..<config.pixels { maxDiff = max(maxDiff, abs(ref[j] - Double(out[i * config.pixels + j]))) }
        }
        print("decode max |diff| vs float64 reference: \(maxDiff)")
        XCTAssertLessThan(maxDiff, 1e-5)
    }

    /// Small batches agree too, and decoding follows the parameters when they change (the packed
    /// copy of fc3/fc4 is rebuilt from the store's generation, with no call to invalidate it).
    func testSmallBatchDecodeMatchesReferenceAndFollowsParameterChanges() throws {
        let m = makeModel()
        var rng = Xoshiro256(seed: 8)
        for n in [1, 5, 16] {
            let z = rng.gaussians(n * config.latent)
            let labels = (0..<n).map { ($0 * 3) % 10 }
            let out = try m.decode(z: z, labels: labels)
            var maxDiff = 0.0
            for i in 0..<n {
                let ref = referenceDecode(m, z: Array(z[i * config.latent..<(i + 1) * config.latent]), label: labels[i])
                for j in 0..<config.pixels { maxDiff = max(maxDiff, abs(ref[j] - Double(out[i * config.pixels + j]))) }
            }
            XCTAssertLessThan(maxDiff, 1e-5, "batch \(n)")
        }
        let z = rng.gaussians(config.latent)
        let before = try m.decode(z: z, labels: [2])
        m.parameters.set("fc4.weight", m.parameters.values("fc4.weight").map { -$0 })
        let after = try m.decode(z: z, labels: [2])
        let ref = referenceDecode(m, z: z, label: 2)
        XCTAssertNotEqual(before, after)
        for j in 0..<config.pixels { XCTAssertEqual(Double(after[j]), ref[j], accuracy: 1e-5) }
    }

    func testEncodeMatchesFloat64Reference() throws {
        let m = makeModel()
        var rng = Xoshiro256(seed: 4)
        let n = 270
        let images = (0..<(n * config.pixels)).map { _ in Float(rng.nextDouble()) }
        let labels = (0..<n).map { ($0 * 7) % 10 }
        let (mean, logvar) = try m.encode(images: images, labels: labels)
        var maxDiff = 0.0
        for i in 0..<n {
            let ref = referenceEncode(m, image: Array(images[i * config.pixels..<(i + 1) * config.pixels]), label: labels[i])
            for j in 0..<config.latent {
                maxDiff = max(maxDiff, abs(ref.mean[j] - Double(mean[i * config.latent + j])))
                maxDiff = max(maxDiff, abs(ref.logvar[j] - Double(logvar[i * config.latent + j])))
            }
        }
        print("encode max |diff| vs float64 reference: \(maxDiff)")
        XCTAssertLessThan(maxDiff, 1e-5)
    }

    func testDecodeShapesAndRange() throws {
        let m = CVAE(config: .mnist, seed: 1)
        let out = try m.sample(digit: 7, count: 5, seed: 42)
        XCTAssertEqual(out.count, 5 * 784)
        XCTAssertTrue(out.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testSameSeedSameSamplesAndDifferentSeedDiffers() throws {
        let m = CVAE(config: .mnist, seed: 1)
        let a = try m.sample(digit: 3, count: 4, seed: 99)
        let b = try m.sample(digit: 3, count: 4, seed: 99)
        let c = try m.sample(digit: 3, count: 4, seed: 100)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testTemperatureZeroGivesPriorMeanForEverySample() throws {
        let m = CVAE(config: .mnist, seed: 1)
        let z = try m.sampleLatents(digit: 2, count: 3, seed: 5, temperature: 0, prior: .standard)
        XCTAssertEqual(z, [Float](repeating: 0, count: 3 * 20))
        let z2 = try m.sampleLatents(digit: 2, count: 3, seed: 5, temperature: 0.5, prior: .standard)
        let z1 = try m.sampleLatents(digit: 2, count: 3, seed: 5, temperature: 1, prior: .standard)
        for (a, b) in zip(z2, z1) { XCTAssertEqual(a, 0.5 * b, accuracy: 1e-6) }
    }

    func testInvalidInputsAreRejected() {
        let m = CVAE(config: .mnist, seed: 1)
        XCTAssertThrowsError(try m.sample(digit: 10, count: 1, seed: 1)) {
            XCTAssertEqual($0 as? ModelError, .invalidDigit(10))
        }
        XCTAssertThrowsError(try m.sample(digit: 1, count: 0, seed: 1)) {
            XCTAssertEqual($0 as? ModelError, .invalidCount(0))
        }
        XCTAssertThrowsError(try m.sample(digit: 1, count: 10_001, seed: 1)) {
            XCTAssertEqual($0 as? ModelError, .invalidCount(10_001))
        }
        XCTAssertThrowsError(try m.sample(digit: 1, count: 1, seed: 1, temperature: -1)) {
            XCTAssertEqual($0 as? ModelError, .invalidTemperature(-1))
        }
        XCTAssertThrowsError(try m.decode(z: [Float](repeating: 0, count: 19), labels: [1])) {
            XCTAssertEqual($0 as? ModelError, .latentSizeMismatch(expected: 20, got: 19))
        }
        XCTAssertThrowsError(try m.decode(z: [Float](repeating: .nan, count: 20), labels: [1])) {
            XCTAssertEqual($0 as? ModelError, .nonFiniteLatent)
        }
    }

    func testFittedPriorIsUsedByDefaultAndStandardOnRequest() throws {
        let base = CVAE(config: .mnist, seed: 1)
        let means = (0..<(10 * 20)).map { Float($0 % 20) }
        let prior = try LatentPrior(classes: 10, components: 1, latent: 20,
                                    weights: [Float](repeating: 1, count: 10), means: means,
                                    logvars: [Float](repeating: 0, count: 200))
        let m = try base.with(prior: prior)
        let fitted = try m.sampleLatents(digit: 4, count: 1, seed: 1, temperature: 0)
        XCTAssertEqual(fitted, (0..<20).map { Float($0) })
        let standard = try m.sampleLatents(digit: 4, count: 1, seed: 1, temperature: 0, prior: .standard)
        XCTAssertEqual(standard, [Float](repeating: 0, count: 20))
        // With a prior in the file, `standard` is still plain N(0, I) scaled by the temperature.
        let scaled = try m.sampleLatents(digit: 4, count: 3, seed: 6, temperature: 0.7, prior: .standard)
        var rng = Xoshiro256(seed: 6)
        XCTAssertEqual(scaled, rng.gaussians(60).map { 0.7 * $0 })
    }

    func testXoshiroMatchesReferenceSequence() {
        // Reference values: splitmix64 seeded with 0 gives 0xE220A8397B1DCDAF first
        // (https://prng.di.unimi.it/splitmix64.c).
        var sm = SplitMix64(seed: 0)
        XCTAssertEqual(sm.next(), 0xE220_A839_7B1D_CDAF)
        // xoshiro256** with state (1, 2, 3, 4): first outputs 11520, 0, 1509978240, 1215971899390074240
        var x = Xoshiro256(state: [1, 2, 3, 4])
        XCTAssertEqual([x.next(), x.next(), x.next(), x.next()],
                       [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    func testGaussianMomentsAreStandard() {
        var rng = Xoshiro256(seed: 11)
        let g = rng.gaussians(200_000).map(Double.init)
        let mean = g.reduce(0, +) / Double(g.count)
        let variance = g.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(g.count)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
    }
}
