/// A CVAE in a safetensors file, in PyTorch's state_dict names and [out, in] layout, so that
/// weights trained by the PyTorch seed load unchanged:
///
///     fc1.weight [H, P + C]   fc1.bias [H]       encoder hidden layer
///     fc21.weight [L, H]      fc21.bias [L]      posterior mean
///     fc22.weight [L, H]      fc22.bias [L]      posterior log-variance
///     fc3.weight [H, L + C]   fc3.bias [H]       decoder hidden layer
///     fc4.weight [P, H]       fc4.bias [P]       decoder output
///
/// plus, optionally, `prior.weights` [C, K], `prior.means` [C, K, L], `prior.logvars` [C, K, L]
/// (see `LatentPrior`), and named directions `directions.NAME` [C, L] listed in the metadata key
/// `directions` (see `LatentDirections`). The sizes P, C, H, L are read from the shapes; other tensors are ignored.
public enum WeightsFile {
    public static func load(path: String) throws -> CVAE {
        try load(bytes: FileBytes.read(path: path), path: path)
    }

    /// The model in a safetensors file's bytes; `path` names it in errors.
    public static func load(bytes: [UInt8], path: String) throws -> CVAE {
        let (tensors, metadata) = try SafeTensors.parse(bytes, path: path)

        func tensor(_ name: String) throws -> Tensor {
            guard let t = tensors[name] else { throw WeightsFileError.missingTensor(path: path, name: name) }
            return t
        }
        func matrix(_ name: String) throws -> (rows: Int, columns: Int) {
            let t = try tensor(name)
            guard t.shape.count == 2 else { throw WeightsFileError.notAMatrix(path: path, name: name, shape: t.shape) }
            return (t.shape[0], t.shape[1])
        }

        // The evaluation classifier is the other safetensors file users hold; say so instead of
        // reporting a missing fc1.weight.
        if tensors["fc1.weight"] == nil,
           ClassifierConfig.looksLikeClassifier(tensorNames: Set(tensors.keys), architecture: metadata["architecture"]) {
            throw WeightsFileError.classifierFile(path: path)
        }
        for (name, _) in CVAEConfig().tensorSpecs { _ = try tensor(name) }
        let fc4 = try matrix("fc4.weight")      // [P, H]
        let fc21 = try matrix("fc21.weight")    // [L, H]
        let fc1 = try matrix("fc1.weight")      // [H, P + C]
        let config = CVAEConfig(pixels: fc4.rows, classes: fc1.columns - fc4.rows, hidden: fc4.columns, latent: fc21.rows)
        guard config.classes > 0 || config.pixels <= 0 else {
            throw WeightsFileError.invalidLayout(
                path: path, reason: "fc1.weight has \(fc1.columns) inputs, which leaves no room for class labels beside \(config.pixels) pixels")
        }
        // Sizes first, then every tensor's shape against them, and only then any allocation:
        // a crafted shape such as [0, 2^40] (no bytes at all) must not size a buffer.
        if let problem = config.layoutProblem { throw WeightsFileError.invalidLayout(path: path, reason: problem) }
        let specs = config.tensorSpecs
        guard ParameterStore.checkedCount(specs) != nil else {
            throw WeightsFileError.invalidLayout(path: path, reason: "the parameter count overflows")
        }
        var values: [(name: String, values: [Float])] = []
        for (name, shape) in specs {
            let t = try tensor(name)
            guard t.shape == shape else {
                throw WeightsFileError.wrongShape(path: path, name: name, shape: t.shape, expected: shape)
            }
            guard t.values.allSatisfy(\.isFinite) else { throw WeightsFileError.nonFinite(path: path, name: name) }
            values.append((name, t.values))
        }
        let store = ParameterStore(specs: specs)
        for (name, v) in values { store.set(name, v) }

        let prior = try loadPrior(tensors, config: config, path: path)
        let directions = try loadDirections(tensors, metadata: metadata, config: config, path: path)
        do {
            return try CVAE(config: config, parameters: store, prior: prior, directions: directions, metadata: metadata)
        } catch let error as ModelError {
            throw WeightsFileError.invalidModel(path: path, error: error)
        }
    }

