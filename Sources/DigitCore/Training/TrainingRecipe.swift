import Foundation

/// Everything that determines a training run. The defaults are the seed's recipe
/// (pytorch/examples `vae/main.py` made conditional): Adam with lr 1e-3, betas (0.9, 0.999),
/// eps 1e-8, batch 128, reshuffled every epoch, 10 epochs, loss = BCE summed over pixels + KL.
///
/// Two optional departures, both off by default (issue 4): a linear KL warm-up
/// (Bowman et al. 2016, "Generating sentences from a continuous space") and a cosine
/// learning-rate decay (Loshchilov & Hutter 2017, "SGDR", without restarts).
///
/// A third, for fine-tuning from given weights (issue 12): `trainedParameters` = `.encoder`
/// updates only fc1, fc21 and fc22 and leaves the decoder (fc3, fc4) exactly as it was, so that
/// the encoder's q(z | x, y) gets closer to the decoder's true posterior (a smaller
/// amortization gap, Cremer, Li & Duvenaud 2018) while every image the decoder draws stays the same.
public struct TrainingRecipe: Sendable, Equatable, Codable {
    public enum LearningRateDecay: String, Sendable, Codable, CaseIterable {
        case none
        case cosine
    }

    /// Which tensors the optimizer updates.
    public enum TrainedParameters: String, Sendable, Codable, CaseIterable {
        /// Every tensor (the seed's training).
        case all
        /// fc1, fc21 and fc22 only; fc3 and fc4 stay bit for bit as they were.
        case encoder

        /// The names of the tensors updated, in `CVAEConfig.tensorSpecs` order.
        public func tensorNames(_ config: CVAEConfig) -> [String] {
            let all = config.tensorSpecs.map(\.name)
            switch self {
            case .all: return all
            case .encoder: return all.filter { !CVAEConfig.decoderTensorNames.contains($0) }
            }
        }
    }

    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var adamEpsilon: Double
    public var seed: UInt64
    /// Threads used for the matrix products; results are reproducible for a given count.
    public var threads: Int
    public var hidden: Int
    public var latent: Int
    /// Epochs over which the KL weight rises linearly from 0 to 1; 0 keeps it at 1.
    public var klWarmupEpochs: Double
    public var learningRateDecay: LearningRateDecay
    /// Tensors the optimizer updates (`.all` unless fine-tuning an encoder).
    public var trainedParameters: TrainedParameters
    /// Decoupled weight decay (Loshchilov & Hutter 2019, "AdamW", as torch.optim.AdamW): each
    /// step first scales the trained parameters by 1 - lr * weightDecay. 0 (the seed's): none.
    public var weightDecay: Double
    /// Augmentation of the training images (as `digitgen classifier train` does): each image of
    /// each batch is rotated by up to `augmentRotation` degrees either way and shifted by up to
    /// `augmentShift` whole pixels on each axis before it is encoded and reconstructed.
    /// 0 and 0 (the seed's): the images as they are.
    public var augmentRotation: Double
    public var augmentShift: Int
    public var augments: Bool { augmentRotation > 0 || augmentShift > 0 }

