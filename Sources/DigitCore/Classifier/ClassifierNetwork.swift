/// The classifier's forward and backward passes for one batch, with every activation kept
/// for the backward pass. Buffers are allocated once for `capacity` rows.
///
///     m_0 = x                                               (B, S, S, 1)
///     m_l = maxpool2x2(relu(conv3x3(m_{l-1}) + c_l))        (B, S_l, S_l, channels[l])   CNN stages
///     a_0 = flatten(m_L)  (or x for an MLP)                 (B, flattened)
///     a_l = relu(a_{l-1} W_l^T + b_l)                       (B, widths[l])     l = 1 ..< N
///     logits = a_{N-1} W_N^T + b_N                          (B, classes)
final class ClassifierNetwork {
    /// The buffers of one convolution stage.
    struct StageBuffers {
        let stage: ClassifierConfig.Stage
        /// im2col of the stage's input (B*S*S, 9*C), kept for the weight gradient.
        let cols: UnsafeMutablePointer<Float>
        /// relu(conv) (B, S, S, O), kept for the ReLU's and the pool's backward passes.
        let activation: UnsafeMutablePointer<Float>
        /// The pooled map (B, S/2, S/2, O) and the offset of each window's winner.
        let pooled: UnsafeMutablePointer<Float>
        let argmax: UnsafeMutablePointer<Int32>
        /// dloss/dpooled (B, S/2, S/2, O).
        let dPooled: UnsafeMutablePointer<Float>
    }

    let config: ClassifierConfig
    let capacity: Int
    let threads: Int
    let linear: ParallelLinear
    /// The images (B, inputs).
    let input: UnsafeMutablePointer<Float>
    let stageBuffers: [StageBuffers]
    /// Scratch for the convolution gradients: dloss/dcols and dloss/d(relu(conv)), widest stage.
    let dCols: UnsafeMutablePointer<Float>
    let dActivation: UnsafeMutablePointer<Float>
    /// activations[0] is the first fully connected layer's input (the images for an MLP, the
    /// last pooled map for a CNN), activations[N] the logits (then dloss/dlogits).
    let activations: [UnsafeMutablePointer<Float>]
    /// Gradient buffers for the hidden activations, two of the widest size used in turn.
    let deltaA: UnsafeMutablePointer<Float>
    let deltaB: UnsafeMutablePointer<Float>
    private var owned: [UnsafeMutablePointer<Float>] = []
    private var ownedIndices: [UnsafeMutablePointer<Int32>] = []

