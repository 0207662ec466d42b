/// The classifier in a safetensors file: `mlp.fc1.weight` [H1, P], `mlp.fc1.bias` [H1], ...,
/// `mlp.fcN.weight` [C, H(N-1)], `mlp.fcN.bias` [C], and `__metadata__["architecture"]` =
/// "mlp-relu P-H1-...-C". Sizes are read from the shapes and checked against the tag.
public enum ClassifierFile {
    public static func load(path: String) throws -> Classifier {
        try load(bytes: FileBytes.read(path: path), path: path)
    }

    /// The classifier in a safetensors file's bytes; `path` names it in errors.
    public static func load(bytes: [UInt8], path: String) throws -> Classifier {
        let (tensors, metadata) = try SafeTensors.parse(bytes, path: path)
        guard let tag = metadata["architecture"] else {
            // CVAE weights are the other safetensors file users hold; name them.
            let cvae = tensors["fc1.weight"] != nil && tensors["fc4.weight"] != nil
            throw ClassifierError.notAClassifier(
                path: path, reason: cvae ? "it holds CVAE weights, which go to --weights (its metadata has no \"architecture\" entry)"
                    : "its metadata has no \"architecture\" entry")
        }
        guard tag.hasPrefix(ClassifierConfig.architectureTag + " ") else {
            throw ClassifierError.notAClassifier(path: path, reason: "architecture \"\(tag)\" is not \(ClassifierConfig.architectureTag)")
        }
        // Layer sizes from the weight shapes: fc1 [H1, P], fc2 [H2, H1], ... Every size is
        // bounded and every tensor's shape checked before anything is allocated for them.
        var widths: [Int] = []
        var layer = 0
        while let w = tensors[ClassifierConfig.weightName(layer)] {
            guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0 else {
                throw ClassifierError.wrongShape(path: path, name: ClassifierConfig.weightName(layer),
                                                 shape: w.shape, expected: [max(1, w.shape.first ?? 1), widths.last ?? 1])
            }
            if widths.isEmpty { widths.append(w.shape[1]) }
            widths.append(w.shape[0])
            layer += 1
            guard layer <= ClassifierConfig.maxLayers else {
                throw ClassifierError.notAClassifier(path: path, reason: "it has more than \(ClassifierConfig.maxLayers) layers")
            }
        }
        guard widths.count >= 2 else { throw ClassifierError.missingTensor(path: path, name: ClassifierConfig.weightName(0)) }
        if let wide = widths.first(where: { $0 > ClassifierConfig.maxWidth }) {
            throw ClassifierError.notAClassifier(
                path: path, reason: "a layer of width \(wide) is above the limit of \(ClassifierConfig.maxWidth)")
        }
        let config = ClassifierConfig(inputs: widths[0], hidden: Array(widths[1..<widths.count - 1]), classes: widths[widths.count - 1])
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
        return try Classifier(config: config, parameters: store, metadata: metadata)
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
