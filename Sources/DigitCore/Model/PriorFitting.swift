/// Fits `LatentPrior`: per class, a mixture of K diagonal Gaussians to the aggregate posterior
/// q(z | y) = (1/N_y) sum_i q(z | x_i, y) of that class's training images.
///
/// Each q(z | x_i, y) = N(mu_i, diag(sigma_i^2)). EM runs on the means mu_i (k-means++
/// initialisation, seeded); every component's variance then gets the average posterior variance
/// of the points it owns added, because the aggregate posterior's spread is the spread of the
/// means plus the average spread around them (law of total variance).
public enum PriorFitting {
    public struct Options: Sendable {
        public var components: Int = 10
        public var iterations: Int = 100
        public var seed: UInt64 = 1
        /// Floor on every component variance, as a fraction of 1 (the standard prior's variance).
        public var minVariance: Float = 1e-3
        public init(components: Int = 10, iterations: Int = 100, seed: UInt64 = 1) {
            self.components = components
            self.iterations = iterations
            self.seed = seed
        }
    }

    /// `means` and `logvars` are (N x L) encoder outputs, `labels` their classes.
    public static func fit(means: [Float], logvars: [Float], labels: [Int], classes: Int, latent: Int,
                           options: Options = Options()) throws -> LatentPrior {
        guard means.count == labels.count * latent, logvars.count == means.count else {
            throw ModelError.inconsistentShapes("\(means.count) latent values for \(labels.count) labels of size \(latent)")
        }
        let k = options.components
        guard k >= 1 else { throw ModelError.invalidPriorFit("a prior needs at least 1 component per class, got \(k)") }
        guard options.iterations >= 0 else {
            throw ModelError.invalidPriorFit("EM needs a number of iterations >= 0, got \(options.iterations)")
        }
        var weights = [Float](), mus = [Float](), logvars_ = [Float]()
        var rng = Xoshiro256(seed: options.seed)
        for c in 0..<classes {
            let idx = labels.indices.filter { labels[$0] == c }
            guard idx.count >= k else {
                throw ModelError.tooFewImagesForPrior(digit: c, images: idx.count, components: k)
            }
            let x = idx.flatMap { i in (0..<latent).map { Double(means[i * latent + $0]) } }
            let v = idx.flatMap { i in (0..<latent).map { Double(logvars[i * latent + $0]).expClamped } }
            let g = fitMixture(points: x, posteriorVariances: v, n: idx.count, d: latent, k: k,
                               iterations: options.iterations, minVariance: Double(options.minVariance), rng: &rng)
            weights += g.weights.map(Float.init)
            mus += g.means.map(Float.init)
            logvars_ += g.variances.map { Float(_log($0)) }
        }
        return try LatentPrior(classes: classes, components: k, latent: latent,
                               weights: weights, means: mus, logvars: logvars_)
    }

    struct Mixture {
        var weights: [Double]   // k
        var means: [Double]     // k x d
        var variances: [Double] // k x d
    }

    /// EM for a diagonal Gaussian mixture (Dempster, Laird & Rubin 1977; Bishop 2006, sec. 9.2).
    static func fitMixture(points x: [Double], posteriorVariances pv: [Double], n: Int, d: Int, k: Int,
                           iterations: Int, minVariance: Double, rng: inout Xoshiro256) -> Mixture {
        // k-means++ seeding (Arthur & Vassilvitskii 2007).
        var means = [Double](repeating: 0, count: k * d)
        var first = rng.nextInt(below: n)
        for j in 0..<d { means[j] = x[first * d + j] }
        var dist = [Double](repeating: .infinity, count: n)
        for c in 1..<max(k, 1) {
            var total = 0.0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { let t = x[i * d + j] - means[(c - 1) * d + j]; s += t * t }
                dist[i] = min(dist[i], s)
                total += dist[i]
            }
            var u = rng.nextDouble() * total
            first = n - 1
            for i in 0..<n { u -= dist[i]; if u <= 0 { first = i; break } }
            for j in 0..<d { means[c * d + j] = x[first * d + j] }
        }
        // Global variance as the starting variance of every component.
        var globalVar = [Double](repeating: 0, count: d)
        var globalMean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { globalMean[j] += x[i * d + j] / Double(n) } }
        for i in 0..<n { for j in 0..<d { let t = x[i * d + j] - globalMean[j]; globalVar[j] += t * t / Double(n) } }
        var variances = (0..<k).flatMap { _ in globalVar.map { max($0, minVariance) } }
        var weights = [Double](repeating: 1 / Double(k), count: k)
        var resp = [Double](repeating: 0, count: n * k)
        var previous = -Double.infinity
        for _ in 0..<iterations {
            // E step: responsibilities in log space.
            var logLik = 0.0
            var logNorm = [Double](repeating: 0, count: k)
            for c in 0..<k {
                var s = _log(max(weights[c], 1e-300))
                for j in 0..<d { s -= 0.5 * _log(2 * Double.pi * variances[c * d + j]) }
                logNorm[c] = s
            }
            for i in 0..<n {
                var best = -Double.infinity
                for c in 0..<k {
                    var s = logNorm[c]
                    for j in 0..<d {
                        let t = x[i * d + j] - means[c * d + j]
                        s -= 0.5 * t * t / variances[c * d + j]
                    }
                    resp[i * k + c] = s
                    best = max(best, s)
                }
                var sum = 0.0
                for c in 0..<k { resp[i * k + c] = _exp(resp[i * k + c] - best); sum += resp[i * k + c] }
                for c in 0..<k { resp[i * k + c] /= sum }
                logLik += best + _log(sum)
            }
            // M step.
            for c in 0..<k {
                var nc = 0.0
                for i in 0..<n { nc += resp[i * k + c] }
                nc = max(nc, 1e-10)
                weights[c] = nc / Double(n)
                for j in 0..<d {
                    var m = 0.0
                    for i in 0..<n { m += resp[i * k + c] * x[i * d + j] }
                    m /= nc
                    var v = 0.0
                    for i in 0..<n { let t = x[i * d + j] - m; v += resp[i * k + c] * t * t }
                    means[c * d + j] = m
                    variances[c * d + j] = max(v / nc, minVariance)
                }
            }
            if logLik - previous < 1e-6 * abs(logLik) { break }
            previous = logLik
        }
        // Add the responsibility-weighted average posterior variance of each component's points.
        for c in 0..<k {
            var nc = 0.0
            for i in 0..<n { nc += resp[i * k + c] }
            nc = max(nc, 1e-10)
            for j in 0..<d {
                var s = 0.0
                for i in 0..<n { s += resp[i * k + c] * pv[i * d + j] }
                variances[c * d + j] += s / nc
            }
        }
        return Mixture(weights: weights, means: means, variances: variances)
    }
}

extension Double {
    /// exp, clamped so that a corrupt log-variance cannot overflow.
    var expClamped: Double { _exp(Swift.min(Swift.max(self, -30), 30)) }
}
