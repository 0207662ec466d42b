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

    /// Mean over the rows a_i of `a` of min_j ||a_i - b_j||_2: how far each image is from its
    /// nearest neighbour in `b` (e.g. generated digits against the training set).
    public static func meanNearest(_ a: [Float], count: Int, to b: [Float], count m: Int, dimension: Int) -> Double {
        precondition(a.count >= count * dimension && b.count >= m * dimension)
        guard count >= 1, m >= 1 else { return 0 }
        func norms(_ x: UnsafePointer<Float>, _ n: Int) -> [Double] {
            (0..<n).map { i in (0..<dimension).reduce(0.0) { $0 + Double(x[i * dimension + $1] * x[i * dimension + $1]) } }
        }
        var total = 0.0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                guard let x = ap.baseAddress, let y = bp.baseAddress else { return }
                let na = norms(x, count), nb = norms(y, m)
                // Rows of `a` in blocks so the product stays small.
                let block = 256
                let dots = UnsafeMutablePointer<Float>.allocate(capacity: block * m)
                defer { dots.deallocate() }
                var start = 0
                while start < count {
                    let r = min(block, count - start)
                    // dots (r, m) = a[start..] (r, d) b^T
                    BLAS.gemm(transA: false, transB: true, m: r, n: m, k: dimension, a: x + start * dimension,
                              lda: dimension, b: y, ldb: dimension, beta: 0, c: dots, ldc: m)
                    for i in 0..<r {
                        var best = Double.infinity
                        for j in 0..<m {
                            best = min(best, na[start + i] + nb[j] - 2 * Double(dots[i * m + j]))
                        }
                        total += max(best, 0).squareRoot()
                    }
                    start += r
                }
            }
        }
        return total / Double(count)
    }
}
