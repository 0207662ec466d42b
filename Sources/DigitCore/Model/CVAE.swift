import Foundation

/// A conditional VAE (Kingma et al. 2014, "Semi-supervised learning with deep generative
/// models"; Sohn et al. 2015) in the seed's architecture, see `CVAEConfig`.
///
/// Inference: `encode`, `decode`, `sample`, on the one encoder and decoder forward pass that
/// training and evaluation use too (`EncoderPass`, `DecoderPass`, over typed weight views
/// resolved once). Buffers are reused between calls and freed with the model. Safe to call
/// from any thread: calls are serialised by a lock, so a background queue can decode while
/// another thread reads `config` or `prior`.
public final class CVAE: @unchecked Sendable {
    public let config: CVAEConfig
    public let parameters: ParameterStore
    public let prior: LatentPrior?
    /// Named directions (slant, thickness, ...) stored with the weights, if fitted.
    public let directions: LatentDirections?
    /// Free-form metadata from the weights file (`__metadata__`).
    public let metadata: [String: String]
    /// The temperature `generate` and the app use when none is given: the metadata's
    /// `default_temperature` (chosen by `digitgen eval --temperatures ... --record`), else 1.
    public let defaultTemperature: Float

    /// The layers as typed views into `parameters`.
    public let weights: CVAEWeights

    private let lock = NSLock()
    private var passes: InferencePasses?

    /// Largest batch processed at once; larger requests are split into chunks of this size.
    static let chunk = 256

    /// Threads for inference (rows of large batches are split over them; see `DecoderPass`).
    /// Default: 2, or 1 on a one-core machine.
    public var threads: Int {
        get { lock.lock(); defer { lock.unlock() }; return _threads }
        set { lock.lock(); defer { lock.unlock() }; _threads = max(1, newValue); passes = nil }
    }
    private var _threads = min(2, ProcessInfo.processInfo.activeProcessorCount)

    /// The decoder path: nil (the default) takes `DIGITGEN_KERNEL` when set, else the
    /// automatic choice (`DecoderKernel.automatic(rows:)`). Tests set it to run each path.
    public var kernel: DecoderKernel? {
        get { lock.lock(); defer { lock.unlock() }; return _kernel }
        set { lock.lock(); defer { lock.unlock() }; _kernel = newValue }
    }
    private var _kernel: DecoderKernel?

    /// The path a decode of `rows` rows takes.
    public func kernel(forRows rows: Int) -> DecoderKernel {
        kernel ?? DecoderKernel.forced ?? DecoderKernel.automatic(rows: rows)
    }

    public init(config: CVAEConfig, parameters: ParameterStore,
                prior: LatentPrior? = nil, directions: LatentDirections? = nil,
                metadata: [String: String] = [:]) throws {
        let expected = config.tensorSpecs
        guard parameters.views.count == expected.count,
              zip(parameters.views, expected).allSatisfy({ $0.name == $1.name && $0.shape == $1.shape })
        else { throw ModelError.inconsistentShapes("parameter layout does not match \(config)") }
        if let prior, prior.latent != config.latent || prior.classes != config.classes {
            throw ModelError.inconsistentShapes(
                "prior is for latent \(prior.latent) x \(prior.classes) classes, model has \(config.latent) x \(config.classes)")
        }
        if let directions, directions.latent != config.latent || directions.classes != config.classes {
            throw ModelError.inconsistentShapes(
                "directions are for latent \(directions.latent) x \(directions.classes) classes, model has \(config.latent) x \(config.classes)")
        }
        self.defaultTemperature = try CVAE.defaultTemperature(in: metadata)
        self.config = config
        self.parameters = parameters
        self.weights = CVAEWeights(parameters, config: config)
        self.prior = prior
        self.directions = directions
        self.metadata = metadata
    }

    /// The passes and their buffers, built on first use; callers hold `lock`.
    private func inferencePasses() -> InferencePasses {
        if let passes { return passes }
        let p = InferencePasses(config: config, capacity: CVAE.chunk, threads: _threads)
        passes = p
        return p
    }

