/// Layers as forward/backward pairs. Shapes in comments: B batch, I in, O out.
/// Weights are stored as PyTorch's nn.Linear does, W is (O, I), row-major.
public enum Linear {
    /// out (B, O) = x (B, I) W^T + b
    @inline(__always)
    public static func forward(x: UnsafePointer<Float>, batch: Int, inFeatures: Int, outFeatures: Int,
                               weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               out: UnsafeMutablePointer<Float>) {
        for i in 0..<batch { (out + i * outFeatures).update(from: bias, count: outFeatures) }
        BLAS.gemm(transA: false, transB: true, m: batch, n: outFeatures, k: inFeatures,
                  a: x, lda: inFeatures, b: weight, ldb: inFeatures, beta: 1, c: out, ldc: outFeatures)
    }

    /// out (B, O) = x (B, I) W^T + b for a sparse x (e.g. after a ReLU), with W given transposed
    /// as Wt (I, O): one axpy per non-zero input. Inputs outermost, so each row of Wt is read
    /// once from memory and reused from L1 for every row of the (small) batch.
    @inline(__always)
    public static func forwardSparseInput(x: UnsafePointer<Float>, batch: Int, inFeatures: Int, outFeatures: Int,
                                          weightTransposed wt: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                          out: UnsafeMutablePointer<Float>) {
        for r in 0..<batch { (out + r * outFeatures).update(from: bias, count: outFeatures) }
        for i in 0..<inFeatures {
            for r in 0..<batch {
                let a = x[r * inFeatures + i]
                if a != 0 { BLAS.axpy(n: outFeatures, alpha: a, x: wt + i * outFeatures, y: out + r * outFeatures) }
            }
        }
    }

    /// Given dout (B, O): accumulates dW (O, I) += dout^T x and db (O) += sum_b dout,
    /// and, when `dx` is given, writes dx (B, I) = dout W.
    @inline(__always)
    public static func backward(dout: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int,
                                inFeatures: Int, outFeatures: Int, weight: UnsafePointer<Float>,
                                dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?) {
        BLAS.gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: batch,
                  a: dout, lda: outFeatures, b: x, ldb: inFeatures, beta: 1, c: dWeight, ldc: inFeatures)
        for i in 0..<batch {
            let row = dout + i * outFeatures
            for o in 0..<outFeatures { dBias[o] += row[o] }
        }
        if let dx {
            BLAS.gemm(transA: false, transB: false, m: batch, n: inFeatures, k: outFeatures,
                      a: dout, lda: outFeatures, b: weight, ldb: inFeatures, beta: 0, c: dx, ldc: inFeatures)
        }
    }
}

public enum Activation {
    @inline(__always)
    public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.relu(x, count: count)
    }

    /// dx *= (y > 0), where y is the ReLU's output.
    @inline(__always)
    public static func reluBackward(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        VectorMath.reluBackward(dy, output: y, count: count)
    }

    @inline(__always)
    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorMath.sigmoid(x, count: count)
    }
}

extension ParameterStore {
    /// PyTorch nn.Linear's default initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
    /// weight and bias alike (kaiming_uniform with a = sqrt(5) reduces to this bound).
    public func initializeLinearUniform(rng: inout Xoshiro256) {
        var fanIn = 1
        for v in views {
            if v.shape.count == 2 { fanIn = v.shape[1] }
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<v.count {
                data[v.offset + i] = Float(rng.nextDouble() * 2 - 1) * bound
            }
        }
    }
}
