/// Mean Euclidean distance over all pairs of a set of images: the spread of a set, used to
/// compare the variety of generated digits with that of real handwriting.
public enum PairwiseDistance {
    /// Mean of ||x_i - x_j||_2 over i < j for `count` rows of `dimension` values.
    ///
    /// Squared distances come from one Gram matrix, ||x_i||^2 + ||x_j||^2 - 2 x_i . x_j.
    /// That difference loses the last bits of float precision, so values below a relative
    /// rounding floor (1e-6 of the norms) count as 0: identical images are exactly 0 apart.
    public static func mean(_ x: UnsafePointer<Float>, count: Int, dimension: Int) -> Double {
        guard count >= 2, dimension >= 1 else { return 0 }
        let gram = UnsafeMutablePointer<Float>.allocate(capacity: count * count)
        defer { gram.deallocate() }
        // gram (n, n) = x (n, d) x^T
        BLAS.gemm(transA: false, transB: true, m: count, n: count, k: dimension,
                  a: x, lda: dimension, b: x, ldb: dimension, beta: 0, c: gram, ldc: count)
        var sum = 0.0
        for i in 0..<count {
            let ni = Double(gram[i * count + i])
            for j in (i + 1)..<count {
                let nj = Double(gram[j * count + j])
                let d2 = ni + nj - 2 * Double(gram[i * count + j])
                if d2 > 1e-6 * (ni + nj) { sum += d2.squareRoot() }
            }
        }
        return sum / Double(count * (count - 1) / 2)
    }

    public static func mean(_ x: [Float], count: Int, dimension: Int) -> Double {
        precondition(x.count >= count * dimension)
        return x.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            return mean(base, count: count, dimension: dimension)
        }
    }
}
