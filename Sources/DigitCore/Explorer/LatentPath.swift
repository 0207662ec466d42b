import Foundation

/// Paths through latent space for morphs.
///
/// Spherical linear interpolation (Shoemake 1985; for generative models White 2016,
/// "Sampling generative networks"): under a Gaussian prior, latent vectors concentrate near a
/// sphere, and the straight line between two of them passes through the low-norm interior where
/// the decoder has seen few codes. slerp(a, b, t) = sin((1-t)θ)/sin θ · a + sin(tθ)/sin θ · b,
/// with θ the angle between a and b, keeps the norm in between; it falls back to the straight
/// line when a and b are (nearly) parallel or one is zero.
public enum LatentPath {
    /// The point at fraction `t` (0 gives `a`, 1 gives `b`, exactly).
    public static func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        precondition(a.count == b.count, "slerp of vectors of different sizes")
        if t == 0 { return a }
        if t == 1 { return b }
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i])
        }
        let tt = Double(t)
        let denominator = (na * nb).squareRoot()
        let cosine = denominator > 0 ? max(-1, min(1, dot / denominator)) : 1
        let theta = acos(cosine)
        let s = sin(theta)
        let wa: Double, wb: Double
        if s < 1e-6 {
            wa = 1 - tt; wb = tt
        } else {
            wa = sin((1 - tt) * theta) / s; wb = sin(tt * theta) / s
        }
        return a.indices.map { Float(wa * Double(a[$0]) + wb * Double(b[$0])) }
    }

    /// `frames` points from `a` to `b` (both included), evenly spaced in t. frames >= 2.
    public static func slerpPath(from a: [Float], to b: [Float], frames: Int) -> [[Float]] {
        precondition(frames >= 2, "a path needs at least two frames")
        return (0..<frames).map { i in
            if i == frames - 1 { return b }
            return slerp(a, b, Float(i) / Float(frames - 1))
        }
    }
}