    /// A freshly initialised model, as PyTorch's nn.Linear does it:
    /// weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    public convenience init(config: CVAEConfig, seed: UInt64) {
        let store = ParameterStore(specs: config.tensorSpecs)
        var rng = Xoshiro256(seed: seed)
        store.initializeLinearUniform(rng: &rng)
        // The layout comes from the same config, so this cannot fail.
        try! self.init(config: config, parameters: store)
    }

    /// A copy of this model with another prior (or none).
    public func with(prior: LatentPrior?, metadata: [String: String]? = nil) throws -> CVAE {
        try CVAE(config: config, parameters: ParameterStore(copying: parameters),
                 prior: prior, directions: directions, metadata: metadata ?? self.metadata)
    }

    /// A copy of this model with other named directions (or none).
    public func with(directions: LatentDirections?, metadata: [String: String]? = nil) throws -> CVAE {
        try CVAE(config: config, parameters: ParameterStore(copying: parameters),
                 prior: prior, directions: directions, metadata: metadata ?? self.metadata)
    }

    // MARK: - Decoder

    /// Decodes `count` latent vectors (count x L, row-major) with their labels into pixel
    /// probabilities in [0, 1] (count x pixels). No allocation after the first call.
    public func decode(z: UnsafePointer<Float>, labels: UnsafePointer<Int>, count: Int,
                       into out: UnsafeMutablePointer<Float>) {
        // x = [z | one_hot(y)]          (b, L + C)
        decode(count: count, into: out) { start, b, x in
            CVAE.concatOneHot(z + start * self.config.latent, width: self.config.latent, labels: labels + start,
                              classes: self.config.classes, count: b, into: x)
        }
    }

    /// Decodes with a condition vector per image (count x C) instead of a label: a one-hot
    /// row gives the same pixels as its label; a blend of two one-hot rows is how a morph
    /// passes from one digit to another.
    public func decode(z: [Float], conditions: [Float]) throws -> [Float] {
        let c = config
        guard !conditions.isEmpty, conditions.count % c.classes == 0 else {
            throw ModelError.inconsistentShapes("\(conditions.count) condition values are not rows of \(c.classes)")
        }
        let count = conditions.count / c.classes
        guard z.count == count * c.latent else { throw ModelError.latentSizeMismatch(expected: c.latent, got: z.count / count) }
        guard z.allSatisfy(\.isFinite), conditions.allSatisfy(\.isFinite) else { throw ModelError.nonFiniteLatent }
        var out = [Float](repeating: 0, count: count * c.pixels)
        z.withUnsafeBufferPointer { zp in
            conditions.withUnsafeBufferPointer { cp in
                out.withUnsafeMutableBufferPointer { op in
                    // x = [z | condition]       (b, L + C)
                    decode(count: count, into: op.baseAddress!) { start, b, x in
                        for i in 0..<b {
                            let row = x + i * (c.latent + c.classes)
                            row.update(from: zp.baseAddress! + (start + i) * c.latent, count: c.latent)
                            (row + c.latent).update(from: cp.baseAddress! + (start + i) * c.classes, count: c.classes)
                        }
                    }
                }
            }
        }
        return out
    }

    /// The decoder over chunks; `fillInput(start, b, x)` writes the b rows of fc3's input
    /// for the chunk starting at image `start`.
    private func decode(count: Int, into out: UnsafeMutablePointer<Float>,
                        fillInput: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        lock.lock(); defer { lock.unlock() }
        let c = config, ps = inferencePasses()
        let kernel = _kernel ?? DecoderKernel.forced ?? DecoderKernel.automatic(rows: count)
        var start = 0
        while start < count {
            let b = min(CVAE.chunk, count - start)
            fillInput(start, b, ps.decoderInput)
            // out = sigmoid(relu(x fc3^T + b3) fc4^T + b4)    (b, P)
            ps.decoder.forward(weights, store: parameters, input: ps.decoderInput, count: b, hidden: nil,
                               out: out + start * c.pixels, sigmoid: true, kernel: kernel)
            start += b
        }
    }

    /// Array convenience for `decode(z:labels:count:into:)`. Validates its inputs.
    public func decode(z: [Float], labels: [Int]) throws -> [Float] {
        try validate(labels: labels)
        guard z.count == labels.count * config.latent else {
            throw ModelError.latentSizeMismatch(expected: config.latent,
                                                got: labels.isEmpty ? z.count : z.count / labels.count)
        }
        guard z.allSatisfy(\.isFinite) else { throw ModelError.nonFiniteLatent }
        var out = [Float](repeating: 0, count: labels.count * config.pixels)
        z.withUnsafeBufferPointer { zp in
            labels.withUnsafeBufferPointer { lp in
                out.withUnsafeMutableBufferPointer { op in
                    decode(z: zp.baseAddress!, labels: lp.baseAddress!, count: labels.count, into: op.baseAddress!)
                }
            }
        }
        return out
    }

    /// x (count, width + classes) = [rows of `values` | one_hot(labels)], the input of fc1 and fc3.
    @inline(__always)
    static func concatOneHot(_ values: UnsafePointer<Float>, width: Int, labels: UnsafePointer<Int>, classes: Int,
                             count: Int, into x: UnsafeMutablePointer<Float>) {
        let stride = width + classes
        for i in 0..<count {
            let row = x + i * stride
            row.update(from: values + i * width, count: width)
            (row + width).update(repeating: 0, count: classes)
            row[width + labels[i]] = 1
        }
    }

    // MARK: - Encoder

    /// Encodes images (count x pixels, values in [0, 1]) with their labels into the
    /// posterior's mean and log-variance (each count x L).
    public func encode(images: UnsafePointer<Float>, labels: UnsafePointer<Int>, count: Int,
                       mean: UnsafeMutablePointer<Float>, logvar: UnsafeMutablePointer<Float>) {
        lock.lock(); defer { lock.unlock() }
        let c = config, ps = inferencePasses()
        var start = 0
        while start < count {
            let b = min(CVAE.chunk, count - start)
            // x = [image | one_hot(y)]      (b, P + C)
            CVAE.concatOneHot(images + start * c.pixels, width: c.pixels, labels: labels + start, classes: c.classes,
                              count: b, into: ps.encoderInput)
            ps.encoder.forward(weights, store: parameters, input: ps.encoderInput, count: b, hidden: ps.hidden,
                               mean: mean + start * c.latent, logvar: logvar + start * c.latent)
            start += b
        }
    }

    public func encode(images: [Float], labels: [Int]) throws -> (mean: [Float], logvar: [Float]) {
        try validate(labels: labels)
        guard images.count == labels.count * config.pixels else {
            throw ModelError.inconsistentShapes(
                "\(images.count) pixel values for \(labels.count) images of \(config.pixels) pixels")
        }
        var mean = [Float](repeating: 0, count: labels.count * config.latent)
        var logvar = mean
        images.withUnsafeBufferPointer { ip in
            labels.withUnsafeBufferPointer { lp in
                mean.withUnsafeMutableBufferPointer { mp in
                    logvar.withUnsafeMutableBufferPointer { vp in
                        encode(images: ip.baseAddress!, labels: lp.baseAddress!, count: labels.count,
                               mean: mp.baseAddress!, logvar: vp.baseAddress!)
                    }
                }
            }
        }
        return (mean, logvar)
    }

    // MARK: - Sampling

    /// Whether `choice` will use a fitted prior with these weights.
    public func usesFittedPrior(_ choice: PriorChoice) -> Bool { choice == .fitted && prior != nil }

    /// Draws `count` latent vectors for `digit` into `out` (count x L):
    /// z = temperature * eps with the standard prior, or the fitted prior's mixture.
    public func sampleLatents(digit: Int, count: Int, temperature: Float, prior choice: PriorChoice = .fitted,
                              rng: inout Xoshiro256, into out: UnsafeMutablePointer<Float>) {
        if choice == .fitted, let prior {
            prior.sample(digit: digit, count: count, temperature: temperature, rng: &rng, into: out)
        } else {
            rng.fillGaussian(out, count: count * config.latent)
            if temperature != 1 {
                for i in 0..<(count * config.latent) { out[i] *= temperature }
            }
        }
    }

    public func sampleLatents(digit: Int, count: Int, seed: UInt64, temperature: Float = 1,
                              prior choice: PriorChoice = .fitted) throws -> [Float] {
        try validate(digit: digit, count: count, temperature: temperature)
        var rng = Xoshiro256(seed: seed)
        return [Float](unsafeUninitializedCapacity: count * config.latent) { buf, n in
            sampleLatents(digit: digit, count: count, temperature: temperature, prior: choice,
                          rng: &rng, into: buf.baseAddress!)
            n = count * config.latent
        }
    }

    /// `count` images of `digit` (count x pixels in [0, 1]); the same seed gives the same images.
    public func sample(digit: Int, count: Int, seed: UInt64, temperature: Float = 1,
                       prior choice: PriorChoice = .fitted) throws -> [Float] {
        let z = try sampleLatents(digit: digit, count: count, seed: seed, temperature: temperature, prior: choice)
        return try decode(z: z, labels: [Int](repeating: digit, count: count))
    }

    // MARK: - Validation

    public func validate(digit: Int, count: Int, temperature: Float) throws {
        guard (0..<config.classes).contains(digit) else { throw ModelError.invalidDigit(digit) }
        guard (1...10_000).contains(count) else { throw ModelError.invalidCount(count) }
        guard temperature.isFinite, temperature >= 0 else { throw ModelError.invalidTemperature(temperature) }
    }

    func validate(labels: [Int]) throws {
        for l in labels where !(0..<config.classes).contains(l) { throw ModelError.invalidDigit(l) }
    }
}

/// `CVAE`'s inference passes and their input buffers, for up to `capacity` rows; freed with it.
final class InferencePasses {
    let encoder: EncoderPass
    let decoder: DecoderPass
    let encoderInput: UnsafeMutablePointer<Float>   // (capacity, P + C)
    let decoderInput: UnsafeMutablePointer<Float>   // (capacity, L + C)
    let hidden: UnsafeMutablePointer<Float>         // (capacity, H)

    init(config c: CVAEConfig, capacity: Int, threads: Int) {
        let linear = ParallelLinear(threads: threads)
        encoder = EncoderPass(config: c, capacity: capacity, linear: linear)
        decoder = DecoderPass(config: c, capacity: capacity, linear: linear)
        encoderInput = .allocate(capacity: capacity * (c.pixels + c.classes))
        decoderInput = .allocate(capacity: capacity * (c.latent + c.classes))
        hidden = .allocate(capacity: capacity * c.hidden)
    }

    deinit {
        encoderInput.deallocate(); decoderInput.deallocate(); hidden.deallocate()
    }
}
