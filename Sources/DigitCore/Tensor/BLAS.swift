import CBLAS

/// The only file that talks to OpenBLAS. Everything else calls these wrappers.
///
/// All matrices are row-major. `gemm` computes `C = alpha * op(A) * op(B) + beta * C`
/// where op(A) is (m x k), op(B) is (k x n) and C is (m x n).
public enum BLAS {
    /// Restricts OpenBLAS to `n` threads (process-wide).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Keeps OpenBLAS on the calling thread and stops the worker threads it started when it
    /// loaded. Those spin (sched_yield) for about a tenth of a second after each use before they
    /// sleep; at the desktop app's start that is the moment GTK needs both cores (measured with
    /// Tests/gui/trace-drag.sh: first samples about 20-30 ms sooner). For programs whose
    /// products are split by `ParallelLinear`, not by OpenBLAS.
    public static func useCallingThreadOnly() {
        openblas_set_num_threads(1)
        blas_thread_shutdown_()
    }

    /// The kernel family OpenBLAS chose for this CPU at load time ("SkylakeX", "Haswell",
    /// "Prescott", ...); see `BLASCoreSelection`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// y = alpha * x + y
    @inline(__always)
    public static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    // MARK: - LAPACK (double precision, small dense systems)

    /// Solves A x = b for a symmetric positive-definite n x n matrix A (Cholesky, LAPACK dposv).
    /// Returns nil when A is not positive definite.
    public static func solvePositiveDefinite(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        precondition(a.count == n * n && b.count == n, "solvePositiveDefinite: sizes")
        var matrix = a, x = b, info: Int32 = 0
        var size = Int32(n), one: Int32 = 1
        // A symmetric matrix reads the same in row- and column-major order.
        dposv_("U", &size, &one, &matrix, &size, &x, &size, &info)
        return info == 0 ? x : nil
    }
}
