import Foundation

/// The evaluation classifier: a measuring instrument that says which digit an image shows.
/// Trained on MNIST by `ClassifierTrainer`, stored by `ClassifierFile`.
///
/// Thread-safe: calls are serialised by a lock (one workspace).
public final class Classifier: @unchecked Sendable {
    public let config: ClassifierConfig
    public let parameters: ParameterStore
    public let metadata: [String: String]

    private let lock = NSLock()
    private let network: ClassifierNetwork
    /// Images per forward pass: the CNN's im2col buffers grow with it (100 images: 23 MB).
    let chunk: Int

    /// - batch: images per forward pass (nil: 100 for the CNN, 500 for the MLP, for throughput);
    ///   an app that names one drawing at a time passes 1 and keeps the buffers small.
    public init(config: ClassifierConfig, parameters: ParameterStore, metadata: [String: String] = [:],
                batch: Int? = nil) throws {
        let expected = config.tensorSpecs
        guard parameters.views.count == expected.count,
              zip(parameters.views, expected).allSatisfy({ $0.name == $1.name && $0.shape == $1.shape })
        else { throw ModelError.inconsistentShapes("classifier parameters do not match \(config.architecture)") }
        self.config = config
        self.parameters = parameters
        self.metadata = metadata
        self.chunk = batch.map { max(1, $0) } ?? (config.isConvolutional ? 100 : 500)
        self.network = ClassifierNetwork(config: config, capacity: chunk, threads: 1)
    }

    /// A freshly initialised classifier: nn.Linear's and nn.Conv2d's default initialisation,
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases alike, fan_in being a weight's
    /// inputs per output (in * 3 * 3 for a convolution).
    public convenience init(config: ClassifierConfig, seed: UInt64) {
        let store = ParameterStore(specs: config.tensorSpecs)
        var rng = Xoshiro256(seed: seed)
        var fanIn = 1
        for v in store.views {
            if v.shape.count >= 2 { fanIn = v.shape.dropFirst().reduce(1, *) }
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<v.count { store.data[v.offset + i] = Float(rng.nextDouble() * 2 - 1) * bound }
        }
        // The layout comes from the same config, so this cannot fail.
        try! self.init(config: config, parameters: store)
    }

    /// Logits (count x classes) for images (count x inputs, values in [0, 1]).
    public func logits(images: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        lock.lock(); defer { lock.unlock() }
        let n = network, c = config
        var start = 0
        while start < count {
            let b = min(chunk, count - start)
            n.input.update(from: images + start * c.inputs, count: b * c.inputs)
            n.forward(parameters: parameters, count: b)
            (out + start * c.classes).update(from: n.logits, count: b * c.classes)
            start += b
        }
    }

    /// Class probabilities (count x classes) for images (count x inputs, values in [0, 1]).
    public func probabilities(images: [Float]) throws -> [Float] {
        let count = try checkedCount(images)
        var out = [Float](repeating: 0, count: count * config.classes)
        images.withUnsafeBufferPointer { ip in
            out.withUnsafeMutableBufferPointer { op in
                guard let i = ip.baseAddress, let o = op.baseAddress else { return }
                logits(images: i, count: count, into: o)
            }
        }
        for r in 0..<count {
            let row = r * config.classes
            let top = out[row..<row + config.classes].max() ?? 0
            var s: Float = 0
            for k in 0..<config.classes { out[row + k] = (out[row + k] - top).exp; s += out[row + k] }
            for k in 0..<config.classes { out[row + k] /= s }
        }
        return out
    }

    /// The most likely class of each image.
    public func predict(images: [Float]) throws -> [Int] {
        let p = try probabilities(images: images)
        return (0..<p.count / config.classes).map { r in
            let row = p[r * config.classes..<(r + 1) * config.classes]
            return (row.indices.max { row[$0] < row[$1] } ?? row.startIndex) - r * config.classes
        }
    }

    /// Share of `data` classified as labelled (uint8 images converted as value / 255).
    public func accuracy(on data: LabeledImages) throws -> Double {
        guard data.pixelsPerImage == config.inputs else {
            throw ClassifierError.invalidInput("images have \(data.pixelsPerImage) pixels, the classifier expects \(config.inputs)")
        }
        var correct = 0
        var start = 0
        while start < data.count {
            let n = min(chunk * 4, data.count - start)
            let images = data.pixels[start * config.inputs..<(start + n) * config.inputs].map { Float($0) / 255 }
            let predicted = try predict(images: images)
            for r in 0..<n where predicted[r] == Int(data.labels[start + r]) { correct += 1 }
            start += n
        }
        return Double(correct) / Double(data.count)
    }

    private func checkedCount(_ images: [Float]) throws -> Int {
        guard images.count % config.inputs == 0 else {
            throw ClassifierError.invalidInput("\(images.count) values are not a whole number of \(config.inputs)-pixel images")
        }
        return images.count / config.inputs
    }
}
