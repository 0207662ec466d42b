import Dispatch

/// Trains a CVAE on a `LabeledImages` set: shuffle, batches, objective, Adam, per-epoch
/// test pass and checkpoints. Everything that decides the result lives in this object and
/// goes into a checkpoint, so a resumed run continues bit for bit.
public final class Trainer {
    public enum Outcome: Equatable, Sendable {
        /// All epochs done.
        case finished
        /// Stopped on request after a batch; a checkpoint was written there (if a path was given).
        case interrupted(epoch: Int, batch: Int)
    }

    public let recipe: TrainingRecipe
    public let model: CVAE
    public let gradients: ParameterStore
    public let adam: Adam
    public let data: LabeledImages
    public let test: LabeledImages?
    let objective: CVAEObjective

    /// Drives the shuffle and the reparameterisation noise.
    public var rng: Xoshiro256
    /// `rng` as it was when the current epoch started (before its shuffle), so a run stopped
    /// mid-epoch can rebuild that epoch's order.
    public var epochStartRNG: Xoshiro256
    /// Completed epochs.
    public var epochsDone = 0
    /// Completed batches of the epoch in progress.
    public var batchesDone = 0
    /// Loss sums over the batches done in the epoch in progress.
    public var partial = LossParts()
    public var partialSeconds: Double = 0
    public var history: [EpochRecord] = []
    /// The newest checkpoint known to hold a good state: the one this run resumed from, then
    /// each one `run` writes after an epoch. Named when the loss diverges.
    public var lastGoodCheckpoint: String?

    var order: [Int]

    public var config: CVAEConfig { model.config }
    public var batchesPerEpoch: Int { recipe.batchesPerEpoch(trainingCount: data.count) }
    public var totalSteps: Int { batchesPerEpoch * recipe.epochs }

    /// A fresh run: parameters initialised as PyTorch's nn.Linear from `recipe.seed`.
    public convenience init(recipe: TrainingRecipe, data: LabeledImages, test: LabeledImages? = nil) throws {
        try recipe.validate(trainingCount: data.count)
        let config = recipe.config(pixels: data.pixelsPerImage, classes: data.classes)
        let model = CVAE(config: config, seed: recipe.seed)
        // The training stream is independent of the initialisation stream.
        var mix = SplitMix64(seed: recipe.seed)
        _ = mix.next()
        try self.init(recipe: recipe, model: model, data: data, test: test,
                      rng: Xoshiro256(seed: mix.next()))
    }

    /// A run continuing from the given state (used by `Checkpoint.restore`).
    init(recipe: TrainingRecipe, model: CVAE, data: LabeledImages, test: LabeledImages?,
         rng: Xoshiro256) throws {
        try recipe.validate(trainingCount: data.count)
        if let test, test.pixelsPerImage != data.pixelsPerImage || test.classes != data.classes {
            throw TrainingError.invalidData(
                "test images have \(test.pixelsPerImage) pixels, training images \(data.pixelsPerImage)")
        }
        guard model.config == recipe.config(pixels: data.pixelsPerImage, classes: data.classes) else {
            throw TrainingError.checkpointMismatch(
                "model is \(model.config), data and recipe need \(recipe.config(pixels: data.pixelsPerImage, classes: data.classes))")
        }
        self.recipe = recipe
        self.model = model
        self.data = data
        self.test = test
        self.gradients = ParameterStore(specs: model.parameters.views.map { ($0.name, $0.shape) })
        self.adam = Adam(like: model.parameters, beta1: recipe.beta1, beta2: recipe.beta2, epsilon: recipe.adamEpsilon)
        self.objective = CVAEObjective(config: model.config, capacity: recipe.batchSize, threads: recipe.threads)
        self.adam.threads = recipe.threads
        self.rng = rng
        self.epochStartRNG = rng
        self.order = Array(0..<data.count)
        BLAS.setThreads(1)
    }

    /// Rebuilds the current epoch's order from `epochStartRNG`, leaving `rng` untouched.
    func rebuildOrder() {
        var r = epochStartRNG
        for i in 0..<order.count { order[i] = i }
        r.shuffle(&order)
    }

