import Dispatch

/// `Linear` forward and backward with the matrix products split across threads.
///
/// OpenBLAS's own threading gains nothing for the batch-128 products of this model (measured:
/// 2 threads run fc1's forward as fast as 1), while two single-threaded products on halves of
/// the output run at twice the speed. So OpenBLAS is kept at one thread and each large
/// product is cut into `threads` column blocks here. Each output element is computed by the
/// same code path for a given thread count, so runs are reproducible for that count.
struct ParallelLinear: Sendable {
    let threads: Int
    /// Products smaller than this many multiply-adds are not worth a thread hand-off.
    static let splitThreshold = 2_000_000

    init(threads: Int) { self.threads = max(1, threads) }

    /// The range of `n` items handled by `part` of `parts`, in blocks of 16 for the kernels.
    @inline(__always)
    static func range(part: Int, parts: Int, of n: Int) -> Range<Int> {
        let blocks = (n + 15) / 16
        let lo = min(n, (blocks * part / parts) * 16)
        let hi = min(n, (blocks * (part + 1) / parts) * 16)
        return lo..<hi
    }

    @inline(__always)
    func parts(_ work: Int) -> Int { work >= ParallelLinear.splitThreshold ? threads : 1 }

    @inline(__always)
    func run(_ parts: Int, _ body: (Int) -> Void) { Parallel.forEachPart(parts, body) }

    /// out (B, O) = x (B, I) W^T + b, W (O, I).
    func forward(x: UnsafePointer<Float>, batch: Int, inFeatures: Int, outFeatures: Int,
                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let n = parts(batch * inFeatures * outFeatures)
        run(n) { part in
            let o = ParallelLinear.range(part: part, parts: n, of: outFeatures)
            guard !o.isEmpty else { return }
            for i in 0..<batch { (out + i * outFeatures + o.lowerBound).update(from: bias + o.lowerBound, count: o.count) }
            BLAS.gemm(transA: false, transB: true, m: batch, n: o.count, k: inFeatures,
                      a: x, lda: inFeatures, b: weight + o.lowerBound * inFeatures, ldb: inFeatures,
                      beta: 1, c: out + o.lowerBound, ldc: outFeatures)
        }
    }

    /// Given dout (B, O): dW (O, I) += dout^T x, db (O) += sum_b dout, and when `dx` is
    /// given, dx (B, I) = dout W. Without `dWeight` and `dBias` (a
    /// frozen layer) only dx is computed, the same values as with them.
    func backward(dout: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int,
                  inFeatures: Int, outFeatures: Int, weight: UnsafePointer<Float>,
                  dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
                  dx: UnsafeMutablePointer<Float>?) {
        let n = parts(batch * inFeatures * outFeatures)
        run(n) { part in
            let o = ParallelLinear.range(part: part, parts: n, of: outFeatures)
            if !o.isEmpty, let dWeight, let dBias {
                BLAS.gemm(transA: true, transB: false, m: o.count, n: inFeatures, k: batch,
                          a: dout + o.lowerBound, lda: outFeatures, b: x, ldb: inFeatures,
                          beta: 1, c: dWeight + o.lowerBound * inFeatures, ldc: inFeatures)
                for r in 0..<batch {
                    let row = dout + r * outFeatures
                    for k in o { dBias[k] += row[k] }
                }
            }
            if let dx {
                let i = ParallelLinear.range(part: part, parts: n, of: inFeatures)
                guard !i.isEmpty else { return }
                BLAS.gemm(transA: false, transB: false, m: batch, n: i.count, k: outFeatures,
                          a: dout, lda: outFeatures, b: weight + i.lowerBound, ldb: inFeatures,
                          beta: 0, c: dx + i.lowerBound, ldc: inFeatures)
            }
        }
    }
}

