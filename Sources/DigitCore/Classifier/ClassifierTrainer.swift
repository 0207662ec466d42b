import Dispatch

/// Trains a `Classifier` on uint8 images: each epoch reshuffles the training set, shifts every
/// image at random (`ShiftAugmentation`) and, when the recipe says so, rotates it
/// (`RotationAugmentation`), and takes one Adam step per batch.
public final class ClassifierTrainer {
    public struct EpochResult: Sendable, Equatable {
        public let epoch: Int
        public let trainLoss: Double
        /// Test accuracy after the epoch, when a test set was given.
        public let testAccuracy: Double?
        public let seconds: Double
    }

    public let recipe: ClassifierRecipe
    public let classifier: Classifier
    public let data: LabeledImages
    public let test: LabeledImages?
    let gradients: ParameterStore
    let adam: Adam
    let network: ClassifierNetwork
    var rng: Xoshiro256
    public private(set) var history: [EpochResult] = []

    public init(recipe: ClassifierRecipe, data: LabeledImages, test: LabeledImages? = nil) throws {
        try recipe.validate(trainingCount: data.count)
        let side = Int(Double(data.pixelsPerImage).squareRoot().rounded())
        guard side * side == data.pixelsPerImage else {
            throw ClassifierError.invalidInput("images of \(data.pixelsPerImage) pixels are not square")
        }
        if let test, test.pixelsPerImage != data.pixelsPerImage {
            throw ClassifierError.invalidInput("test images have \(test.pixelsPerImage) pixels, training images \(data.pixelsPerImage)")
        }
        let config = ClassifierConfig(inputs: data.pixelsPerImage, hidden: recipe.hidden, classes: data.classes,
                                      channels: recipe.channels)
        guard config.stages.last.map({ $0.pooledSide >= 1 }) ?? true else {
            throw ClassifierError.invalidRecipe("\(recipe.channels.count) pooling stages leave nothing of \(side)x\(side) images")
        }
        self.recipe = recipe
        self.classifier = Classifier(config: config, seed: recipe.seed)
        self.data = data
        self.test = test
        self.gradients = ParameterStore(specs: config.tensorSpecs)
        self.adam = Adam(like: classifier.parameters)
        self.adam.threads = recipe.threads
        self.network = ClassifierNetwork(config: config, capacity: recipe.batchSize, threads: recipe.threads)
        // The training stream (shuffles, shifts) is independent of the initialisation stream.
        var mix = SplitMix64(seed: recipe.seed)
        _ = mix.next()
        self.rng = Xoshiro256(seed: mix.next())
        BLAS.setThreads(1)
    }

    /// Trains all epochs; `epochEnded` is called after each. `stop` is checked between batches.
    /// Runs with denormals flushed to zero (`DenormalFlushing`).
    public func run(stop: StopFlag? = nil, epochEnded: (EpochResult) -> Void = { _ in }) throws {
        try DenormalFlushing.run { try runEpochs(stop: stop, epochEnded: epochEnded) }
    }

    private func runEpochs(stop: StopFlag?, epochEnded: (EpochResult) -> Void) throws {
        let bs = recipe.batchSize, p = data.pixelsPerImage
        let side = Int(Double(p).squareRoot().rounded())
        let batches = (data.count + bs - 1) / bs
        let totalSteps = batches * recipe.epochs
        var order = Array(0..<data.count)
        var labels = [Int](repeating: 0, count: bs)
        var table = [Float](repeating: 0, count: 256)
        for v in 0..<256 { table[v] = Float(v) / 255 }
        let params = classifier.parameters
        try data.pixels.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            try table.withUnsafeBufferPointer { tp in
                guard let t = tp.baseAddress else { return }
                for epoch in 0..<recipe.epochs {
                    let started = DispatchTime.now().uptimeNanoseconds
                    rng.shuffle(&order)
                    var lossSum = 0.0
                    for batch in 0..<batches {
                        if let stop, stop.isRequested { return }
                        let start = batch * bs, n = min(bs, data.count - start)
                        for r in 0..<n {
                            let idx = order[start + r]
                            let s = ShiftAugmentation.randomShift(maxShift: recipe.maxShift, rng: &rng)
                            if recipe.maxRotation > 0 {
                                let angle = RotationAugmentation.randomAngle(maxDegrees: recipe.maxRotation, rng: &rng)
                                RotationAugmentation.warp(base + idx * p, side: side, angle: angle, dx: s.dx, dy: s.dy,
                                                          table: t, into: network.input + r * p)
                            } else {
                                ShiftAugmentation.shift(base + idx * p, side: side, dx: s.dx, dy: s.dy, table: t,
                                                        into: network.input + r * p)
                            }
                            labels[r] = Int(data.labels[idx])
                        }
                        network.forward(parameters: params, count: n)
                        let loss = labels.withUnsafeBufferPointer { lp in
                            SoftmaxCrossEntropy.forwardBackward(logits: network.logits, labels: lp.baseAddress!, batch: n,
                                                                classes: classifier.config.classes, gradient: network.logits)
                        }
                        guard loss.isFinite else { throw ClassifierError.nonFiniteLoss(epoch: epoch + 1, batch: batch + 1) }
                        lossSum += loss * Double(n)
                        gradients.zero()
                        network.backward(parameters: params, gradients: gradients, count: n)
                        adam.update(parameters: params, gradients: gradients,
                                    lr: recipe.learningRate(step: adam.step, totalSteps: totalSteps))
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9
                    let accuracy = try test.map { try classifier.accuracy(on: $0) }
                    let result = EpochResult(epoch: epoch + 1, trainLoss: lossSum / Double(data.count),
                                             testAccuracy: accuracy, seconds: seconds)
                    history.append(result)
                    epochEnded(result)
                }
            }
        }
    }
}
