/// The classifier's forward and backward passes for one batch, with every activation kept
/// for the backward pass. Buffers are allocated once for `capacity` rows.
///
///     a_0 = x                                   (B, inputs)
///     a_l = relu(a_{l-1} W_l^T + b_l)           (B, widths[l])     l = 1 ..< N
///     logits = a_{N-1} W_N^T + b_N              (B, classes)
final class ClassifierNetwork {
    let config: ClassifierConfig
    let capacity: Int
    let linear: ParallelLinear
    /// activations[0] is the input, activations[N] the logits (then dloss/dlogits).
    let activations: [UnsafeMutablePointer<Float>]
    /// Gradient buffers for the hidden activations, two of the widest size used in turn.
    let deltaA: UnsafeMutablePointer<Float>
    let deltaB: UnsafeMutablePointer<Float>

    init(config: ClassifierConfig, capacity: Int, threads: Int) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = ParallelLinear(threads: threads)
        activations = config.widths.map { w in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, capacity) * w)
            p.initialize(repeating: 0, count: max(1, capacity) * w)
            return p
        }
        let widest = config.widths.max() ?? 1
        deltaA = .allocate(capacity: self.capacity * widest)
        deltaB = .allocate(capacity: self.capacity * widest)
    }

    deinit {
        for a in activations { a.deallocate() }
        deltaA.deallocate()
        deltaB.deallocate()
    }

    var input: UnsafeMutablePointer<Float> { activations[0] }
    var logits: UnsafeMutablePointer<Float> { activations[config.layerCount] }

    /// Runs the layers on the `count` rows already in `input`; the logits end in `logits`.
    func forward(parameters p: ParameterStore, count: Int) {
        let w = config.widths
        for l in 0..<config.layerCount {
            linear.forward(x: activations[l], batch: count, inFeatures: w[l], outFeatures: w[l + 1],
                           weight: p.pointer(ClassifierConfig.weightName(l)),
                           bias: p.pointer(ClassifierConfig.biasName(l)), out: activations[l + 1])
            if l + 1 < config.layerCount { Activation.relu(activations[l + 1], count: count * w[l + 1]) }
        }
    }

    /// Given dloss/dlogits in `logits`, accumulates every parameter's gradient into `g`.
    func backward(parameters p: ParameterStore, gradients g: ParameterStore, count: Int) {
        let w = config.widths
        var dout = UnsafeMutablePointer(logits)
        var spare = deltaA
        for l in stride(from: config.layerCount - 1, through: 0, by: -1) {
            // dx is only needed below the first layer's input.
            let dx: UnsafeMutablePointer<Float>? = l > 0 ? spare : nil
            linear.backward(dout: dout, x: activations[l], batch: count, inFeatures: w[l], outFeatures: w[l + 1],
                            weight: p.pointer(ClassifierConfig.weightName(l)),
                            dWeight: g.pointer(ClassifierConfig.weightName(l)),
                            dBias: g.pointer(ClassifierConfig.biasName(l)), dx: dx)
            if let dx {
                // Through the ReLU that produced activations[l].
                Activation.reluBackward(dx, output: activations[l], count: count * w[l])
                dout = dx
                spare = (dx == deltaA) ? deltaB : deltaA
            }
        }
    }
}
