import DigitCore
import Foundation

/// The directions the sliders offer, per digit: first the named directions stored with the
/// weights (slant, thickness, ...; see `LatentDirections`) in their stored order, then the
/// principal directions of the digit's fitted prior (eigenvectors of the mixture's covariance,
/// most variance first), then the raw latent dimensions ranked by how much they change the image.
/// A named direction's spread is the prior's standard deviation along its unit vector
/// (`LatentDirections.spread`), so that its offsets count standard deviations like the others'.
///
/// For a mixture with weights w_k, means mu_k and diagonal variances s_k^2 the covariance is
/// sum_k w_k (diag(s_k^2) + mu_k mu_k^T) - m m^T with m = sum_k w_k mu_k. Weights without a
/// fitted prior sample N(0, I): the covariance is the identity and the principal directions
/// are the latent axes in order.
public struct DirectionCatalog: Equatable, Sendable {
    public let latent: Int
    /// Per digit: the named directions, the principal directions, then the dimensions by
    /// decreasing effect.
    public let entries: [[Direction]]
    /// The names of the named directions, in their stored order (empty when the weights have none).
    public var names: [String] {
        guard let first = entries.first else { return [] }
        return first.compactMap { if case .named(let name) = $0.id { return name } else { return nil } }
    }
    /// Per digit: the prior's mean (where effects and previews are centred).
    public let means: [[Float]]

    public init(latent: Int, entries: [[Direction]], means: [[Float]]) {
        self.latent = latent
        self.entries = entries
        self.means = means
    }

    /// The direction `id` for `digit`, or nil when the model has no such direction.
    public func direction(_ id: DirectionID, digit: Int) -> Direction? {
        guard entries.indices.contains(digit) else { return nil }
        return entries[digit].first { $0.id == id }
    }

    /// Whether `id` names a direction of this model.
    public func contains(_ id: DirectionID) -> Bool {
        switch id {
        case .principal(let k), .dimension(let k): return (0..<latent).contains(k)
        case .named: return entries.first?.contains { $0.id == id } ?? false
        }
    }

    /// Directions of a model: covariance eigen-decomposition per digit, then (when
    /// `measureEffects`) one batched decode at the prior mean -2 and +2 standard deviations
    /// along every direction of every digit.
    public static func build(model: CVAE, measureEffects: Bool = true) -> DirectionCatalog {
        let c = model.config
        let L = c.latent
        var unsorted: [[Direction]] = []
        var means: [[Float]] = []
        for digit in 0..<c.classes {
            let (mean, cov) = covariance(model: model, digit: digit)
            means.append(mean.map { Float($0) })
            let (values, vectors) = SymmetricEigen.decompose(cov, n: L)
            let total = max(values.reduce(0) { $0 + max($1, 0) }, 1e-12)
            var list: [Direction] = []
            if let named = model.directions {
                for name in named.names {
                    guard let unit = named.vector(name, digit: digit) else { continue }
                    let spread = LatentDirections.spread(of: unit, digit: digit, prior: model.prior)
                    list.append(Direction(id: .named(name), unit: unit, spread: spread,
                                          varianceShare: Float(min(1, Double(spread * spread) / total)), effect: 0))
                }
            }
            for (k, vector) in vectors.enumerated() {
                list.append(Direction(id: .principal(k), unit: vector.map { Float($0) },
                                      spread: Float(max(values[k], 0).squareRoot()),
                                      varianceShare: Float(max(values[k], 0) / total), effect: 0))
            }
            for j in 0..<L {
                var unit = [Float](repeating: 0, count: L)
                unit[j] = 1
                let variance = max(cov[j * L + j], 0)
                list.append(Direction(id: .dimension(j), unit: unit, spread: Float(variance.squareRoot()),
                                      varianceShare: Float(variance / total), effect: 0))
            }
            unsorted.append(list)
        }
        let effects = measureEffects ? measure(model: model, entries: unsorted, means: means) : nil
        var entries: [[Direction]] = []
        for digit in 0..<c.classes {
            let list = unsorted[digit].enumerated().map { i, d in
                Direction(id: d.id, unit: d.unit, spread: d.spread, varianceShare: d.varianceShare,
                          effect: effects?[digit][i] ?? 0)
            }
            let named = list.filter(\.id.isNamed)
            let principal = list.filter { if case .principal = $0.id { return true } else { return false } }
            let dimensions = list.filter { if case .dimension = $0.id { return true } else { return false } }
            entries.append(named + principal + rankedByEffect(dimensions))
        }
        return DirectionCatalog(latent: L, entries: entries, means: means)
    }

    /// Dimensions by decreasing effect; equal effects keep index order.
    static func rankedByEffect(_ list: [Direction]) -> [Direction] {
        list.enumerated().sorted { a, b in
            a.element.effect != b.element.effect ? a.element.effect > b.element.effect : a.offset < b.offset
        }.map(\.element)
    }

    /// Mean and covariance (L x L, row-major) of `digit`'s prior.
    static func covariance(model: CVAE, digit: Int) -> (mean: [Double], cov: [Double]) {
        let L = model.config.latent
        var mean = [Double](repeating: 0, count: L)
        var cov = [Double](repeating: 0, count: L * L)
        guard let prior = model.prior else {
            for j in 0..<L { cov[j * L + j] = 1 }
            return (mean, cov)
        }
        let K = prior.components
        for k in 0..<K {
            let w = Double(prior.weights[digit * K + k])
            let base = (digit * K + k) * L
            for i in 0..<L {
                let mi = Double(prior.means[base + i])
                let variance: Double = Foundation.exp(Double(prior.logvars[base + i]))
                mean[i] += w * mi
                cov[i * L + i] += w * variance
                for j in 0..<L {
                    let mj = Double(prior.means[base + j])
                    cov[i * L + j] += w * mi * mj
                }
            }
        }
        for i in 0..<L { for j in 0..<L { cov[i * L + j] -= mean[i] * mean[j] } }
        // Symmetric to the last bit, so that Jacobi sees an exactly symmetric matrix.
        for i in 0..<L { for j in (i + 1)..<max(i + 1, L) {
            let s = 0.5 * (cov[i * L + j] + cov[j * L + i]); cov[i * L + j] = s; cov[j * L + i] = s } }
        return (mean, cov)
    }

    /// Per digit and direction: mean absolute pixel difference between the images at the
    /// prior mean -2 and +2 standard deviations along it.
    static func measure(model: CVAE, entries: [[Direction]], means: [[Float]]) -> [[Float]] {
        let c = model.config
        let L = c.latent
        var z: [Float] = []
        var labels: [Int] = []
        for digit in 0..<c.classes {
            for d in entries[digit] {
                for sign in [Float(-2), Float(2)] {
                    for j in 0..<L { z.append(means[digit][j] + sign * d.spread * d.unit[j]) }
                    labels.append(digit)
                }
            }
        }
        guard let images = try? model.decode(z: z, labels: labels) else {
            return entries.map { [Float](repeating: 0, count: $0.count) }
        }
        var out: [[Float]] = []
        var row = 0
        for digit in 0..<c.classes {
            var list: [Float] = []
            for _ in entries[digit] {
                let low = row * c.pixels, high = (row + 1) * c.pixels
                var sum: Float = 0
                for p in 0..<c.pixels { sum += abs(images[high + p] - images[low + p]) }
                list.append(sum / Float(c.pixels))
                row += 2
            }
            out.append(list)
        }
        return out
    }
}
