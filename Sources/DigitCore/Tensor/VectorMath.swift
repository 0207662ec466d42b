/// Vectorised elementwise maths for training, evaluation and inference (ReLU and its
/// gradient). The exp on every pixel (sigmoid, BCE) is in CDigitKernels' vector C.
enum VectorMath {
    typealias V = SIMD8<Float>

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