    public init(epochs: Int = 10, batchSize: Int = 128, learningRate: Double = 1e-3,
                beta1: Double = 0.9, beta2: Double = 0.999, adamEpsilon: Double = 1e-8,
                seed: UInt64 = 1, threads: Int = 1, hidden: Int = 400, latent: Int = 20,
                klWarmupEpochs: Double = 0, learningRateDecay: LearningRateDecay = .none,
                trainedParameters: TrainedParameters = .all, weightDecay: Double = 0,
                augmentRotation: Double = 0, augmentShift: Int = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.adamEpsilon = adamEpsilon
        self.seed = seed
        self.threads = threads
        self.hidden = hidden
        self.latent = latent
        self.klWarmupEpochs = klWarmupEpochs
        self.learningRateDecay = learningRateDecay
        self.trainedParameters = trainedParameters
        self.weightDecay = weightDecay
        self.augmentRotation = augmentRotation
        self.augmentShift = augmentShift
    }

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize, learningRate, beta1, beta2, adamEpsilon, seed, threads, hidden, latent
        case klWarmupEpochs, learningRateDecay, trainedParameters, weightDecay, augmentRotation, augmentShift
    }

    /// Checkpoints written before `trainedParameters`, `weightDecay` and the augmentation
    /// existed trained every tensor on the images as they are, without weight decay.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
                  learningRate: try c.decode(Double.self, forKey: .learningRate),
                  beta1: try c.decode(Double.self, forKey: .beta1), beta2: try c.decode(Double.self, forKey: .beta2),
                  adamEpsilon: try c.decode(Double.self, forKey: .adamEpsilon), seed: try c.decode(UInt64.self, forKey: .seed),
                  threads: try c.decode(Int.self, forKey: .threads), hidden: try c.decode(Int.self, forKey: .hidden),
                  latent: try c.decode(Int.self, forKey: .latent),
                  klWarmupEpochs: try c.decode(Double.self, forKey: .klWarmupEpochs),
                  learningRateDecay: try c.decode(LearningRateDecay.self, forKey: .learningRateDecay),
                  trainedParameters: try c.decodeIfPresent(TrainedParameters.self, forKey: .trainedParameters) ?? .all,
                  weightDecay: try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? 0,
                  augmentRotation: try c.decodeIfPresent(Double.self, forKey: .augmentRotation) ?? 0,
                  augmentShift: try c.decodeIfPresent(Int.self, forKey: .augmentShift) ?? 0)
    }

    /// The model this recipe trains for images of `pixels` pixels and `classes` labels.
    public func config(pixels: Int, classes: Int) -> CVAEConfig {
        CVAEConfig(pixels: pixels, classes: classes, hidden: hidden, latent: latent)
    }

    /// Upper bounds far beyond anything useful on MNIST. A recipe also comes from a checkpoint's
    /// metadata, and larger sizes or thread counts would only exhaust memory.
    public static let maxHidden = 8192, maxLatent = 1024, maxThreads = 256
    /// A million epochs is weeks of work; beyond it step counts could overflow.
    public static let maxEpochs = 1_000_000
    /// Augmentation limits: beyond them a digit is no longer the digit (a 6 turns into a 9).
    public static let maxAugmentRotation = 45.0, maxAugmentShift = 8

    /// Checks the recipe against a training set of `trainingCount` images.
    public func validate(trainingCount: Int) throws {
        guard epochs >= 1 else { throw TrainingError.invalidRecipe("epochs must be at least 1, got \(epochs)") }
        guard epochs <= Self.maxEpochs else {
            throw TrainingError.invalidRecipe("epochs must be at most \(Self.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw TrainingError.invalidRecipe("batch size must be at least 1, got \(batchSize)") }
        guard batchSize <= trainingCount else {
            throw TrainingError.invalidRecipe("batch size \(batchSize) is larger than the training set (\(trainingCount) images)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw TrainingError.invalidRecipe("learning rate must be a finite number > 0, got \(learningRate)")
        }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw TrainingError.invalidRecipe("Adam betas must be in [0, 1), got \(beta1), \(beta2)")
        }
        guard adamEpsilon.isFinite, adamEpsilon > 0 else {
            throw TrainingError.invalidRecipe("Adam epsilon must be a finite number > 0, got \(adamEpsilon)")
        }
        guard hidden >= 1, latent >= 1 else {
            throw TrainingError.invalidRecipe("hidden and latent sizes must be at least 1, got \(hidden) and \(latent)")
        }
        guard hidden <= Self.maxHidden, latent <= Self.maxLatent else {
            throw TrainingError.invalidRecipe(
                "hidden size must be at most \(Self.maxHidden) and latent size at most \(Self.maxLatent), got \(hidden) and \(latent)")
        }
        guard threads >= 1 else { throw TrainingError.invalidRecipe("threads must be at least 1, got \(threads)") }
        guard threads <= Self.maxThreads else {
            throw TrainingError.invalidRecipe("threads must be at most \(Self.maxThreads), got \(threads)")
        }
        guard weightDecay.isFinite, weightDecay >= 0, learningRate * weightDecay < 1 else {
            throw TrainingError.invalidRecipe("weight decay must be a finite number >= 0 with lr x decay < 1, got \(weightDecay)")
        }
        guard augmentRotation.isFinite, (0...Self.maxAugmentRotation).contains(augmentRotation) else {
            throw TrainingError.invalidRecipe("augmentation rotation must be in 0-\(Int(Self.maxAugmentRotation)) degrees, got \(augmentRotation)")
        }
        guard (0...Self.maxAugmentShift).contains(augmentShift) else {
            throw TrainingError.invalidRecipe("augmentation shift must be in 0-\(Self.maxAugmentShift) pixels, got \(augmentShift)")
        }
        guard klWarmupEpochs.isFinite, klWarmupEpochs >= 0 else {
            throw TrainingError.invalidRecipe("KL warm-up must be a finite number of epochs >= 0, got \(klWarmupEpochs)")
        }
    }

    /// Batches per epoch; the last one may be smaller (PyTorch's DataLoader, drop_last=False).
    public func batchesPerEpoch(trainingCount: Int) -> Int { (trainingCount + batchSize - 1) / batchSize }

    /// KL weight for the batch `batch` (0-based) of epoch `epoch` (0-based): rises linearly
    /// from 0 to 1 over `klWarmupEpochs` epochs, measured in batches.
    public func klWeight(epoch: Int, batch: Int, batchesPerEpoch: Int) -> Float {
        guard klWarmupEpochs > 0 else { return 1 }
        let progress = (Double(epoch) + Double(batch) / Double(batchesPerEpoch)) / klWarmupEpochs
        return Float(min(1, progress))
    }

    /// Learning rate for optimizer step `step` (0-based) of `totalSteps`.
    public func learningRate(step: Int, totalSteps: Int) -> Double {
        switch learningRateDecay {
        case .none:
            return learningRate
        case .cosine:
            let t = Double(step) / Double(max(totalSteps, 1))
            return learningRate * 0.5 * (1 + cos(Double.pi * t))
        }
    }

    /// Key/value pairs for a file's `__metadata__`.
    public var metadata: [String: String] {
        [
            "epochs": String(epochs), "batch_size": String(batchSize), "lr": String(learningRate),
            "adam_betas": "\(beta1),\(beta2)", "adam_eps": String(adamEpsilon), "seed": String(seed),
            "threads": String(threads), "hidden": String(hidden), "latent": String(latent),
            "kl_warmup_epochs": String(klWarmupEpochs), "lr_decay": learningRateDecay.rawValue,
            "trained_parameters": trainedParameters.rawValue, "weight_decay": String(weightDecay),
            "augment_rotation_degrees": String(augmentRotation), "augment_shift_pixels": String(augmentShift),
            "loss": "BCE summed over pixels (from logits) + KL(q(z|x,y) || N(0, I))",
        ]
    }

    /// The recipe as one line of JSON (stored in checkpoints and logs).
    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return (try? enc.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    public static func from(json: String) throws -> TrainingRecipe {
        do {
            return try JSONDecoder().decode(TrainingRecipe.self, from: Data(json.utf8))
        } catch {
            throw TrainingError.malformedCheckpoint("the recipe in it cannot be read (\(error))")
        }
    }
}
