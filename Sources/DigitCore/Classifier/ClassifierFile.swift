/// The classifier in a safetensors file, either
///
/// - a CNN: `cnn.conv1.weight` [C1, 3, 3, 1], `cnn.conv1.bias` [C1], ..., `cnn.fc1.weight`
///   [H1, S'*S'*CL], ..., `cnn.fcN.weight` [C, H(N-1)], `cnn.fcN.bias` [C], and
///   `__metadata__["architecture"]` = "cnn-relu SxS-cC1-...-H1-...-C" (the shipped one), or
/// - an MLP (the first classifier's format): `mlp.fc1.weight` [H1, P], `mlp.fc1.bias` [H1], ...,
///   `mlp.fcN.weight` [C, H(N-1)], `mlp.fcN.bias` [C], and "mlp-relu P-H1-...-C".
///
/// Sizes are read from the shapes and checked against the tag; the tensors against the layout
/// (`ClassifierConfig.tensorSpecs`) the sizes give.
public enum ClassifierFile {
    /// - batch: images per forward pass (see `Classifier.init`; nil: the default).
    public static func load(path: String, batch: Int? = nil) throws -> Classifier {
        try load(bytes: FileBytes.read(path: path), path: path, batch: batch)
    }

    /// The classifier in a safetensors file's bytes; `path` names it in errors.
    public static func load(bytes: [UInt8], path: String, batch: Int? = nil) throws -> Classifier {
        let (tensors, metadata) = try SafeTensors.parse(bytes, path: path)
        guard let tag = metadata["architecture"] else {
            // CVAE weights are the other safetensors file users hold; name them.
            let cvae = tensors["fc1.weight"] != nil && tensors["fc4.weight"] != nil
            throw ClassifierError.notAClassifier(
                path: path, reason: cvae ? "it holds CVAE weights, which go to --weights (its metadata has no \"architecture\" entry)"
                    : "its metadata has no \"architecture\" entry")
        }
        let config: ClassifierConfig
        if tag.hasPrefix(ClassifierConfig.cnnArchitectureTag + " ") {
            config = try cnnConfig(tensors, tag: tag, path: path)
        } else if tag.hasPrefix(ClassifierConfig.architectureTag + " ") {
            config = try mlpConfig(tensors, tag: tag, path: path)
        } else {
            throw ClassifierError.notAClassifier(
                path: path, reason: "architecture \"\(tag)\" is neither \(ClassifierConfig.cnnArchitectureTag) nor \(ClassifierConfig.architectureTag)")
        }
        try checkSize(config, path: path)
        guard tag == config.architecture else {
            throw ClassifierError.notAClassifier(path: path, reason: "architecture \"\(tag)\" does not match its tensors (\(config.architecture))")
        }
        let specs = config.tensorSpecs
        guard ParameterStore.checkedCount(specs) != nil else {
            throw ClassifierError.notAClassifier(path: path, reason: "its parameter count overflows")
        }
        var values: [(name: String, values: [Float])] = []
        for (name, shape) in specs {
            guard let t = tensors[name] else { throw ClassifierError.missingTensor(path: path, name: name) }
            guard t.shape == shape else { throw ClassifierError.wrongShape(path: path, name: name, shape: t.shape, expected: shape) }
            guard t.values.allSatisfy(\.isFinite) else { throw ClassifierError.nonFinite(path: path, name: name) }
            values.append((name, t.values))
        }
        let store = ParameterStore(specs: specs)
        for (name, v) in values { store.set(name, v) }
        return try Classifier(config: config, parameters: store, metadata: metadata, batch: batch)
    }

    /// Fully connected layer sizes from the weight shapes: fc1 [H1, I], fc2 [H2, H1], ...
    private static func fcWidths(_ tensors: [String: Tensor], name: (Int) -> String, path: String) throws -> [Int] {
        var widths: [Int] = []
        var layer = 0
        while let w = tensors[name(layer)] {
            guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0 else {
                throw ClassifierError.wrongShape(path: path, name: name(layer),
                                                 shape: w.shape, expected: [max(1, w.shape.first ?? 1), widths.last ?? 1])
            }
            if widths.isEmpty { widths.append(w.shape[1]) }
            widths.append(w.shape[0])
            layer += 1
            guard layer <= ClassifierConfig.maxLayers else {
                throw ClassifierError.notAClassifier(path: path, reason: "it has more than \(ClassifierConfig.maxLayers) layers")
            }
        }
        guard widths.count >= 2 else { throw ClassifierError.missingTensor(path: path, name: name(0)) }
        if let wide = widths.first(where: { $0 > ClassifierConfig.maxWidth }) {
            throw ClassifierError.notAClassifier(
                path: path, reason: "a layer of width \(wide) is above the limit of \(ClassifierConfig.maxWidth)")
        }
        return widths
    }