    /// The fitted prior when the file has all three prior tensors, nil when it has none,
    /// for a model of `config` (whose sizes were validated).
    public static func loadPrior(_ tensors: [String: Tensor], config: CVAEConfig, path: String) throws -> LatentPrior? {
        let present = LatentPrior.tensorNames.filter { tensors[$0] != nil }
        if present.isEmpty { return nil }
        guard let w = tensors["prior.weights"], let m = tensors["prior.means"], let v = tensors["prior.logvars"] else {
            let missing = LatentPrior.tensorNames.first { tensors[$0] == nil } ?? ""
            throw WeightsFileError.missingTensor(path: path, name: missing)
        }
        let components = w.shape.count == 2 ? w.shape[1] : 0
        let expected: [(String, Tensor, [Int])] = [
            ("prior.weights", w, [config.classes, components]),
            ("prior.means", m, [config.classes, components, config.latent]),
            ("prior.logvars", v, [config.classes, components, config.latent]),
        ]
        for (name, t, shape) in expected {
            guard t.shape == shape, components > 0 else {
                throw WeightsFileError.wrongShape(path: path, name: name, shape: t.shape,
                                                  expected: components > 0 ? shape : [config.classes, max(components, 1)])
            }
            guard t.values.allSatisfy(\.isFinite) else { throw WeightsFileError.nonFinite(path: path, name: name) }
        }
        if let i = w.values.firstIndex(where: { $0 < 0 }) {
            throw WeightsFileError.negativePriorWeight(path: path, digit: i / components, component: i % components,
                                                       value: w.values[i])
        }
        do {
            return try LatentPrior(classes: config.classes, components: components, latent: config.latent,
                                   weights: w.values, means: m.values, logvars: v.values)
        } catch let error as ModelError {
            throw WeightsFileError.invalidModel(path: path, error: error)
        }
    }

    /// The named directions listed in the metadata key `directions`, nil when there is none.
    private static func loadDirections(_ tensors: [String: Tensor], metadata: [String: String], config: CVAEConfig,
                                       path: String) throws -> LatentDirections? {
        guard let list = metadata[LatentDirections.metadataKey], !list.isEmpty else { return nil }
        let names = list.split(separator: ",").map(String.init)
        var vectors: [String: [Float]] = [:]
        for name in names {
            let tensorName = LatentDirections.tensorPrefix + name
            guard let t = tensors[tensorName] else { throw WeightsFileError.missingTensor(path: path, name: tensorName) }
            guard t.shape == [config.classes, config.latent] else {
                throw WeightsFileError.wrongShape(path: path, name: tensorName, shape: t.shape, expected: [config.classes, config.latent])
            }
            guard t.values.allSatisfy(\.isFinite) else { throw WeightsFileError.nonFinite(path: path, name: tensorName) }
            vectors[name] = t.values
        }
        do {
            return try LatentDirections(classes: config.classes, latent: config.latent, names: names, vectors: vectors)
        } catch let error as ModelError {
            throw WeightsFileError.invalidModel(path: path, error: error)
        }
    }

    /// The tensors `save` writes, in order: the ten parameters in PyTorch's state_dict order,
    /// then the prior's tensors when the model has one.
    public static func tensors(of model: CVAE) -> [(name: String, tensor: Tensor)] {
        var list: [(name: String, tensor: Tensor)] = model.config.tensorSpecs.map { spec in
            (spec.name, Tensor(shape: spec.shape, values: model.parameters.values(spec.name)))
        }
        if let p = model.prior {
            list.append(("prior.weights", Tensor(shape: [p.classes, p.components], values: p.weights)))
            list.append(("prior.means", Tensor(shape: [p.classes, p.components, p.latent], values: p.means)))
            list.append(("prior.logvars", Tensor(shape: [p.classes, p.components, p.latent], values: p.logvars)))
        }
        if let d = model.directions { list += d.tensors() }
        return list
    }

    /// Writes the model as F32 safetensors, atomically. The metadata is the model's own merged
    /// with `metadata`, whose entries win.
    public static func save(_ model: CVAE, to path: String, metadata: [String: String]) throws {
        if let name = model.parameters.firstNonFiniteTensor() {
            throw WeightsFileError.nonFiniteParameter(path: path, name: name)
        }
        var merged = model.metadata.merging(metadata) { _, given in given }
        merged[LatentDirections.metadataKey] = model.directions.map { $0.names.joined(separator: ",") }
        try SafeTensors.write(tensors(of: model), metadata: merged, to: path)
    }
}
