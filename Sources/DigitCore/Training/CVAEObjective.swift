/// Sums over a batch of the two parts of the negative ELBO, in nats.
public struct LossParts: Sendable, Equatable {
    /// Reconstruction term: BCE summed over pixels.
    public var bce: Double = 0
    /// KL(q(z | x, y) || N(0, I)), unweighted.
    public var kl: Double = 0
    public init(bce: Double = 0, kl: Double = 0) { self.bce = bce; self.kl = kl }
    /// -ELBO (the seed's loss): BCE + KL.
    public var total: Double { bce + kl }
    public static func += (a: inout LossParts, b: LossParts) { a.bce += b.bce; a.kl += b.kl }
}

/// The CVAE's training objective for one batch, forward and backward by hand.
///
///     encoder  h1 = relu([x | onehot(y)] W1^T + b1)        (B, H)
///              mu = h1 W21^T + b21, logvar = h1 W22^T + b22 (B, L)
///     sample   z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) (B, L)   reparameterisation
///     decoder  h3 = relu([z | onehot(y)] W3^T + b3)         (B, H)
///              logits = h3 W4^T + b4                        (B, P)
///     loss     sum BCE(logits, x) + beta * KL
///
/// with KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar))
/// (Kingma & Welling 2014, "Auto-Encoding Variational Bayes", appendix B).
///
/// All buffers are allocated once for `capacity` rows; a step allocates nothing.
public final class CVAEObjective {
    public let config: CVAEConfig
    public let capacity: Int
    let linear: ParallelLinear

    // Forward activations.
    let encoderInput: UnsafeMutablePointer<Float>   // (B, P + C), pixels in [0, 1] then one-hot
    let h1: UnsafeMutablePointer<Float>             // (B, H)
    let mean: UnsafeMutablePointer<Float>           // (B, L)
    let logvar: UnsafeMutablePointer<Float>         // (B, L)
    let std: UnsafeMutablePointer<Float>            // (B, L)
    let eps: UnsafeMutablePointer<Float>            // (B, L)
    let decoderInput: UnsafeMutablePointer<Float>   // (B, L + C)
    let h3: UnsafeMutablePointer<Float>             // (B, H)
    let logits: UnsafeMutablePointer<Float>         // (B, P), overwritten by dLoss/dlogits
    // Backward.
    let dh3: UnsafeMutablePointer<Float>            // (B, H)
    let dDecoderInput: UnsafeMutablePointer<Float>  // (B, L + C)
    let dMean: UnsafeMutablePointer<Float>          // (B, L)
    let dLogvar: UnsafeMutablePointer<Float>        // (B, L)
    let dh1: UnsafeMutablePointer<Float>            // (B, H)

    /// uint8 pixel -> Float in [0, 1], as torchvision's ToTensor (value / 255).
    let pixelTable: UnsafeMutablePointer<Float>

    // fc1 on the input columns that are non-zero in this batch (see `gatherActiveColumns`).
    let columnMax: UnsafeMutablePointer<Float>        // (P + C)
    let activeColumns: UnsafeMutablePointer<Int>      // (P + C), first `activeCount` used
    var activeCount = 0
    let activeInput: UnsafeMutablePointer<Float>      // (B, K)
    let activeWeight: UnsafeMutablePointer<Float>     // (H, K)
    let activeWeightGradient: UnsafeMutablePointer<Float> // (H, K)

    /// One BCE sum per thread.
    let partSums: UnsafeMutablePointer<Double>

    private var buffers: [UnsafeMutablePointer<Float>] = []

