import Foundation

/// A conditional VAE (Kingma et al. 2014, "Semi-supervised learning with deep generative
/// models"; Sohn et al. 2015) in the seed's architecture, see `CVAEConfig`.
///
/// Inference only: `encode`, `decode`, `sample`. Batched through sgemm with workspaces that
/// are reused between calls. Safe to call from any thread: calls are serialised by a lock,
/// so a background queue can decode while another thread reads `config` or `prior`.
public final class CVAE: @unchecked Sendable {
    public let config: CVAEConfig
    public let parameters: ParameterStore
    public let prior: LatentPrior?
    /// Named directions (slant, thickness, ...) stored with the weights, if fitted.
    public let directions: LatentDirections?
    /// Free-form metadata from the weights file (`__metadata__`).
    public let metadata: [String: String]

    private let lock = NSLock()
    private var workspace = InferenceWorkspace()

    /// Largest batch processed at once; larger requests are split into chunks of this size.
    static let chunk = 256
    /// Batches up to this size (the app's clicks and slider drags) decode fc4 as one axpy per
    /// active hidden unit: after the ReLU about half of them are zero, and for a few rows this
    /// beats sgemm, which packs the whole 784 x 400 weight matrix on every call.
    static let sparseBatchLimit = 16
    /// fc4.weight transposed to (H, P), built on the first small-batch decode.
    private var fc4Transposed: UnsafeMutablePointer<Float>?

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
        self.config = config
        self.parameters = parameters
        self.prior = prior
        self.directions = directions
        self.metadata = metadata
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
    /// probabilities in [0, 1] (count x pixels). No allocation once the workspace has grown.
    public func decode(z: UnsafePointer<Float>, labels: UnsafePointer<Int>, count: Int,
                       into out: UnsafeMutablePointer<Float>) {
        // x = [z | one_hot(y)]          (b, L + C)
        decode(z: z, count: count, into: out) { start, b, x in
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
                    decode(z: zp.baseAddress!, count: count, into: op.baseAddress!) { start, b, x in
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

    /// The decoder proper; `fillInput(start, b, x)` writes the b rows of fc3's input for the
    /// chunk starting at image `start`.
    private func decode(z: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>,
                        fillInput: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        lock.lock(); defer { lock.unlock() }
        let c = config
        var start = 0
        while start < count {
            let b = min(CVAE.chunk, count - start)
            workspace.reserve(batch: b, config: c)
            let xin = c.latent + c.classes
            let x = workspace.decoderInput, h = workspace.hidden
            fillInput(start, b, x)
            // h = relu(x fc3^T + b3)         (b, H)
            Linear.forward(x: x, batch: b, inFeatures: xin, outFeatures: c.hidden,
                           weight: parameters.pointer("fc3.weight"), bias: parameters.pointer("fc3.bias"), out: h)
            Activation.relu(h, count: b * c.hidden)
            // out = sigmoid(h fc4^T + b4)    (b, P)
            let o = out + start * c.pixels
            if b <= CVAE.sparseBatchLimit {
                Linear.forwardSparseInput(x: h, batch: b, inFeatures: c.hidden, outFeatures: c.pixels,
                                          weightTransposed: transposedFC4(), bias: parameters.pointer("fc4.bias"),
                                          out: o)
            } else {
                Linear.forward(x: h, batch: b, inFeatures: c.hidden, outFeatures: c.pixels,
                               weight: parameters.pointer("fc4.weight"), bias: parameters.pointer("fc4.bias"), out: o)
            }
            Activation.sigmoid(o, count: b * c.pixels)
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

    /// The cached transpose of fc4.weight; callers hold `lock`.
    private func transposedFC4() -> UnsafePointer<Float> {
        if let t = fc4Transposed { return UnsafePointer(t) }
        let c = config, w = parameters.pointer("fc4.weight")
        let t = UnsafeMutablePointer<Float>.allocate(capacity: c.hidden * c.pixels)
        for p in 0..<c.pixels { for h in 0..<c.hidden { t[h * c.pixels + p] = w[p * c.hidden + h] } }
        fc4Transposed = t
        return UnsafePointer(t)
    }

    /// Must be called after changing `parameters` in place (training does), so that cached
    /// derived weights are rebuilt.
    public func parametersDidChange() {
        lock.lock(); defer { lock.unlock() }
        fc4Transposed?.deallocate()
        fc4Transposed = nil
    }

    deinit { fc4Transposed?.deallocate() }

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
        let c = config
        var start = 0
        while start < count {
            let b = min(CVAE.chunk, count - start)
            workspace.reserve(batch: b, config: c)
            let xin = c.pixels + c.classes
            let x = workspace.encoderInput, h = workspace.hidden
            // x = [image | one_hot(y)]      (b, P + C)
            CVAE.concatOneHot(images + start * c.pixels, width: c.pixels, labels: labels + start, classes: c.classes,
                              count: b, into: x)
            Linear.forward(x: x, batch: b, inFeatures: xin, outFeatures: c.hidden,
                           weight: parameters.pointer("fc1.weight"), bias: parameters.pointer("fc1.bias"), out: h)
            Activation.relu(h, count: b * c.hidden)
            Linear.forward(x: h, batch: b, inFeatures: c.hidden, outFeatures: c.latent,
                           weight: parameters.pointer("fc21.weight"), bias: parameters.pointer("fc21.bias"),
                           out: mean + start * c.latent)
            Linear.forward(x: h, batch: b, inFeatures: c.hidden, outFeatures: c.latent,
                           weight: parameters.pointer("fc22.weight"), bias: parameters.pointer("fc22.bias"),
                           out: logvar + start * c.latent)
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

/// Buffers reused by `CVAE`'s inference; they only grow.
struct InferenceWorkspace {
    var capacity = 0
    var encoderInput = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var decoderInput = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    var hidden = UnsafeMutablePointer<Float>.allocate(capacity: 1)

    mutating func reserve(batch: Int, config c: CVAEConfig) {
        guard batch > capacity else { return }
        encoderInput.deallocate(); decoderInput.deallocate(); hidden.deallocate()
        encoderInput = .allocate(capacity: batch * (c.pixels + c.classes))
        decoderInput = .allocate(capacity: batch * (c.latent + c.classes))
        hidden = .allocate(capacity: batch * c.hidden)
        capacity = batch
    }
}
