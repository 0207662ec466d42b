/// The encoder's forward pass, the one used by inference (`CVAE.encode`), training and
/// evaluation:
///
///     h1     = relu([x | onehot(y)] W1^T + b1)   (B, H)
///     mean   = h1 W21^T + b21                    (B, L)
///     logvar = h1 W22^T + b22                    (B, L)
///
/// MNIST is about 80% zero pixels and, in a batch of 128, about a third of the 784 pixel columns
/// are zero in every image (the border, mostly). Their products with fc1's weights contribute
/// nothing, so fc1 runs on the K active columns only: the input and the weight columns are
/// gathered into (B, K) and (H, K) matrices, which training's fc1 weight gradient reuses
/// (`scatterWeightGradient`). Buffers are allocated once for `capacity` rows and freed in deinit.
final class EncoderPass {
    let config: CVAEConfig
    let capacity: Int
    let linear: ParallelLinear

    let columnMax: UnsafeMutablePointer<Float>        // (P + C)
    let activeColumns: UnsafeMutablePointer<Int>      // (P + C), first `activeCount` used
    private(set) var activeCount = 0
    let activeInput: UnsafeMutablePointer<Float>      // (B, K)
    let activeWeight: UnsafeMutablePointer<Float>     // (H, K)
    let activeWeightGradient: UnsafeMutablePointer<Float> // (H, K)

    init(config: CVAEConfig, capacity: Int, linear: ParallelLinear) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = linear
        let xin = config.pixels + config.classes
        columnMax = .allocate(capacity: xin)
        activeColumns = .allocate(capacity: xin)
        activeColumns.initialize(repeating: 0, count: xin)
        activeInput = .allocate(capacity: self.capacity * xin)
        activeWeight = .allocate(capacity: config.hidden * xin)
        activeWeightGradient = .allocate(capacity: config.hidden * xin)
        activeInput.initialize(repeating: 0, count: self.capacity * xin)
    }

    deinit {
        columnMax.deallocate(); activeColumns.deallocate(); activeInput.deallocate()
        activeWeight.deallocate(); activeWeightGradient.deallocate()
    }

    /// Runs the encoder on `n` <= capacity rows of x (n, P + C), inputs >= 0.
    func forward(_ w: CVAEWeights, input x: UnsafePointer<Float>, count n: Int,
                 hidden h1: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                 logvar: UnsafeMutablePointer<Float>) {
        precondition(n <= capacity)
        let c = config
        let k = gatherActiveColumns(w.fc1.weight, input: x, count: n)
        linear.forward(x: activeInput, batch: n, inFeatures: k, outFeatures: c.hidden,
                       weight: activeWeight, bias: w.fc1.bias, out: h1)
        VectorMath.relu(h1, count: n * c.hidden)
        linear.forward(x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                       weight: w.fc21.weight, bias: w.fc21.bias, out: mean)
        linear.forward(x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                       weight: w.fc22.weight, bias: w.fc22.bias, out: logvar)
    }

    /// Gathers the columns of x that are non-zero in some row, and the same columns of fc1's
    /// weight. Returns K.
    private func gatherActiveColumns(_ weight: UnsafePointer<Float>, input: UnsafePointer<Float>, count n: Int) -> Int {
        let xin = config.pixels + config.classes
        // Inputs are >= 0, so a column is active when its maximum is > 0.
        columnMax.update(repeating: 0, count: xin)
        for i in 0..<n {
            let row = input + i * xin
            for j in 0..<xin { columnMax[j] = max(columnMax[j], row[j]) }
        }
        var k = 0
        for j in 0..<xin where columnMax[j] > 0 {
            activeColumns[k] = j
            k += 1
        }
        activeCount = k
        let cols = activeColumns, active = activeInput, wk = activeWeight
        for i in 0..<n {
            let src = input + i * xin, dst = active + i * k
            for t in 0..<k { dst[t] = src[cols[t]] }
        }
        let hidden = config.hidden, parts = n >= 32 ? linear.threads : 1
        Parallel.forEachPart(parts) { part in
            for o in ParallelLinear.range(part: part, parts: parts, of: hidden) {
                let src = weight + o * xin, dst = wk + o * k
                for t in 0..<k { dst[t] = src[cols[t]] }
            }
        }
        return k
    }

    /// Training's fc1 backward after `forward` on the same rows: db1 += sum dh1 and
    /// dW1 (H, P + C) += dh1^T x on the active columns (the others' gradient is zero).
    func backwardFC1(dHidden dh1: UnsafePointer<Float>, count n: Int, gradient g: CVAEWeights) {
        let xin = config.pixels + config.classes, k = activeCount, hidden = config.hidden
        activeWeightGradient.update(repeating: 0, count: hidden * k)
        linear.backward(dout: dh1, x: activeInput, batch: n, inFeatures: k, outFeatures: hidden,
                        weight: activeWeight, dWeight: activeWeightGradient, dBias: g.fc1.bias, dx: nil)
        let cols = activeColumns, grad = activeWeightGradient, dWeight = g.fc1.weight
        let parts = n >= 32 ? linear.threads : 1
        Parallel.forEachPart(parts) { part in
            for o in ParallelLinear.range(part: part, parts: parts, of: hidden) {
                let src = grad + o * k, dst = dWeight + o * xin
                for t in 0..<k { dst[cols[t]] += src[t] }
            }
        }
    }
}
