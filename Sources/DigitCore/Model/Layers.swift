/// Elementwise activations. The CVAE's linear layers run through `EncoderPass`, `DecoderPass`
/// and `ParallelLinear`; the classifier calls these too.
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
        markChanged()
    }
}
