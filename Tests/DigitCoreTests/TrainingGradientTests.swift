import Foundation
import XCTest
@testable import DigitCore

/// The hand-written backward pass against central finite differences of an independent
/// float64 implementation of the loss, for every parameter tensor.
final class TrainingGradientTests: XCTestCase {
    let config = CVAEConfig(pixels: 16, classes: 3, hidden: 8, latent: 4)
    let batch = 5

    /// A small batch: uint8 pixels (with zeros, like MNIST), labels and fixed noise.
    func fixture() -> (pixels: [UInt8], labels: [Int], noise: [Float]) {
        var rng = Xoshiro256(seed: 42)
        var pixels = [UInt8](repeating: 0, count: batch * config.pixels)
        // Every fifth pixel is zero in all images, like MNIST's border (fc1 skips those columns).
        for i in pixels.indices where rng.nextDouble() < 0.5 && i % config.pixels % 5 != 2 {
            pixels[i] = UInt8(rng.nextInt(below: 256))
        }
        let labels = (0..<batch).map { $0 % config.classes }
        return (pixels, labels, rng.gaussians(batch * config.latent))
    }

    /// -ELBO in float64, written from the formulas, sharing nothing with CVAEObjective.
    static func referenceLoss(_ w: [String: [Double]], config c: CVAEConfig, x: [[Double]], labels: [Int],
                              noise: [Float], klWeight: Double) -> Double {
        func linear(_ input: [Double], _ name: String, out: Int) -> [Double] {
            let W = w[name + ".weight"]!, b = w[name + ".bias"]!
            return (0..<out).map { o in
                var s = b[o]
                for i in 0..<input.count { s += W[o * input.count + i] * input[i] }
                return s
            }
        }
        var total = 0.0
        for (r, image) in x.enumerated() {
            var onehot = [Double](repeating: 0, count: c.classes)
            onehot[labels[r]] = 1
            let h1 = linear(image + onehot, "fc1", out: c.hidden).map { max($0, 0) }
            let mu = linear(h1, "fc21", out: c.latent), lv = linear(h1, "fc22", out: c.latent)
            var z = [Double]()
            var kl = 0.0
            for j in 0..<c.latent {
                z.append(mu[j] + exp(0.5 * lv[j]) * Double(noise[r * c.latent + j]))
                kl += -0.5 * (1 + lv[j] - mu[j] * mu[j] - exp(lv[j]))
            }
            let h3 = linear(z + onehot, "fc3", out: c.hidden).map { max($0, 0) }
            let logits = linear(h3, "fc4", out: c.pixels)
            var bce = 0.0
            for (l, t) in zip(logits, image) {
                let p = 1 / (1 + exp(-l))
                bce += -(t * log(p) + (1 - t) * log(1 - p))
            }
            total += bce + klWeight * kl
        }
        return total
    }

    func checkGradients(klWeight: Float) {
        let (pixels, labels, noise) = fixture()
        let model = CVAE(config: config, seed: 3)
        let params = model.parameters
        // Larger weights than the default init so every ReLU and the KL term matter.
        for i in 0..<params.count { params.data[i] *= 2 }
        let grads = ParameterStore(specs: config.tensorSpecs)
        let objective = CVAEObjective(config: config, capacity: batch, threads: 1)
        pixels.withUnsafeBufferPointer { p in
            for r in 0..<batch {
                objective.setExample(row: r, pixels: p.baseAddress! + r * config.pixels, label: labels[r])
            }
        }
        var rng = Xoshiro256(seed: 0)
        let parts = noise.withUnsafeBufferPointer {
            objective.lossAndGradient(parameters: params, gradients: grads, count: batch,
                                      klWeight: klWeight, noise: $0.baseAddress!, rng: &rng)
        }

        var w: [String: [Double]] = [:]
        for v in params.views { w[v.name] = params.values(v.name).map(Double.init) }
        let x = (0..<batch).map { r in (0..<config.pixels).map { Double(pixels[r * config.pixels + $0]) / 255 } }
        let ref = Self.referenceLoss(w, config: config, x: x, labels: labels, noise: noise, klWeight: Double(klWeight))
        let floatLoss = parts.bce + Double(klWeight) * parts.kl
        print(String(format: "klWeight %.2f: loss %.6f (float32) vs %.6f (float64 reference)", klWeight, floatLoss, ref))
        XCTAssertEqual(floatLoss, ref, accuracy: 1e-4 * abs(ref))

        // Small enough not to step across a ReLU kink (this batch has a pre-activation of
        // 8e-6), large enough for float64's rounding (loss ~70, ulp ~1e-14).
        let h = 1e-7
        for v in params.views {
            var maxRel = 0.0, maxAbs = 0.0
            let analytic = grads.values(v.name)
            for i in 0..<v.count {
                var plus = w, minus = w
                plus[v.name]![i] += h
                minus[v.name]![i] -= h
                let numeric = (Self.referenceLoss(plus, config: config, x: x, labels: labels, noise: noise, klWeight: Double(klWeight))
                               - Self.referenceLoss(minus, config: config, x: x, labels: labels, noise: noise, klWeight: Double(klWeight))) / (2 * h)
                let a = Double(analytic[i])
                let diff = abs(a - numeric)
                maxAbs = max(maxAbs, diff)
                maxRel = max(maxRel, diff / max(abs(a), abs(numeric), 1e-2))
            }
            print(String(format: "  %-12@ max relative difference %.2e, max absolute %.2e", v.name, maxRel, maxAbs))
            XCTAssertLessThan(maxRel, 2e-3, "\(v.name): analytic gradient differs from finite differences")
        }
    }

    func testGradientsMatchFiniteDifferences() { checkGradients(klWeight: 1) }

    func testGradientsWithKLWeightMatchFiniteDifferences() { checkGradients(klWeight: 0.3) }

    /// Gradients accumulate: two calls without zeroing give twice the gradient.
    func testGradientsAccumulateUntilZeroed() {
        let (pixels, labels, noise) = fixture()
        let model = CVAE(config: config, seed: 3)
        let grads = ParameterStore(specs: config.tensorSpecs)
        let objective = CVAEObjective(config: config, capacity: batch, threads: 1)
        var rng = Xoshiro256(seed: 0)
        func step() {
            pixels.withUnsafeBufferPointer { p in
                for r in 0..<batch { objective.setExample(row: r, pixels: p.baseAddress! + r * config.pixels, label: labels[r]) }
            }
            _ = noise.withUnsafeBufferPointer {
                objective.lossAndGradient(parameters: model.parameters, gradients: grads, count: batch, noise: $0.baseAddress!, rng: &rng)
            }
        }
        step()
        let once = Array(grads.buffer)
        step()
        for (a, b) in zip(once, grads.buffer) { XCTAssertEqual(2 * a, b, accuracy: 1e-5 * max(1, abs(b))) }
        grads.zero()
        XCTAssertTrue(grads.buffer.allSatisfy { $0 == 0 })
    }
}
