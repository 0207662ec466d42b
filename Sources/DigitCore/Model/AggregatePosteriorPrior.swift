/// A per-digit prior that is a Monte Carlo sample of the aggregate posterior itself.
///
/// The prior that maximises the ELBO for a trained encoder is the aggregate posterior
/// q(z | y) = (1/N_y) sum_i q(z | x_i, y) (Hoffman & Johnson 2016, "ELBO surgery";
/// Tomczak & Welling 2018, "VAE with a VampPrior", whose prior is this mixture taken at K
/// learned pseudo-inputs). Here the pseudo-inputs are K training images of each digit drawn
/// at random without replacement, so the prior is
///
///     p(z | y) = (1/K) sum_k N(z; mu(x_k, y), diag sigma^2(x_k, y))
///
/// an unbiased approximation of q(z | y) that keeps its curved, correlated shape, which a few
/// diagonal Gaussians fitted by EM cannot. It is stored in the same `LatentPrior` tensors
/// (weights 1/K, the K posterior means and log-variances).
extension PriorFitting {
    public static func aggregatePosteriorSample(means: [Float], logvars: [Float], labels: [Int], classes: Int,
                                                latent: Int, perClass k: Int, seed: UInt64) throws -> LatentPrior {
        guard means.count == labels.count * latent, logvars.count == means.count else {
            throw ModelError.inconsistentShapes("\(means.count) latent values for \(labels.count) labels of size \(latent)")
        }
        guard k >= 1 else { throw ModelError.invalidPriorFit("a prior needs at least 1 component per class, got \(k)") }
        var rng = Xoshiro256(seed: seed)
        var mus = [Float](), lvs = [Float]()
        mus.reserveCapacity(classes * k * latent)
        lvs.reserveCapacity(classes * k * latent)
        for c in 0..<classes {
            var idx = labels.indices.filter { labels[$0] == c }
            guard idx.count >= k else {
                throw ModelError.tooFewImagesForPrior(digit: c, images: idx.count, components: k)
            }
            // The first k of a seeded shuffle: k images drawn without replacement.
            rng.shuffle(&idx)
            for i in idx.prefix(k) {
                mus += means[i * latent..<(i + 1) * latent]
                lvs += logvars[i * latent..<(i + 1) * latent]
            }
        }
        return try LatentPrior(classes: classes, components: k, latent: latent,
                               weights: [Float](repeating: 1, count: classes * k), means: mus, logvars: lvs)
    }
}
