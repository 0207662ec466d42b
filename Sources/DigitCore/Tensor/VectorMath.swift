/// Vectorised elementwise maths for training, evaluation and inference, which evaluate
/// exp on every pixel of every image (47 million times an epoch): glibc's scalar expf
/// would cost more than all the matrix products together.
enum VectorMath {
    typealias V = SIMD8<Float>

    /// e^x for x <= 0, within 2 ulp on [-87, 0] and ~0 below (inputs are clamped to -87).
    /// Cody-Waite range reduction x = n ln2 + r, |r| <= ln2 / 2, then Cephes' degree-6
    /// minimax polynomial for e^r (S. Moshier, Cephes `expf.c`), scaled by 2^n through
    /// the exponent bits.
    @inline(__always)
    static func expNonPositive(_ x: V) -> V {
        let x = x.replacing(with: -87, where: x .< -87)
        // Adding 1.5 * 2^23 rounds x*log2(e) to an integer held in the low mantissa bits.
        let magic: Float = 12_582_912
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: V.self)
        return p * scale
    }

    /// x = max(x, 0) in place, as `Activation.relu` but without a branch per element
    /// (the compiler turns that `where` loop into masked scalar stores).
    @inline(__always)
    static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let v = load(x + i)
            store(v.replacing(with: 0, where: v .< 0), x + i)
            i += 8
        }
        while i < count { if x[i] < 0 { x[i] = 0 }; i += 1 }
    }

    /// dy *= (y > 0) in place, y being the ReLU's output.
    @inline(__always)
    static func reluBackward(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(dy + i).replacing(with: 0, where: load(y + i) .<= 0), dy + i)
            i += 8
        }
        while i < count { if y[i] <= 0 { dy[i] = 0 }; i += 1 }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
}