    /// Floats the network allocates per row of its batch (activations, im2col matrices and
    /// gradients), at most: the shipped CNN needs about 201,000 and the MLP about 2,600; a
    /// crafted file whose sizes each pass their own limits could still ask for terabytes in
    /// the 500-row workspaces built at load.
    static let maxFloatsPerRow = 1 << 20

    /// Refuses, before anything is allocated, a configuration whose workspaces exceed
    /// `maxFloatsPerRow`. Each size is already bounded (side 4096, 64 layers of at most 2^16),
    /// so these sums cannot overflow.
    private static func checkSize(_ config: ClassifierConfig, path: String) throws {
        var total = 0
        for s in config.stages {
            total += s.side * s.side * (s.patch + s.outChannels) + 3 * s.pooledSide * s.pooledSide * s.outChannels
        }
        total += config.widths.reduce(0, +) + 2 * (config.widths.max() ?? 0)
        guard total <= maxFloatsPerRow else {
            throw ClassifierError.notAClassifier(
                path: path, reason: "its layers would need \(total) floats per image, more than the limit of \(maxFloatsPerRow)")
        }
    }

    /// "mlp-relu P-H1-...-C": sizes from mlp.fc1.weight [H1, P], mlp.fc2.weight [H2, H1], ...
    private static func mlpConfig(_ tensors: [String: Tensor], tag: String, path: String) throws -> ClassifierConfig {
        let widths = try fcWidths(tensors, name: ClassifierConfig.weightName, path: path)
        return ClassifierConfig(inputs: widths[0], hidden: Array(widths[1..<widths.count - 1]), classes: widths[widths.count - 1])
    }

    /// "cnn-relu SxS-cC1-...-H1-...-C": the image side from the tag, channels from
    /// cnn.conv1.weight [C1, 3, 3, 1], cnn.conv2.weight [C2, 3, 3, C1], ..., the rest from the
    /// fully connected layers' shapes.
    private static func cnnConfig(_ tensors: [String: Tensor], tag: String, path: String) throws -> ClassifierConfig {
        let body = tag.dropFirst(ClassifierConfig.cnnArchitectureTag.count + 1)
        let sideText = body.prefix { $0 != "x" }
        guard let side = Int(sideText), (1...4096).contains(side) else {
            throw ClassifierError.notAClassifier(path: path, reason: "architecture \"\(tag)\" does not start with the image size (e.g. 28x28)")
        }
        let k = ClassifierConfig.kernel
        var channels: [Int] = []
        while let w = tensors[ClassifierConfig.convWeightName(channels.count)] {
            guard channels.count < ClassifierConfig.maxLayers else {
                throw ClassifierError.notAClassifier(path: path, reason: "it has more than \(ClassifierConfig.maxLayers) convolution layers")
            }
            guard (w.shape.first ?? 0) <= ClassifierConfig.maxWidth else {
                throw ClassifierError.notAClassifier(
                    path: path, reason: "a convolution of \(w.shape[0]) channels is above the limit of \(ClassifierConfig.maxWidth)")
            }
            let expected = [max(1, w.shape.first ?? 1), k, k, channels.last ?? 1]
            guard w.shape.count == 4, w.shape[0] > 0, w.shape == expected else {
                throw ClassifierError.wrongShape(path: path, name: ClassifierConfig.convWeightName(channels.count),
                                                 shape: w.shape, expected: expected)
            }
            channels.append(w.shape[0])
        }
        guard !channels.isEmpty else { throw ClassifierError.missingTensor(path: path, name: ClassifierConfig.convWeightName(0)) }
        let widths = try fcWidths(tensors, name: ClassifierConfig.cnnWeightName, path: path)
        return ClassifierConfig(inputs: side * side, hidden: Array(widths[1..<widths.count - 1]),
                                classes: widths[widths.count - 1], channels: channels)
    }

    /// Writes the classifier as F32 safetensors, atomically; `metadata` is merged over the
    /// classifier's own, and the architecture tag is always set from the config.
    public static func save(_ classifier: Classifier, to path: String, metadata: [String: String]) throws {
        if let name = classifier.parameters.firstNonFiniteTensor() {
            throw ClassifierError.nonFinite(path: path, name: name)
        }
        var merged = classifier.metadata.merging(metadata) { _, given in given }
        merged["architecture"] = classifier.config.architecture
        let list: [(name: String, tensor: Tensor)] = classifier.config.tensorSpecs.map { spec in
            (spec.name, Tensor(shape: spec.shape, values: classifier.parameters.values(spec.name)))
        }
        try SafeTensors.write(list, metadata: merged, to: path)
    }
}