    /// Trains until all epochs are done or `stop` is requested. After each epoch, and when
    /// stopped, writes a checkpoint to `checkpointPath` (atomically). `progress` is called
    /// after every batch, `epochEnded` after every epoch (after its checkpoint).
    public func run(checkpointPath: String? = nil, checkpointMetadata: [String: String] = [:],
                    stop: StopFlag? = nil,
                    progress: (TrainingProgress) -> Void = { _ in },
                    epochEnded: (EpochRecord) -> Void = { _ in }) throws -> Outcome {
        let nb = batchesPerEpoch
        let bs = recipe.batchSize
        let p = data.pixelsPerImage
        if batchesDone > 0 { rebuildOrder() }
        while epochsDone < recipe.epochs {
            if batchesDone == 0 {
                epochStartRNG = rng
                for i in 0..<order.count { order[i] = i }
                rng.shuffle(&order)
                partial = LossParts()
                partialSeconds = 0
            }
            let epoch = epochsDone
            let started = Trainer.now()
            let secondsBefore = partialSeconds
            try data.pixels.withUnsafeBufferPointer { pixels in
                guard let base = pixels.baseAddress else { return }
                while batchesDone < nb {
                    let start = batchesDone * bs
                    let n = min(bs, data.count - start)
                    let fillParts = n >= 64 ? recipe.threads : 1
                    order.withUnsafeBufferPointer { order in
                        data.labels.withUnsafeBufferPointer { labels in
                            Parallel.forEachPart(fillParts) { part in
                                for r in ParallelLinear.range(part: part, parts: fillParts, of: n) {
                                    let idx = order[start + r]
                                    objective.setExample(row: r, pixels: base + idx * p, label: Int(labels[idx]))
                                }
                            }
                        }
                    }
                    gradients.zero()
                    let beta = recipe.klWeight(epoch: epoch, batch: batchesDone, batchesPerEpoch: nb)
                    let parts = objective.lossAndGradient(parameters: model.parameters, gradients: gradients,
                                                          count: n, klWeight: beta, rng: &rng)
                    guard parts.total.isFinite else {
                        throw TrainingError.nonFiniteLoss(epoch: epoch + 1, batch: batchesDone + 1,
                                                          checkpoint: lastGoodCheckpoint)
                    }
                    let lr = recipe.learningRate(step: adam.step, totalSteps: totalSteps)
                    adam.update(parameters: model.parameters, gradients: gradients, lr: lr)
                    partial += parts
                    batchesDone += 1
                    partialSeconds = secondsBefore + (Trainer.now() - started)
                    progress(TrainingProgress(epoch: epoch + 1, epochs: recipe.epochs, batch: batchesDone,
                                              batches: nb, images: min(batchesDone * bs, data.count),
                                              runningLoss: partial.total / Double(min(batchesDone * bs, data.count)),
                                              elapsed: partialSeconds))
                    if let stop, stop.isRequested, batchesDone < nb { return }
                }
            }
            if batchesDone < nb {
                if let checkpointPath {
                    try Checkpoint.write(self, to: checkpointPath, metadata: checkpointMetadata)
                }
                return .interrupted(epoch: epoch + 1, batch: batchesDone)
            }
            var record = EpochRecord(epoch: epoch + 1, trainLoss: partial.total / Double(data.count),
                                     trainBCE: partial.bce / Double(data.count),
                                     trainKL: partial.kl / Double(data.count), seconds: partialSeconds)
            if let test {
                let t0 = Trainer.now()
                let e = Evaluator(model: model, threads: recipe.threads)
                let r = try e.negativeELBO(test, draws: 1, seed: recipe.seed)
                record.testLoss = r.total
                record.testBCE = r.bce
                record.testKL = r.kl
                record.testSeconds = Trainer.now() - t0
            }
            history.append(record)
            epochsDone += 1
            batchesDone = 0
            partial = LossParts()
            partialSeconds = 0
            if let checkpointPath {
                try Checkpoint.write(self, to: checkpointPath, metadata: checkpointMetadata)
                lastGoodCheckpoint = checkpointPath
            }
            epochEnded(record)
            if let stop, stop.isRequested, epochsDone < recipe.epochs {
                return .interrupted(epoch: epochsDone, batch: nb)
            }
        }
        return .finished
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
