import Foundation

/// How the evaluation classifier is trained: Adam (reused from Training/) on mean softmax
/// cross-entropy, cosine learning-rate decay to 0 (Loshchilov & Hutter 2017), and every
/// training image shifted by up to `maxShift` pixels in each direction per epoch.
public struct ClassifierRecipe: Sendable, Equatable {
    public var epochs: Int = 30
    public var batchSize: Int = 128
    public var learningRate: Double = 1e-3
    public var seed: UInt64 = 1
    public var threads: Int = 1
    public var hidden: [Int] = [512, 256]
    /// Largest random translation, in pixels, on each axis (0 = no augmentation).
    public var maxShift: Int = 2
    /// Output channels of the convolution stages (empty: an MLP).
    public var channels: [Int] = []
    /// Largest random rotation, in degrees either way (0 = none).
    public var maxRotation: Double = 0

    public init(epochs: Int = 30, batchSize: Int = 128, learningRate: Double = 1e-3, seed: UInt64 = 1,
                threads: Int = 1, hidden: [Int] = [512, 256], maxShift: Int = 2,
                channels: [Int] = [], maxRotation: Double = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.threads = threads
        self.hidden = hidden
        self.maxShift = maxShift
        self.channels = channels
        self.maxRotation = maxRotation
    }

    /// The shipped CNN's recipe (`digitgen classifier train` without options).
    public static let cnn = ClassifierRecipe(epochs: 12, batchSize: 128, learningRate: 2e-3, seed: 1, threads: 1,
                                             hidden: [128], maxShift: 2, channels: [32, 64], maxRotation: 12)

    public func validate(trainingCount: Int) throws {
        guard epochs >= 1 else { throw ClassifierError.invalidRecipe("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1, batchSize <= trainingCount else {
            throw ClassifierError.invalidRecipe("batch size must be in 1...\(trainingCount), got \(batchSize)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw ClassifierError.invalidRecipe("learning rate must be a finite number > 0, got \(learningRate)")
        }
        guard threads >= 1 else { throw ClassifierError.invalidRecipe("threads must be at least 1, got \(threads)") }
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 }) else {
            throw ClassifierError.invalidRecipe("hidden layer sizes must be at least 1, got \(hidden)")
        }
        guard (0...8).contains(maxShift) else { throw ClassifierError.invalidRecipe("shift must be in 0...8 pixels, got \(maxShift)") }
        guard maxRotation.isFinite, (0...45).contains(maxRotation) else {
            throw ClassifierError.invalidRecipe("rotation must be in 0...45 degrees, got \(maxRotation)")
        }
        guard channels.allSatisfy({ (1...1024).contains($0) }) else {
            throw ClassifierError.invalidRecipe("convolution channels must be in 1...1024, got \(channels)")
        }
    }

    /// Learning rate at optimizer step `step` of `totalSteps`: cosine from `learningRate` to 0.
    public func learningRate(step: Int, totalSteps: Int) -> Double {
        learningRate * 0.5 * (1 + cos(Double.pi * Double(step) / Double(max(totalSteps, 1))))
    }

    public var metadata: [String: String] {
        [
            "epochs": String(epochs), "batch_size": String(batchSize), "lr": String(learningRate),
            "lr_decay": "cosine", "optimizer": "Adam(0.9, 0.999, 1e-8)", "seed": String(seed),
            "augmentation": "random integer shift, up to \(maxShift) px per axis"
                + (maxRotation > 0 ? ", random rotation up to \(maxRotation) degrees either way (bilinear)" : ""),
            "loss": "softmax cross-entropy (mean over batch)",
        ]
    }
}
