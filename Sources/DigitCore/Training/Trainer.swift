import CDigitKernels
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
    public let adam: Adam
    public let data: LabeledImages
    public let test: LabeledImages?
    /// Forward and backward, one block of each batch per thread.
    let objective: DataParallelObjective
    /// The step with the layers split between two threads (`LayerParallelObjective`), when the
    /// recipe trains every parameter on two threads without augmentation and the fused kernels
    /// run; else nil, and `objective` splits the batch.
    let layerParallel: LayerParallelObjective?

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

    let side: Int
    /// Per row of the batch, the augmentation's (angle in radians, dx, dy), drawn in row order
    /// from `rng` before the rows are filled in parallel, and the augmented images.
    var augmentation: [(angle: Float, dx: Int, dy: Int)]
    var augmented: [Float]

    /// The part of the flat parameter buffer the optimizer updates (`recipe.trainedParameters`);
    /// every element outside it keeps its initial value bit for bit.
    public let trainedElements: Range<Int>

    /// The contiguous span of the flat buffer that holds exactly the tensors `names`.
    static func elements(of names: [String], in store: ParameterStore) throws -> Range<Int> {
        let views = store.views.filter { names.contains($0.name) }
        guard views.count == names.count, let first = views.first, let last = views.last,
              views.reduce(0, { $0 + $1.count }) == last.offset + last.count - first.offset else {
            throw TrainingError.invalidRecipe("the tensors \(names.joined(separator: ", ")) are not one contiguous part of the model")
        }
        return first.offset..<(last.offset + last.count)
    }

    public var config: CVAEConfig { model.config }
    public var batchesPerEpoch: Int { recipe.batchesPerEpoch(trainingCount: data.count) }
    public var totalSteps: Int { batchesPerEpoch * recipe.epochs }

    /// A fresh run: parameters initialised as PyTorch's nn.Linear from `recipe.seed`, or copied
    /// from `initialWeights` (fine-tuning; its architecture must be the recipe's, and its file
    /// extras, prior and metadata, are not carried over). Adam starts from zero moments either
    /// way, and shuffling and noise come from `recipe.seed`. A recipe that trains only the
    /// encoder needs `initialWeights`: a random decoder would stay random.
    public convenience init(recipe: TrainingRecipe, data: LabeledImages, test: LabeledImages? = nil,
                            initialWeights: CVAE? = nil) throws {
        try recipe.validate(trainingCount: data.count)
        let config = recipe.config(pixels: data.pixelsPerImage, classes: data.classes)
        let model: CVAE
        if let initialWeights {
            guard initialWeights.config == config else {
                throw TrainingError.invalidRecipe(
                    "the initial weights are \(initialWeights.config), this recipe and data need \(config)")
            }
            model = try CVAE(config: config, parameters: ParameterStore(copying: initialWeights.parameters))
        } else {
            guard recipe.trainedParameters == .all else {
                throw TrainingError.invalidRecipe(
                    "training only the \(recipe.trainedParameters.rawValue) needs initial weights to start from")
            }
            model = CVAE(config: config, seed: recipe.seed)
        }
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
        let side = Int(Double(data.pixelsPerImage).squareRoot().rounded())
        if recipe.augments, side * side != data.pixelsPerImage {
            throw TrainingError.invalidRecipe("augmentation needs square images, these have \(data.pixelsPerImage) pixels")
        }
        guard model.config == recipe.config(pixels: data.pixelsPerImage, classes: data.classes) else {
            throw TrainingError.checkpointMismatch(
                "model is \(model.config), data and recipe need \(recipe.config(pixels: data.pixelsPerImage, classes: data.classes))")
        }
        self.recipe = recipe
        self.model = model
        self.data = data
        self.test = test
        self.adam = Adam(like: model.parameters, beta1: recipe.beta1, beta2: recipe.beta2, epsilon: recipe.adamEpsilon)
        self.objective = DataParallelObjective(config: model.config, capacity: recipe.batchSize, threads: recipe.threads,
                                               layout: model.parameters)
        self.adam.threads = recipe.threads
        self.rng = rng
        self.epochStartRNG = rng
        self.trainedElements = try Trainer.elements(of: recipe.trainedParameters.tensorNames(model.config), in: model.parameters)
        let layerSplit = recipe.threads == 2 && !recipe.augments && trainedElements == 0..<model.parameters.count
            && (DecoderKernel.forced ?? .bestFused) != .blas
        self.layerParallel = layerSplit
            ? LayerParallelObjective(config: model.config, capacity: recipe.batchSize, layout: model.parameters) : nil
        self.order = Array(0..<data.count)
        self.side = side
        self.augmentation = recipe.augments ? Array(repeating: (0, 0, 0), count: recipe.batchSize) : []
        self.augmented = recipe.augments ? Array(repeating: 0, count: recipe.batchSize * data.pixelsPerImage) : []
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
    /// Runs with denormals flushed to zero (`DenormalFlushing`), its fork-joins on workers that
    /// spin briefly between a step's hand-offs (`Parallel.withSpinningWorkers`).
    public func run(checkpointPath: String? = nil, checkpointMetadata: [String: String] = [:],
                    stop: StopFlag? = nil,
                    progress: (TrainingProgress) -> Void = { _ in },
                    epochEnded: (EpochRecord) -> Void = { _ in }) throws -> Outcome {
        try DenormalFlushing.run {
            try Parallel.withSpinningWorkers(recipe.threads) {
                try runEpochs(checkpointPath: checkpointPath, checkpointMetadata: checkpointMetadata, stop: stop,
                              progress: progress, epochEnded: epochEnded)
            }
        }
    }

    private func runEpochs(checkpointPath: String?, checkpointMetadata: [String: String], stop: StopFlag?,
                           progress: (TrainingProgress) -> Void,
                           epochEnded: (EpochRecord) -> Void) throws -> Outcome {
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
                    let augments = recipe.augments, side = side
                    if augments {
                        for r in 0..<n {
                            let s = ShiftAugmentation.randomShift(maxShift: recipe.augmentShift, rng: &rng)
                            let angle = recipe.augmentRotation > 0
                                ? RotationAugmentation.randomAngle(maxDegrees: recipe.augmentRotation, rng: &rng) : 0
                            augmentation[r] = (angle, s.dx, s.dy)
                        }
                    }
                    let beta = recipe.klWeight(epoch: epoch, batch: batchesDone, batchesPerEpoch: nb)
                    let lr = recipe.learningRate(step: adam.step, totalSteps: totalSteps)
                    let parts: LossParts
                    if let layerParallel, Parallel.runsPartsAtOnce(2) {
                        // Loss, gradient and update in one step with the layers split.
                        parts = order.withUnsafeBufferPointer { order in
                            data.labels.withUnsafeBufferPointer { labels in
                                layerParallel.step(parameters: model.parameters, count: n, klWeight: beta, adam: adam, lr: lr,
                                                   weightDecay: recipe.weightDecay, rng: &rng) { r in
                                    let idx = order[start + r]
                                    return (base + idx * p, Int(labels[idx]))
                                }
                            }
                        }
                    } else {
                        parts = order.withUnsafeBufferPointer { order in
                            data.labels.withUnsafeBufferPointer { labels in
                                augmentation.withUnsafeBufferPointer { aug in
                                    augmented.withUnsafeMutableBufferPointer { out in
                                        objective.lossAndGradient(
                                            parameters: model.parameters, count: n, klWeight: beta,
                                            decoderGradients: recipe.trainedParameters == .all, rng: &rng
                                        ) { _, objective, rows in
                                            // Each part fills its own rows (and their augmented images).
                                            // The images are scattered over the 47 MB set: the next
                                            // ones' loads start while this one is converted.
                                            for r in rows.prefix(Trainer.prefetchDistance) { dk_prefetch(base + order[start + r] * p, p) }
                                            for r in rows {
                                                let ahead = r + Trainer.prefetchDistance
                                                if ahead < rows.upperBound { dk_prefetch(base + order[start + ahead] * p, p) }
                                                let idx = order[start + r], row = r - rows.lowerBound
                                                guard augments, let a = aug.baseAddress, let o = out.baseAddress else {
                                                    objective.setExample(row: row, pixels: base + idx * p, label: Int(labels[idx]))
                                                    continue
                                                }
                                                let image = o + r * p
                                                RotationAugmentation.warp(base + idx * p, side: side, angle: a[r].angle,
                                                                          dx: a[r].dx, dy: a[r].dy,
                                                                          table: objective.pixelTable, into: image)
                                                objective.setExample(row: row, pixels: UnsafePointer(image), label: Int(labels[idx]))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        if parts.total.isFinite { updateParameters(lr: lr) }
                    }
                    guard parts.total.isFinite else {
                        throw TrainingError.nonFiniteLoss(epoch: epoch + 1, batch: batchesDone + 1,
                                                          checkpoint: lastGoodCheckpoint)
                    }
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

    /// One optimizer step on the batch's gradient (the blocks' sum); each part of the update
    /// refills the kernels' packs of the layers it updated while they are in its cache.
    private func updateParameters(lr: Double) {
        let objective = self.objective, parameters = model.parameters
        // The update reads every gradient element when it trains every parameter: it clears
        // them as it goes.
        let clearing = trainedElements == 0..<parameters.count
        adam.update(parameters: parameters, gradientParts: objective.gradients, lr: lr, elements: trainedElements,
                    weightDecay: recipe.weightDecay, clearingGradients: clearing,
                    afterPart: { objective.packsAfterUpdate(of: parameters, range: $0) })
        if clearing { objective.gradientsWereCleared() }
    }

    /// How many images ahead a batch's fill asks for the next image (`bench/compare.sh` and
    /// interleaved `digitgen bench train` runs: epoch median 1.014 -> 1.005 s with 4).
    static let prefetchDistance = 4

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
