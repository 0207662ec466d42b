/// Bernoulli negative log-likelihood of targets t in [0, 1] under logits x, summed over
/// pixels as in the seed (`F.binary_cross_entropy(..., reduction='sum')`), computed stably
/// from logits:
///
///     BCE(x, t) = max(x, 0) - x t + log(1 + e^-|x|)
///     dBCE/dx   = sigmoid(x) - t
///
/// log(1 + e^-|x|) = -log sigmoid(|x|), and sigmoid(|x|) lies in [1/2, 1], so the logs of a
/// run of up to 100 pixels are taken as one log of their product (>= 2^-100, no underflow):
/// one log per 100 pixels instead of one per pixel.
enum BinaryCrossEntropy {
    typealias V = VectorMath.V
    /// Pixels per lane folded into one product before taking its log.
    static let run = 100

    /// Returns the BCE of one row of `count` logits against `targets`; when `gradient`
    /// is given, writes dBCE/dx there (it may alias `logits`).
    @inline(__always)
    static func row(logits: UnsafePointer<Float>, targets: UnsafePointer<Float>, count: Int,
                    gradient: UnsafeMutablePointer<Float>?) -> Float {
        var linear = V(repeating: 0)        // sum of max(x, 0) - x t
        var logSum = V(repeating: 0)        // sum of log sigmoid(|x|)
        var product = V(repeating: 1)
        var inRun = 0
        var j = 0
        while j + 8 <= count {
            let x = VectorMath.load(logits + j)
            let t = VectorMath.load(targets + j)
            let negAbs = x.replacing(with: -x, where: x .> 0)
            let e = VectorMath.expNonPositive(negAbs)
            let q = 1 / (1 + e)                         // sigmoid(|x|)
            if let gradient {
                let s = q.replacing(with: e * q, where: x .< 0)   // sigmoid(x)
                VectorMath.store(s - t, gradient + j)
            }
            linear += x.replacing(with: 0, where: x .< 0) - x * t
            product *= q
            inRun += 1
            if inRun == run {
                logSum += logLanes(product)
                product = V(repeating: 1)
                inRun = 0
            }
            j += 8
        }
        var total = linear.sum() - (logSum + logLanes(product)).sum()
        while j < count {
            let x = logits[j], t = targets[j]
            let e = _expf(-abs(x))
            if let gradient { gradient[j] = (x >= 0 ? 1 / (1 + e) : e / (1 + e)) - t }
            total += max(x, 0) - x * t + _log1pf(e)
            j += 1
        }
        return total
    }

    @inline(__always)
    static func logLanes(_ v: V) -> V {
        var out = V()
        for i in 0..<8 { out[i] = _logf(v[i]) }
        return out
    }
}