    public init(config: CVAEConfig, capacity: Int, threads: Int) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = ParallelLinear(threads: threads)
        let b = self.capacity, c = config
        var all: [UnsafeMutablePointer<Float>] = []
        func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            all.append(p)
            return p
        }
        encoderInput = alloc(b * (c.pixels + c.classes))
        h1 = alloc(b * c.hidden)
        mean = alloc(b * c.latent)
        logvar = alloc(b * c.latent)
        std = alloc(b * c.latent)
        eps = alloc(b * c.latent)
        decoderInput = alloc(b * (c.latent + c.classes))
        h3 = alloc(b * c.hidden)
        logits = alloc(b * c.pixels)
        dh3 = alloc(b * c.hidden)
        dDecoderInput = alloc(b * (c.latent + c.classes))
        dMean = alloc(b * c.latent)
        dLogvar = alloc(b * c.latent)
        dh1 = alloc(b * c.hidden)
        pixelTable = alloc(256)
        columnMax = alloc(c.pixels + c.classes)
        activeInput = alloc(b * (c.pixels + c.classes))
        activeWeight = alloc(c.hidden * (c.pixels + c.classes))
        activeWeightGradient = alloc(c.hidden * (c.pixels + c.classes))
        activeColumns = .allocate(capacity: c.pixels + c.classes)
        activeColumns.initialize(repeating: 0, count: c.pixels + c.classes)
        for v in 0..<256 { pixelTable[v] = Float(v) / 255 }
        buffers = all
        partSums = .allocate(capacity: linear.threads)
        partSums.initialize(repeating: 0, count: linear.threads)
    }

    deinit {
        for p in buffers { p.deallocate() }
        partSums.deallocate()
        activeColumns.deallocate()
    }

    // MARK: - Active columns of the first layer

    /// MNIST is about 80% zero pixels and, in a batch of 128, about a third of the 784 pixel
    /// columns are zero in every image (the border, mostly). Their products with fc1's weights
    /// contribute nothing, so fc1's forward and weight gradient run on the K active columns
    /// only: the input and the weight columns are gathered into (B, K) and (H, K) matrices.
    /// Returns K.
    func gatherActiveColumns(weight: UnsafePointer<Float>, count n: Int) -> Int {
        let xin = config.pixels + config.classes
        // Inputs are >= 0, so a column is active when its maximum is > 0.
        columnMax.update(repeating: 0, count: xin)
        for i in 0..<n {
            let row = encoderInput + i * xin
            for j in 0..<xin { columnMax[j] = max(columnMax[j], row[j]) }
        }
        var k = 0
        for j in 0..<xin where columnMax[j] > 0 {
            activeColumns[k] = j
            k += 1
        }
        activeCount = k
        let cols = activeColumns, input = encoderInput, active = activeInput, w = activeWeight
        for i in 0..<n {
            let src = input + i * xin, dst = active + i * k
            for t in 0..<k { dst[t] = src[cols[t]] }
        }
        let hidden = config.hidden, parts = linear.threads
        Parallel.forEachPart(parts) { part in
            for o in ParallelLinear.range(part: part, parts: parts, of: hidden) {
                let src = weight + o * xin, dst = w + o * k
                for t in 0..<k { dst[t] = src[cols[t]] }
            }
        }
        return k
    }

    /// dW1 (H, P + C) += the active columns' gradient (H, K).
    func scatterActiveColumns(into dWeight: UnsafeMutablePointer<Float>) {
        let xin = config.pixels + config.classes, k = activeCount
        let cols = activeColumns, grad = activeWeightGradient
        let hidden = config.hidden, parts = linear.threads
        Parallel.forEachPart(parts) { part in
            for o in ParallelLinear.range(part: part, parts: parts, of: hidden) {
                let src = grad + o * k, dst = dWeight + o * xin
                for t in 0..<k { dst[cols[t]] += src[t] }
            }
        }
    }

    // MARK: - Input

    /// Sets row `row` of the batch from uint8 pixels (0-255) and a label.
    @inline(__always)
    public func setExample(row: Int, pixels: UnsafePointer<UInt8>, label: Int) {
        let stride = config.pixels + config.classes
        let dst = encoderInput + row * stride
        for j in 0..<config.pixels { dst[j] = pixelTable[Int(pixels[j])] }
        (dst + config.pixels).update(repeating: 0, count: config.classes)
        dst[config.pixels + label] = 1
    }

    /// Sets row `row` of the batch from Float pixels in [0, 1] and a label.
    public func setExample(row: Int, pixels: UnsafePointer<Float>, label: Int) {
        let stride = config.pixels + config.classes
        let dst = encoderInput + row * stride
        dst.update(from: pixels, count: config.pixels)
        (dst + config.pixels).update(repeating: 0, count: config.classes)
        dst[config.pixels + label] = 1
    }

    // MARK: - Forward

    /// Runs the forward pass on the first `count` rows. Noise comes from `noise` (count x L)
    /// when given, else from `rng`. Returns the batch's summed BCE and KL; when `gradient` is
    /// true, leaves dBCE/dlogits in `logits`.
    func forward(parameters p: ParameterStore, count n: Int, noise: UnsafePointer<Float>?,
                 rng: inout Xoshiro256, gradient: Bool) -> LossParts {
        let c = config
        let xin = c.pixels + c.classes, zin = c.latent + c.classes
        let k = gatherActiveColumns(weight: p.pointer("fc1.weight"), count: n)
        linear.forward(x: activeInput, batch: n, inFeatures: k, outFeatures: c.hidden,
                       weight: activeWeight, bias: p.pointer("fc1.bias"), out: h1)
        VectorMath.relu(h1, count: n * c.hidden)
        linear.forward(x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                       weight: p.pointer("fc21.weight"), bias: p.pointer("fc21.bias"), out: mean)
        linear.forward(x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                       weight: p.pointer("fc22.weight"), bias: p.pointer("fc22.bias"), out: logvar)
        if let noise { eps.update(from: noise, count: n * c.latent) } else { rng.fillGaussian(eps, count: n * c.latent) }

        // Reparameterise and sum the KL term in the same pass.
        var kl: Double = 0
        for i in 0..<n {
            var rowKL: Float = 0
            let zRow = decoderInput + i * zin
            for j in 0..<c.latent {
                let k = i * c.latent + j
                let lv = logvar[k], mu = mean[k]
                let sd = (0.5 * lv).exp
                std[k] = sd
                zRow[j] = mu + sd * eps[k]
                rowKL += 1 + lv - mu * mu - sd * sd
            }
            kl += Double(-0.5 * rowKL)
            (zRow + c.latent).update(from: encoderInput + i * xin + c.pixels, count: c.classes)
        }

        linear.forward(x: decoderInput, batch: n, inFeatures: zin, outFeatures: c.hidden,
                       weight: p.pointer("fc3.weight"), bias: p.pointer("fc3.bias"), out: h3)
        VectorMath.relu(h3, count: n * c.hidden)
        linear.forward(x: h3, batch: n, inFeatures: c.hidden, outFeatures: c.pixels,
                       weight: p.pointer("fc4.weight"), bias: p.pointer("fc4.bias"), out: logits)
        // Rows split over the threads; per-part sums added in part order.
        let parts = n >= 64 ? linear.threads : 1
        let sums = partSums
        let input = encoderInput, out = logits
        Parallel.forEachPart(parts) { part in
            var s: Double = 0
            for i in ParallelLinear.range(part: part, parts: parts, of: n) {
                let row = out + i * c.pixels
                s += Double(BinaryCrossEntropy.row(logits: row, targets: input + i * xin,
                                                   count: c.pixels, gradient: gradient ? row : nil))
            }
            sums[part] = s
        }
        var bce: Double = 0
        for part in 0..<parts { bce += sums[part] }
        return LossParts(bce: bce, kl: kl)
    }

    // MARK: - Forward and backward

    /// Loss of the first `count` rows and its gradient with respect to every parameter,
    /// accumulated into `gradients` (same layout as `parameters`; the caller zeroes it).
    /// The gradient is that of BCE + klWeight * KL; the returned parts are unweighted.
    public func lossAndGradient(parameters p: ParameterStore, gradients g: ParameterStore, count n: Int,
                                klWeight: Float = 1, noise: UnsafePointer<Float>? = nil,
                                rng: inout Xoshiro256) -> LossParts {
        let c = config
        let zin = c.latent + c.classes
        let parts = forward(parameters: p, count: n, noise: noise, rng: &rng, gradient: true)

        // Decoder: logits already hold dLoss/dlogits = sigmoid(logits) - x.
        linear.backward(dout: logits, x: h3, batch: n, inFeatures: c.hidden, outFeatures: c.pixels,
                        weight: p.pointer("fc4.weight"), dWeight: g.pointer("fc4.weight"),
                        dBias: g.pointer("fc4.bias"), dx: dh3)
        VectorMath.reluBackward(dh3, output: h3, count: n * c.hidden)
        linear.backward(dout: dh3, x: decoderInput, batch: n, inFeatures: zin, outFeatures: c.hidden,
                        weight: p.pointer("fc3.weight"), dWeight: g.pointer("fc3.weight"),
                        dBias: g.pointer("fc3.bias"), dx: dDecoderInput)

        // Through z = mu + exp(logvar / 2) eps and the KL term:
        //   dmu     = dz + beta mu
        //   dlogvar = dz eps exp(logvar / 2) / 2 + beta (exp(logvar) - 1) / 2
        for i in 0..<n {
            let dz = dDecoderInput + i * zin
            for j in 0..<c.latent {
                let k = i * c.latent + j
                let sd = std[k]
                dMean[k] = dz[j] + klWeight * mean[k]
                dLogvar[k] = 0.5 * dz[j] * eps[k] * sd + klWeight * 0.5 * (sd * sd - 1)
            }
        }

        // Encoder: both heads read h1, so their input gradients add up.
        linear.backward(dout: dMean, x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                        weight: p.pointer("fc21.weight"), dWeight: g.pointer("fc21.weight"),
                        dBias: g.pointer("fc21.bias"), dx: dh1)
        linear.backward(dout: dLogvar, x: h1, batch: n, inFeatures: c.hidden, outFeatures: c.latent,
                        weight: p.pointer("fc22.weight"), dWeight: g.pointer("fc22.weight"),
                        dBias: g.pointer("fc22.bias"), dx: dh1, accumulate: true)
        VectorMath.reluBackward(dh1, output: h1, count: n * c.hidden)
        // The input is data: no dx for fc1. Its weight gradient is computed on the active
        // columns and added into the full one (the other columns' gradient is zero).
        let k = activeCount
        activeWeightGradient.update(repeating: 0, count: c.hidden * k)
        linear.backward(dout: dh1, x: activeInput, batch: n, inFeatures: k, outFeatures: c.hidden,
                        weight: activeWeight, dWeight: activeWeightGradient,
                        dBias: g.pointer("fc1.bias"), dx: nil)
        scatterActiveColumns(into: g.pointer("fc1.weight"))
        return parts
    }
}
