/// The distribution latent vectors are drawn from when generating a digit.
///
/// The seed draws z ~ N(0, I) for every digit. A CVAE's aggregate posterior q(z | y) often
/// differs from N(0, I), so samples from the standard prior land where the decoder has seen
/// few codes and come out malformed. `LatentPrior` holds, per class, a mixture of K diagonal
/// Gaussians fitted to the encoder means of that class's training images
/// (cf. Bauer & Mnih 2019; Tomczak & Welling 2018, "VAE with a VampPrior").
///
/// Stored in safetensors beside the model as `prior.weights` [C, K], `prior.means` [C, K, L]
/// and `prior.logvars` [C, K, L]. A file without them samples from N(0, I).
public struct LatentPrior: Sendable, Equatable {
    public let classes: Int
    public let components: Int
    public let latent: Int
    /// Mixture weights per class, [C, K], each row sums to 1.
    public let weights: [Float]
    /// Component means, [C, K, L].
    public let means: [Float]
    /// Component log-variances, [C, K, L].
    public let logvars: [Float]
    /// exp(0.5 * logvars), computed once (a 5-image click did 100 exps: 0.3 of its 3.1 µs sampling).
    private let sigmas: [Float]

    public static let tensorNames = ["prior.weights", "prior.means", "prior.logvars"]

    public init(classes: Int, components: Int, latent: Int,
                weights: [Float], means: [Float], logvars: [Float]) throws {
        guard classes > 0, components > 0, latent > 0,
              weights.count == classes * components,
              means.count == classes * components * latent,
              logvars.count == classes * components * latent
        else {
            throw ModelError.inconsistentShapes(
                "prior tensors do not agree (classes \(classes), components \(components), latent \(latent))")
        }
        guard weights.allSatisfy(\.isFinite), means.allSatisfy(\.isFinite), logvars.allSatisfy(\.isFinite)
        else { throw ModelError.nonFiniteParameter("prior") }
        if let i = weights.firstIndex(where: { $0 < 0 }) {
            throw ModelError.negativePriorWeight(digit: i / components, component: i % components, value: weights[i])
        }
        // exp(0.5 * 30) is about 3.3e6: anything wider is no fitted prior but a corrupt file,
        // and would turn samples into infinities and the images into NaN.
        guard logvars.allSatisfy({ abs($0) <= 30 }), means.allSatisfy({ abs($0) <= 1e4 }) else {
            throw ModelError.priorOutOfRange
        }
        self.classes = classes
        self.components = components
        self.latent = latent
        // Normalise each class's weights so that they sum to 1. Rows that already do, up to
        // float rounding, are kept as they are, so a prior survives save and load bit for bit
        // (dividing by a sum of 1 +- 1 ulp would move some weights by an ulp on every load).
        var w = weights
        for c in 0..<classes {
            let row = c * components
            let s = w[row..<row + components].reduce(0, +)
            if abs(s - 1) <= 1e-5 { continue }
            for k in 0..<components { w[row + k] = s > 0 ? w[row + k] / s : 1 / Float(components) }
        }
        self.weights = w
        self.means = means
        self.logvars = logvars
        sigmas = logvars.map { (0.5 * $0).exp }
    }

    /// Writes `count` latent vectors for class `digit` into `out` (count x L).
    /// z = mean_k + temperature * sigma_k * eps, with k drawn from the class's mixture weights.
    public func sample(digit: Int, count: Int, temperature: Float,
                       rng: inout Xoshiro256, into out: UnsafeMutablePointer<Float>) {
        rng.fillGaussian(out, count: count * latent)
        for i in 0..<count {
            let k = pickComponent(digit: digit, rng: &rng)
            let base = (digit * components + k) * latent
            let row = out + i * latent
            for j in 0..<latent {
                row[j] = means[base + j] + temperature * sigmas[base + j] * row[j]
            }
        }
    }

    func pickComponent(digit: Int, rng: inout Xoshiro256) -> Int {
        if components == 1 { return 0 }
        let u = Float(rng.nextDouble())
        var acc: Float = 0
        for k in 0..<components {
            acc += weights[digit * components + k]
            if u < acc { return k }
        }
        return components - 1
    }
}

/// Which prior to sample from.
public enum PriorChoice: String, Sendable, CaseIterable {
    /// The fitted per-digit prior when the weights file has one, else N(0, I).
    case fitted
    /// Plain N(0, I), as the seed does.
    case standard
}
