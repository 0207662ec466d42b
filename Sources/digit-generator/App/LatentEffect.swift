import DigitStudio
import DigitCore

/// How strongly each latent dimension changes the decoded image, to pick the dimensions
/// the two sliders drive by default.
///
/// For every digit, the decoder is evaluated at the prior's mean with dimension j moved to
/// mean - span and to mean + span; the effect of j is the mean absolute pixel difference
/// between the two images, averaged over digits. One batched decode of
/// classes x latent x 2 rows.
enum LatentEffect {
    static func measure(model: CVAE, span: Float = 2) -> [Float] {
        let c = model.config
        let rows = c.classes * c.latent * 2
        var z = [Float](repeating: 0, count: rows * c.latent)
        var labels = [Int](repeating: 0, count: rows)
        for digit in 0..<c.classes {
            let mean = priorMean(model: model, digit: digit)
            for j in 0..<c.latent {
                for side in 0..<2 {
                    let row = (digit * c.latent + j) * 2 + side
                    for k in 0..<c.latent { z[row * c.latent + k] = mean[k] }
                    z[row * c.latent + j] += side == 0 ? -span : span
                    labels[row] = digit
                }
            }
        }
        var out = [Float](repeating: 0, count: rows * c.pixels)
        z.withUnsafeBufferPointer { zp in
            labels.withUnsafeBufferPointer { lp in
                out.withUnsafeMutableBufferPointer { op in
                    model.decode(z: zp.baseAddress!, labels: lp.baseAddress!, count: rows, into: op.baseAddress!)
                }
            }
        }
        var effect = [Float](repeating: 0, count: c.latent)
        for digit in 0..<c.classes {
            for j in 0..<c.latent {
                let low = ((digit * c.latent + j) * 2) * c.pixels
                let high = low + c.pixels
                var sum: Float = 0
                for p in 0..<c.pixels { sum += abs(out[high + p] - out[low + p]) }
                effect[j] += sum / Float(c.pixels * c.classes)
            }
        }
        return effect
    }

    /// Dimensions ordered by decreasing effect.
    static func ranked(_ effect: [Float]) -> [Int] {
        effect.indices.sorted { effect[$0] != effect[$1] ? effect[$0] > effect[$1] : $0 < $1 }
    }

    /// The mean of the fitted prior's mixture for `digit`, or the origin for N(0, I).
    static func priorMean(model: CVAE, digit: Int) -> [Float] {
        let L = model.config.latent
        guard let prior = model.prior else { return [Float](repeating: 0, count: L) }
        var mean = [Float](repeating: 0, count: L)
        for k in 0..<prior.components {
            let w = prior.weights[digit * prior.components + k]
            let base = (digit * prior.components + k) * L
            for j in 0..<L { mean[j] += w * prior.means[base + j] }
        }
        return mean
    }
}
