import CDigitKernels

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
/// The encoder and decoder run through `EncoderPass` and `DecoderPass`, the same code as
/// inference. All buffers are allocated once for `capacity` rows; a step allocates nothing.
public final class CVAEObjective {
    public let config: CVAEConfig
    public let capacity: Int
    let linear: ParallelLinear
    let encoder: EncoderPass
    let decoder: DecoderPass
    /// The decoder path for training and evaluation (see `DecoderKernel.training`).
    let decoderKernel: DecoderKernel

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
    /// The path of the batch's pixel conversion (`dk_unit_pixels`): the decoder's.
    let pixelKernel: Int32 = (DecoderKernel.forced ?? .bestFused).cKernel

    /// One BCE sum per thread.
    let partSums: UnsafeMutablePointer<Double>

    private var buffers: [UnsafeMutablePointer<Float>] = []
    /// Typed views of the stores last passed in (resolved once per store, not per step).
    private var viewCache: [(store: ParameterStore, weights: CVAEWeights)] = []

    public convenience init(config: CVAEConfig, capacity: Int, threads: Int) {
        self.init(config: config, capacity: capacity, threads: threads, encoderPack: nil, decoderPack: nil)
    }

    /// With packs shared between objectives (`DataParallelObjective`), which the caller keeps
    /// current (`PackedWeights.refresh`) before objectives on other threads read them.
    init(config: CVAEConfig, capacity: Int, threads: Int, encoderPack: PackedWeights<dk_encoder_pack>?,
         decoderPack: PackedWeights<dk_decoder_pack>?) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = ParallelLinear(threads: threads)
        self.encoder = EncoderPass(config: config, capacity: self.capacity, linear: linear, packed: encoderPack)
        self.decoder = DecoderPass(config: config, capacity: self.capacity, linear: linear, packed: decoderPack)
        self.decoderKernel = DecoderKernel.forced ?? DecoderKernel.training
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
        for v in 0..<256 { pixelTable[v] = Float(v) / 255 }
        buffers = all
        partSums = .allocate(capacity: linear.threads)
        partSums.initialize(repeating: 0, count: linear.threads)
    }

    deinit {
        for p in buffers { p.deallocate() }
        partSums.deallocate()
    }

    /// `store`'s typed views (the store must have this objective's CVAE layout).
    func weights(_ store: ParameterStore) -> CVAEWeights {
        if let hit = viewCache.first(where: { $0.store === store }) { return hit.weights }
        let w = CVAEWeights(store, config: config)
        if viewCache.count >= 4 { viewCache.removeFirst() }
        viewCache.append((store, w))
        return w
    }

    // MARK: - Input

    /// Sets row `row` of the batch from uint8 pixels (0-255) and a label.
    @inline(__always)
    public func setExample(row: Int, pixels: UnsafePointer<UInt8>, label: Int) {
        let stride = config.pixels + config.classes
        let dst = encoderInput + row * stride
        dk_unit_pixels(pixelKernel, pixels, config.pixels, dst)
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
        let c = config, w = weights(p)
        let xin = c.pixels + c.classes, zin = c.latent + c.classes
        encoder.forward(w, store: p, input: encoderInput, count: n, hidden: h1, mean: mean, logvar: logvar)
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

        decoder.forward(w, store: p, input: decoderInput, count: n, hidden: h3, out: logits,
                        sigmoid: false, kernel: decoderKernel)
        // Rows split over the threads; per-part sums added in part order.
        let parts = n >= 64 ? linear.threads : 1
        let sums = partSums
        let input = encoderInput, out = logits
        Parallel.forEachPart(parts) { part in
            let r = ParallelLinear.range(part: part, parts: parts, of: n)
            sums[part] = r.isEmpty ? 0 : BinaryCrossEntropy.rows(
                logits: out + r.lowerBound * c.pixels, targets: input + r.lowerBound * xin, targetStride: xin,
                rows: r.count, count: c.pixels, gradient: gradient ? out + r.lowerBound * c.pixels : nil)
        }
        var bce: Double = 0
        for part in 0..<parts { bce += sums[part] }
        return LossParts(bce: bce, kl: kl)
    }

    // MARK: - Forward and backward

    /// Loss of the first `count` rows and its gradient with respect to every parameter,
    /// accumulated into `gradients` (same layout as `parameters`; the caller zeroes it).
    /// The gradient is that of BCE + klWeight * KL; the returned parts are unweighted.
    /// With `decoderGradients` false the decoder's (fc3, fc4) entries of `gradients` are left
    /// untouched (a frozen decoder); the encoder's are the same as with them.
    public func lossAndGradient(parameters p: ParameterStore, gradients g: ParameterStore, count n: Int,
                                klWeight: Float = 1, noise: UnsafePointer<Float>? = nil,
                                decoderGradients: Bool = true, rng: inout Xoshiro256) -> LossParts {
        let c = config, w = weights(p), gw = weights(g)
        let zin = c.latent + c.classes
        let parts = forward(parameters: p, count: n, noise: noise, rng: &rng, gradient: true)

        // Decoder: logits already hold dLoss/dlogits = sigmoid(logits) - x.
        let d = decoderGradients
        linear.backward(dout: logits, x: h3, batch: n, inFeatures: c.hidden, outFeatures: c.pixels,
                        weight: w.fc4.weight, dWeight: d ? gw.fc4.weight : nil, dBias: d ? gw.fc4.bias : nil, dx: dh3)
        VectorMath.reluBackward(dh3, output: h3, count: n * c.hidden)
        linear.backward(dout: dh3, x: decoderInput, batch: n, inFeatures: zin, outFeatures: c.hidden,
                        weight: w.fc3.weight, dWeight: d ? gw.fc3.weight : nil, dBias: d ? gw.fc3.bias : nil,
                        dx: dDecoderInput)

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
        encoder.backwardHeads(dMean: dMean, dLogvar: dLogvar, hidden: h1, count: n, gradient: gw, dHidden: dh1)
        VectorMath.reluBackward(dh1, output: h1, count: n * c.hidden)
        // The input is data: no dx for fc1.
        encoder.backwardFC1(dHidden: dh1, input: encoderInput, count: n, gradient: gw)
        g.markChanged()
        return parts
    }
}
