import Foundation

/// A training run's complete state as one safetensors file: the parameters under their
/// PyTorch names (`fc1.weight`, ...), Adam's moments as `adam.m.<name>` / `adam.v.<name>`,
/// and in `__metadata__` the step, epoch, batch, PRNG state, loss sums, history and recipe.
/// Resuming from it continues the run bit for bit.
public enum Checkpoint {
    public static let format = "digitgen-training-checkpoint"
    public static let version = "1"

    /// Writes `trainer`'s state to `path` atomically (temp file + rename).
    public static func write(_ trainer: Trainer, to path: String, metadata extra: [String: String] = [:]) throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        let stores: [(prefix: String, store: ParameterStore)] = [
            ("", trainer.model.parameters), ("adam.m.", trainer.adam.m), ("adam.v.", trainer.adam.v),
        ]
        for (prefix, store) in stores {
            for v in store.views {
                let values = Array(UnsafeBufferPointer(start: store.data + v.offset, count: v.count))
                tensors.append((prefix + v.name, Tensor(shape: v.shape, values: values)))
            }
        }
        var meta = extra
        for (k, v) in trainer.recipe.metadata { meta[k] = v }
        let c = trainer.config
        meta["format"] = format
        meta["format_version"] = version
        meta["recipe"] = trainer.recipe.json()
        meta["pixels"] = String(c.pixels)
        meta["classes"] = String(c.classes)
        meta["adam_step"] = String(trainer.adam.step)
        meta["epochs_done"] = String(trainer.epochsDone)
        meta["batches_done"] = String(trainer.batchesDone)
        meta["rng_state"] = words(trainer.rng)
        meta["epoch_start_rng_state"] = words(trainer.epochStartRNG)
        meta["partial_bce"] = String(trainer.partial.bce)
        meta["partial_kl"] = String(trainer.partial.kl)
        meta["partial_seconds"] = String(trainer.partialSeconds)
        meta["train_count"] = String(trainer.data.count)
        meta["train_labels_fnv1a"] = String(fingerprint(trainer.data.labels))
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        meta["history"] = String(decoding: try enc.encode(trainer.history), as: UTF8.self)
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// A trainer that continues the run saved in `path` on `data` (and `test`).
    /// `epochs`, when given, replaces the recipe's epoch count (to train further).
    public static func restore(path: String, data: LabeledImages, test: LabeledImages? = nil,
                               epochs: Int? = nil) throws -> Trainer {
        let file = try SafeTensors.read(path: path)
        let meta = file.metadata
        guard meta["format"] == format else {
            throw TrainingError.malformedCheckpoint("\(path) is not a training checkpoint (no format \"\(format)\" in its metadata)")
        }
        guard meta["format_version"] == version else {
            throw TrainingError.malformedCheckpoint("\(path) has checkpoint version \(meta["format_version"] ?? "?"), this build reads \(version)")
        }
        guard let recipeJSON = meta["recipe"] else { throw TrainingError.malformedCheckpoint("no recipe in \(path)") }
        var recipe = try TrainingRecipe.from(json: recipeJSON)
        if let epochs { recipe.epochs = epochs }
        try recipe.validate(trainingCount: data.count)
        let count = try integer(meta, "train_count")
        guard count == data.count, meta["train_labels_fnv1a"] == String(fingerprint(data.labels)) else {
            throw TrainingError.checkpointMismatch("it was made on a different training set (\(count) images)")
        }
        let config = recipe.config(pixels: data.pixelsPerImage, classes: data.classes)
        let params = ParameterStore(specs: config.tensorSpecs)
        let adam = Adam(like: params, beta1: recipe.beta1, beta2: recipe.beta2, epsilon: recipe.adamEpsilon)
        for (prefix, store) in [("", params), ("adam.m.", adam.m), ("adam.v.", adam.v)] {
            for v in store.views {
                guard let t = file.tensors[prefix + v.name] else {
                    throw TrainingError.malformedCheckpoint("tensor \(prefix + v.name) is missing from \(path)")
                }
                guard t.shape == v.shape, t.values.count == v.count else {
                    throw TrainingError.checkpointMismatch("tensor \(prefix + v.name) has shape \(t.shape), expected \(v.shape)")
                }
                t.values.withUnsafeBufferPointer { (store.data + v.offset).update(from: $0.baseAddress!, count: v.count) }
            }
        }
        if let bad = params.firstNonFiniteTensor() { throw ModelError.nonFiniteParameter(bad) }
        let model = try CVAE(config: config, parameters: params)
        let trainer = try Trainer(recipe: recipe, model: model, data: data, test: test, rng: try rng(meta, "rng_state"))
        trainer.adam.m.data.update(from: adam.m.data, count: adam.m.count)
        trainer.adam.v.data.update(from: adam.v.data, count: adam.v.count)
        trainer.adam.step = try integer(meta, "adam_step")
        trainer.epochStartRNG = try rng(meta, "epoch_start_rng_state")
        trainer.epochsDone = try integer(meta, "epochs_done")
        trainer.batchesDone = try integer(meta, "batches_done")
        guard trainer.batchesDone < trainer.batchesPerEpoch, trainer.epochsDone >= 0, trainer.batchesDone >= 0 else {
            throw TrainingError.malformedCheckpoint("epoch \(trainer.epochsDone), batch \(trainer.batchesDone) are out of range")
        }
        trainer.partial = LossParts(bce: try double(meta, "partial_bce"), kl: try double(meta, "partial_kl"))
        trainer.partialSeconds = try double(meta, "partial_seconds")
        trainer.lastGoodCheckpoint = path
        if let h = meta["history"] {
            do {
                trainer.history = try JSONDecoder().decode([EpochRecord].self, from: Data(h.utf8))
            } catch {
                throw TrainingError.malformedCheckpoint("its history cannot be read")
            }
        }
        return trainer
    }

    static func words(_ r: Xoshiro256) -> String { r.stateWords.map(String.init).joined(separator: ",") }

    static func rng(_ meta: [String: String], _ key: String) throws -> Xoshiro256 {
        let parts = (meta[key] ?? "").split(separator: ",").compactMap { UInt64($0) }
        guard parts.count == 4, parts.contains(where: { $0 != 0 }) else {
            throw TrainingError.malformedCheckpoint("\(key) is missing or not four 64-bit words")
        }
        return Xoshiro256(state: parts)
    }

    static func integer(_ meta: [String: String], _ key: String) throws -> Int {
        guard let s = meta[key], let v = Int(s) else { throw TrainingError.malformedCheckpoint("\(key) is missing or not an integer") }
        return v
    }

    static func double(_ meta: [String: String], _ key: String) throws -> Double {
        guard let s = meta[key], let v = Double(s) else { throw TrainingError.malformedCheckpoint("\(key) is missing or not a number") }
        return v
    }

    /// FNV-1a over the labels: a cheap check that a resumed run sees the same training set.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
