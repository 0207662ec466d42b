import Foundation

/// Test-set bounds on -log p(x | y) for a trained CVAE, in nats per image.
///
/// - `negativeELBO`: E_q[-log p(x | z, y)] + KL(q(z | x, y) || p(z)), the training loss,
///   averaged over `draws` noise draws.
/// - `negativeIWAE`: the importance-weighted bound of Burda, Grosse & Salakhutdinov 2016,
///   "Importance weighted autoencoders":
///       -log (1/K) sum_k p(x | z_k, y) p(z_k) / q(z_k | x, y),  z_k ~ q(z | x, y)
///   which tightens towards -log p(x | y) as K grows (K = 1 is the ELBO).
public final class Evaluator {
    public let model: CVAE
    let objective: CVAEObjective
    /// Rows per matrix product.
    static let chunk = 500

    public init(model: CVAE, threads: Int) {
        self.model = model
        self.objective = CVAEObjective(config: model.config, capacity: Evaluator.chunk, threads: threads)
    }

    func check(_ data: LabeledImages) throws {
        guard data.pixelsPerImage == model.config.pixels, data.classes == model.config.classes else {
            throw TrainingError.invalidEvaluation(
                "images have \(data.pixelsPerImage) pixels and \(data.classes) classes, the model expects \(model.config.pixels) and \(model.config.classes)")
        }
    }

    /// Mean BCE, KL and -ELBO per image over `draws` passes with independent noise.
    public func negativeELBO(_ data: LabeledImages, draws: Int = 5, seed: UInt64 = 0) throws -> LossParts {
        try check(data)
        var rng = Xoshiro256(seed: seed)
        var sum = LossParts()
        let p = data.pixelsPerImage
        data.pixels.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            for _ in 0..<max(draws, 1) {
                var start = 0
                while start < data.count {
                    let n = min(Evaluator.chunk, data.count - start)
                    for r in 0..<n {
                        objective.setExample(row: r, pixels: base + (start + r) * p, label: Int(data.labels[start + r]))
                    }
                    sum += objective.forward(parameters: model.parameters, count: n, noise: nil, rng: &rng, gradient: false)
                    start += n
                }
            }
        }
        let scale = 1 / (Double(data.count) * Double(max(draws, 1)))
        return LossParts(bce: sum.bce * scale, kl: sum.kl * scale)
    }

    /// `negativeELBO` of each class's images on their own (nil for a class without images):
    /// where the model fits the data worse, digit by digit.
    public func negativeELBOByClass(_ data: LabeledImages, draws: Int = 5, seed: UInt64 = 0) throws -> [LossParts?] {
        try check(data)
        return try (0..<data.classes).map { c in
            try data.only(label: c).map { try negativeELBO($0, draws: draws, seed: seed) }
        }
    }

    /// The K-sample importance-weighted bound, nats per image (an upper bound on -log p(x | y)).
    public func negativeIWAE(_ data: LabeledImages, samples k: Int, seed: UInt64 = 0,
                             progress: (Int) -> Void = { _ in }) throws -> Double {
        try check(data)
        guard k >= 1 else { throw TrainingError.invalidEvaluation("IWAE needs at least 1 sample, got \(k)") }
        let c = model.config, o = objective, params = model.parameters, w = model.weights
        let xin = c.pixels + c.classes, zin = c.latent + c.classes
        var rng = Xoshiro256(seed: seed)
        var logWeights = [Double](repeating: 0, count: k)
        var total: Double = 0
        data.pixels.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            var start = 0
            while start < data.count {
                // Encode a chunk of images once.
                let n = min(Evaluator.chunk, data.count - start)
                let mean = UnsafeMutablePointer<Float>.allocate(capacity: n * c.latent)
                let logvar = UnsafeMutablePointer<Float>.allocate(capacity: n * c.latent)
                let images = UnsafeMutablePointer<Float>.allocate(capacity: n * c.pixels)
                defer { mean.deallocate(); logvar.deallocate(); images.deallocate() }
                for r in 0..<n {
                    o.setExample(row: r, pixels: base + (start + r) * c.pixels, label: Int(data.labels[start + r]))
                    (images + r * c.pixels).update(from: o.encoderInput + r * xin, count: c.pixels)
                }
                o.encoder.forward(w, store: params, input: o.encoderInput, count: n, hidden: o.h1, mean: mean, logvar: logvar)

                // Then decode K samples per image, up to `chunk` rows at a time.
                for r in 0..<n {
                    let label = Int(data.labels[start + r])
                    let mu = mean + r * c.latent, lv = logvar + r * c.latent
                    var done = 0
                    while done < k {
                        let m = min(Evaluator.chunk, k - done)
                        rng.fillGaussian(o.eps, count: m * c.latent)
                        for s in 0..<m {
                            let z = o.decoderInput + s * zin
                            let e = o.eps + s * c.latent
                            // log p(z) - log q(z | x, y); the (2 pi) terms cancel.
                            var logRatio: Float = 0
                            for j in 0..<c.latent {
                                let zj = mu[j] + (0.5 * lv[j]).exp * e[j]
                                z[j] = zj
                                logRatio += -0.5 * zj * zj + 0.5 * e[j] * e[j] + 0.5 * lv[j]
                            }
                            (z + c.latent).update(repeating: 0, count: c.classes)
                            z[c.latent + label] = 1
                            logWeights[done + s] = Double(logRatio)
                        }
                        o.decoder.forward(w, store: params, input: o.decoderInput, count: m, hidden: nil,
                                          out: o.logits, sigmoid: false, kernel: o.decoderKernel)
                        // log p(x | z_k, y) per sample, rows split over the threads.
                        let parts = m >= 64 ? o.linear.threads : 1
                        let logits = o.logits, target = images + r * c.pixels, offset = done
                        logWeights.withUnsafeMutableBufferPointer { lw in
                            Parallel.forEachPart(parts) { part in
                                for s in ParallelLinear.range(part: part, parts: parts, of: m) {
                                    let bce = BinaryCrossEntropy.row(logits: logits + s * c.pixels, targets: target,
                                                                     count: c.pixels, gradient: nil)
                                    lw[offset + s] -= Double(bce)
                                }
                            }
                        }
                        done += m
                    }
                    // log (1/K) sum_k w_k, computed stably.
                    let top = logWeights.max() ?? 0
                    var s: Double = 0
                    for w in logWeights { s += Foundation.exp(w - top) }
                    total += -(top + Foundation.log(s) - Foundation.log(Double(k)))
                }
                start += n
                progress(start)
            }
        }
        return total / Double(data.count)
    }
}