    init(config: ClassifierConfig, capacity: Int, threads: Int) {
        self.config = config
        let capacity = max(1, capacity)
        self.capacity = capacity
        self.threads = max(1, threads)
        self.linear = ParallelLinear(threads: threads)
        var owned: [UnsafeMutablePointer<Float>] = []
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            owned.append(p)
            return p
        }
        input = buffer(capacity * config.inputs)
        var stageBuffers: [StageBuffers] = []
        var indices: [UnsafeMutablePointer<Int32>] = []
        var widestCols = 1, widestActivation = 1
        for s in config.stages {
            let pooledCount = capacity * s.pooledSide * s.pooledSide * s.outChannels
            let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, pooledCount))
            argmax.initialize(repeating: 0, count: max(1, pooledCount))
            indices.append(argmax)
            stageBuffers.append(StageBuffers(stage: s, cols: buffer(capacity * s.side * s.side * s.patch),
                                             activation: buffer(capacity * s.side * s.side * s.outChannels),
                                             pooled: buffer(pooledCount), argmax: argmax, dPooled: buffer(pooledCount)))
            widestCols = max(widestCols, capacity * s.side * s.side * s.patch)
            widestActivation = max(widestActivation, capacity * s.side * s.side * s.outChannels)
        }
        self.stageBuffers = stageBuffers
        dCols = buffer(config.stages.count > 1 ? widestCols : 1)
        dActivation = buffer(config.isConvolutional ? widestActivation : 1)
        let first = stageBuffers.last?.pooled ?? input
        activations = [first] + config.widths.dropFirst().map { buffer(capacity * $0) }
        let widest = config.widths.max() ?? 1
        deltaA = buffer(capacity * widest)
        deltaB = buffer(capacity * widest)
        self.owned = owned
        self.ownedIndices = indices
    }

    deinit {
        for p in owned { p.deallocate() }
        for p in ownedIndices { p.deallocate() }
    }

    var logits: UnsafeMutablePointer<Float> { activations[config.layerCount] }

    /// Runs `body` on parts of the image range 0..<count, one part per thread.
    @inline(__always)
    private func forImages(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count)
        Parallel.forEachPart(parts) { part in body(count * part / parts..<count * (part + 1) / parts) }
    }

    /// Runs the layers on the `count` rows already in `input`; the logits end in `logits`.
    func forward(parameters p: ParameterStore, count: Int) {
        for (l, b) in stageBuffers.enumerated() {
            let s = b.stage, pixels = count * s.side * s.side
            let x = l == 0 ? UnsafePointer(input) : UnsafePointer(stageBuffers[l - 1].pooled)
            forImages(count) { Im2col.forward(x, images: $0, side: s.side, channels: s.inChannels, cols: b.cols) }
            linear.forward(x: b.cols, batch: pixels, inFeatures: s.patch, outFeatures: s.outChannels,
                           weight: p.pointer(ClassifierConfig.convWeightName(l)),
                           bias: p.pointer(ClassifierConfig.convBiasName(l)), out: b.activation)
            Activation.relu(b.activation, count: pixels * s.outChannels)
            forImages(count) {
                MaxPool2x2.forward(b.activation, images: $0, side: s.side, channels: s.outChannels,
                                   out: b.pooled, argmax: b.argmax)
            }
        }
        let w = config.widths
        for l in 0..<config.layerCount {
            linear.forward(x: activations[l], batch: count, inFeatures: w[l], outFeatures: w[l + 1],
                           weight: p.pointer(config.fcWeightName(l)),
                           bias: p.pointer(config.fcBiasName(l)), out: activations[l + 1])
            if l + 1 < config.layerCount { Activation.relu(activations[l + 1], count: count * w[l + 1]) }
        }
    }

    /// Given dloss/dlogits in `logits`, accumulates every parameter's gradient into `g`.
    func backward(parameters p: ParameterStore, gradients g: ParameterStore, count: Int) {
        let w = config.widths
        var dout = UnsafeMutablePointer(logits)
        var spare = deltaA
        for l in stride(from: config.layerCount - 1, through: 0, by: -1) {
            // dx is needed below every layer but an MLP's first; a CNN's goes to the last pool.
            let dx: UnsafeMutablePointer<Float>? = l > 0 ? spare : stageBuffers.last?.dPooled
            linear.backward(dout: dout, x: activations[l], batch: count, inFeatures: w[l], outFeatures: w[l + 1],
                            weight: p.pointer(config.fcWeightName(l)),
                            dWeight: g.pointer(config.fcWeightName(l)),
                            dBias: g.pointer(config.fcBiasName(l)), dx: dx)
            if l > 0, let dx {
                // Through the ReLU that produced activations[l].
                Activation.reluBackward(dx, output: activations[l], count: count * w[l])
                dout = dx
                spare = (dx == deltaA) ? deltaB : deltaA
            }
        }
        for l in stride(from: stageBuffers.count - 1, through: 0, by: -1) {
            let b = stageBuffers[l], s = b.stage, pixels = count * s.side * s.side
            forImages(count) {
                MaxPool2x2.backward(b.dPooled, argmax: b.argmax, images: $0, side: s.side, channels: s.outChannels,
                                    dx: dActivation)
            }
            Activation.reluBackward(dActivation, output: b.activation, count: pixels * s.outChannels)
            linear.backward(dout: dActivation, x: b.cols, batch: pixels, inFeatures: s.patch, outFeatures: s.outChannels,
                            weight: p.pointer(ClassifierConfig.convWeightName(l)),
                            dWeight: g.pointer(ClassifierConfig.convWeightName(l)),
                            dBias: g.pointer(ClassifierConfig.convBiasName(l)), dx: l > 0 ? dCols : nil)
            if l > 0 {
                let below = stageBuffers[l - 1].dPooled
                forImages(count) { Im2col.backward(dCols, images: $0, side: s.side, channels: s.inChannels, dx: below) }
            }
        }
    }
}
