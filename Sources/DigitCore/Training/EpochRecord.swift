/// What one epoch of training measured. Losses are nats per image, like the seed's
/// `total / len(dataset)`.
public struct EpochRecord: Sendable, Equatable, Codable {
    public var epoch: Int
    /// -ELBO on the training set, averaged over the epoch (BCE + KL, unweighted).
    public var trainLoss: Double
    public var trainBCE: Double
    public var trainKL: Double
    /// -ELBO on the test set after the epoch (one noise draw), when there is a test set.
    public var testLoss: Double?
    public var testBCE: Double?
    public var testKL: Double?
    /// Wall-clock seconds of the epoch's training steps (without the test pass).
    public var seconds: Double
    public var testSeconds: Double?
}

/// A snapshot for progress displays, sent after every batch.
public struct TrainingProgress: Sendable {
    public var epoch: Int          // 1-based
    public var epochs: Int
    public var batch: Int          // batches done in this epoch
    public var batches: Int
    public var images: Int         // images done in this epoch
    /// Running -ELBO per image over the epoch so far.
    public var runningLoss: Double
    /// Seconds spent on this epoch so far.
    public var elapsed: Double
    public var imagesPerSecond: Double { elapsed > 0 ? Double(images) / elapsed : 0 }
    public var eta: Double {
        guard batch > 0 else { return 0 }
        return elapsed / Double(batch) * Double(batches - batch)
    }
}
