/// Fits named latent directions (`LatentDirections`) on labelled images: each attribute of
/// `ImageAttributes` is measured on every image and regressed, per digit, on the images'
/// encoder means by least squares (with a small ridge term for stability): attribute ~ b + w.z.
/// The direction is w / |w|, the way in latent space that the attribute grows fastest under the
/// linear fit. Per digit, because a 1's slant and a 0's slant live in different parts of the
/// code; the fitted R^2 is reported so a weak direction is visible.
public enum DirectionFitting {
    public struct Result: Sendable {
        public let directions: LatentDirections
        /// Per name, per digit: R^2 of the linear fit on the training images.
        public let rSquared: [String: [Double]]
        /// Per name, per digit: attribute change per unit of latent distance along the direction.
        public let gain: [String: [Double]]
    }

    /// - means: N x L encoder means; labels: N labels; attributes: N measured attributes.
    public static func fit(means: [Float], labels: [Int], attributes: [ImageAttributes], classes: Int, latent: Int,
                           names: [String] = ImageAttributes.names, ridge: Double = 1e-3) throws -> Result {
        let n = labels.count
        guard n > 0, means.count == n * latent, attributes.count == n else {
            throw ModelError.inconsistentShapes("direction fitting needs one mean and one measurement per image")
        }
        var vectors: [String: [Float]] = [:], r2: [String: [Double]] = [:], gains: [String: [Double]] = [:]
        for name in names {
            guard ImageAttributes(slant: 0, thickness: 0, width: 0, height: 0).value(name) != nil else {
                throw ModelError.inconsistentShapes("no attribute named \(name)")
            }
            vectors[name] = [Float](repeating: 0, count: classes * latent)
            r2[name] = [Double](repeating: 0, count: classes)
            gains[name] = [Double](repeating: 0, count: classes)
        }
        for digit in 0..<classes {
            let rows = (0..<n).filter { labels[$0] == digit }
            guard rows.count > latent + 1 else {
                throw ModelError.inconsistentShapes("digit \(digit) has \(rows.count) images, too few to fit \(latent) latent dimensions")
            }
            // Centred design matrix: the intercept drops out.
            var mu = [Double](repeating: 0, count: latent)
            for r in rows { for j in 0..<latent { mu[j] += Double(means[r * latent + j]) } }
            for j in 0..<latent { mu[j] /= Double(rows.count) }
            var gram = [Double](repeating: 0, count: latent * latent)
            for r in rows {
                for a in 0..<latent {
                    let xa = Double(means[r * latent + a]) - mu[a]
                    for b in a..<latent { gram[a * latent + b] += xa * (Double(means[r * latent + b]) - mu[b]) }
                }
            }
            for a in 0..<latent { for b in 0..<a { gram[a * latent + b] = gram[b * latent + a] } }
            let trace = (0..<latent).reduce(0.0) { $0 + gram[$1 * latent + $1] }
            for a in 0..<latent { gram[a * latent + a] += ridge * trace / Double(latent) }
            for name in names {
                let y = rows.map { attributes[$0].value(name)! }
                let ym = y.reduce(0, +) / Double(rows.count)
                var rhs = [Double](repeating: 0, count: latent)
                for (i, r) in rows.enumerated() {
                    for j in 0..<latent { rhs[j] += (Double(means[r * latent + j]) - mu[j]) * (y[i] - ym) }
                }
                guard let w = BLAS.solvePositiveDefinite(gram, rhs, n: latent) else {
                    throw ModelError.inconsistentShapes("the encoder means of digit \(digit) are degenerate (singular covariance)")
                }
                var norm = 0.0
                for j in 0..<latent { norm += w[j] * w[j] }
                norm = norm.squareRoot()
                guard norm > 0, norm.isFinite else {
                    throw ModelError.inconsistentShapes("attribute \(name) does not vary with the code of digit \(digit)")
                }
                var ssTot = 0.0, ssRes = 0.0
                for (i, r) in rows.enumerated() {
                    var pred = ym
                    for j in 0..<latent { pred += w[j] * (Double(means[r * latent + j]) - mu[j]) }
                    ssRes += (y[i] - pred) * (y[i] - pred); ssTot += (y[i] - ym) * (y[i] - ym)
                }
                for j in 0..<latent { vectors[name]![digit * latent + j] = Float(w[j] / norm) }
                r2[name]![digit] = ssTot > 0 ? 1 - ssRes / ssTot : 0
                gains[name]![digit] = norm
            }
        }
        let directions = try LatentDirections(classes: classes, latent: latent, names: names, vectors: vectors)
        return Result(directions: directions, rSquared: r2, gain: gains)
    }
}
