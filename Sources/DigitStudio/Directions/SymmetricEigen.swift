/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations
/// (Golub & Van Loan, "Matrix Computations", 4th ed., section 8.5.2), in Double.
///
/// Written here because Debian's libopenblas-dev ships cblas.h but no LAPACK header, and the
/// matrices are the latent covariances (20 x 20): a few sweeps, exact to rounding, and the
/// same bits on every run, which the saved views rely on (a view names "direction 2" and is
/// reproduced by computing the direction again).
enum SymmetricEigen {
    /// `matrix` is n x n, row-major, symmetric. Returns the eigenvalues in decreasing order
    /// and the matching unit eigenvectors (each of length n), each with its largest-magnitude
    /// component positive so that the sign is fixed.
    static func decompose(_ matrix: [Double], n: Int) -> (values: [Double], vectors: [[Double]]) {
        precondition(matrix.count == n * n)
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] != a[$1 * n + $1] ? a[$0 * n + $0] > a[$1 * n + $1] : $0 < $1 }
        var values: [Double] = [], vectors: [[Double]] = []
        for i in order {
            values.append(a[i * n + i])
            var column = (0..<n).map { v[$0 * n + i] }
            if let big = column.indices.max(by: { abs(column[$0]) < abs(column[$1]) }), column[big] < 0 {
                column = column.map { -$0 }
            }
            vectors.append(column)
        }
        return (values, vectors)
    }
}
