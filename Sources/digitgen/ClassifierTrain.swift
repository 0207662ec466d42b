import ArgumentParser
import DigitCore
import Foundation

struct ClassifierTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the evaluation classifier (a CNN by default, or the first MLP) on MNIST.",
        discussion: """
            Adam with cosine learning-rate decay on softmax cross-entropy; every epoch each \
            training image is shifted by a random whole number of pixels (up to --shift) on each axis \
            and rotated by a random angle (up to --rotate degrees either way, bilinear). \
            --arch cnn (default): 3x3 convolutions with ReLU and 2x2 max-pooling (--channels), then \
            fully connected layers (--hidden); defaults: \(ClassifierConfig.mnistCNN.summary), \
            \(ClassifierRecipe.cnn.epochs) epochs, lr \(ClassifierRecipe.cnn.learningRate), shift \
            \(ClassifierRecipe.cnn.maxShift), rotate \(ClassifierRecipe.cnn.maxRotation). --arch mlp: the first \
            classifier, ReLU MLP 784-512-256-10, 30 epochs, lr 0.001, shift 2, no rotation. \
            Prints the test accuracy after every epoch when the test files are present.
            """)

    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case cnn, mlp
        var recipe: ClassifierRecipe {
            switch self {
            case .cnn: return .cnn
            case .mlp: return ClassifierRecipe()
            }
        }
    }

    @Option(name: .long, help: ArgumentHelp("Directory with the four MNIST IDX files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, help: ArgumentHelp("Classifier to write (safetensors).", valueName: "file.safetensors"))
    var out: String

    @Option(name: .long, help: "cnn: convolutions then fully connected layers (the shipped classifier); mlp: fully connected only.")
    var arch: Architecture = .cnn

    @Option(name: .long, parsing: .unconditional, help: "Passes over the training set (default: cnn 12, mlp 30).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per Adam step.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Initial Adam learning rate, decays to 0 along a cosine (default: cnn 0.002, mlp 0.001).")
    var lr: Double?

    @Option(name: .long, parsing: .unconditional, help: "Seed for initialisation, shuffling and augmentation.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Largest random shift in pixels on each axis (0 = none; default 2).")
    var shift: Int?

    @Option(name: .long, parsing: .unconditional, help: "Largest random rotation in degrees either way (0 = none; default: cnn 12, mlp 0).")
    var rotate: Double?

    @Option(name: .long, help: ArgumentHelp("Output channels of the 3x3 convolution stages, comma-separated (cnn only; default 32,64).", valueName: "c1,c2,..."))
    var channels: String?

    @Option(name: .long, help: ArgumentHelp("Hidden fully connected layer sizes, comma-separated, each 1-8192 (default: cnn 128, mlp 512,256).", valueName: "h1,h2,..."))
    var hidden: String?

    @Option(name: .long, parsing: .unconditional, help: "Threads for the matrix products (the default is the number of cores).")
    var threads: Int?

    func validate() throws {
        if let epochs, !(1...TrainingRecipe.maxEpochs).contains(epochs) {
            throw ValidationError("--epochs must be in 1-\(TrainingRecipe.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let lr, !(lr.isFinite && lr > 0) { throw ValidationError("--lr must be a finite number > 0, got \(lr)") }
        if let shift, !(0...8).contains(shift) { throw ValidationError("--shift must be in 0...8, got \(shift)") }
        if let rotate, !(rotate.isFinite && (0...45).contains(rotate)) {
            throw ValidationError("--rotate must be in 0...45 degrees, got \(rotate)")
        }
        if channels != nil, arch == .mlp { throw ValidationError("--channels needs --arch cnn") }
        try checkThreads(threads)
        _ = try sizes(hidden, option: "--hidden", range: 1...8192)
        _ = try sizes(channels, option: "--channels", range: 1...1024)
        try checkWritable(out, option: "--out")
    }

    func sizes(_ text: String?, option: String, range: ClosedRange<Int>) throws -> [Int]? {
        guard let text else { return nil }
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ range.contains($0 ?? 0) }) else {
            throw ValidationError("\(option) '\(text)' must be integers in \(range.lowerBound)-\(range.upperBound) separated by commas")
        }
        return parts.compactMap { $0 }
    }

    /// The architecture's default recipe with the options given on the command line.
    func recipe() throws -> ClassifierRecipe {
        var r = arch.recipe
        if let epochs { r.epochs = epochs }
        r.batchSize = batchSize
        if let lr { r.learningRate = lr }
        r.seed = seed
        if let shift { r.maxShift = shift }
        if let rotate { r.maxRotation = rotate }
        if let c = try sizes(channels, option: "--channels", range: 1...1024) { r.channels = c }
        if let h = try sizes(hidden, option: "--hidden", range: 1...8192) { r.hidden = h }
        r.threads = threads ?? min(ProcessInfo.processInfo.activeProcessorCount, maxThreads)
        return r
    }

    func run() throws {
        let sets = try TrainingData.load(directory: data, requireTest: false)
        let recipe = try recipe()
        let trainer = try ClassifierTrainer(recipe: recipe, data: sets.train, test: sets.test)
        let config = trainer.classifier.config
        print("training \(config.architecture) (\(config.parameterCount) parameters) on \(sets.train.count) images")
        var seconds = 0.0
        try trainer.run { r in
            seconds += r.seconds
            let acc = r.testAccuracy.map { String(format: "  test accuracy %.2f%%", 100 * $0) } ?? ""
            print(String(format: "epoch %3d  loss %.4f%@  %.1f s", r.epoch, r.trainLoss, acc, r.seconds))
            fflush(nil)
        }
        var metadata = recipe.metadata
        metadata["train_seconds"] = String(format: "%.1f", seconds)
        metadata["command"] = commandLineString
        if let a = trainer.history.last?.testAccuracy { metadata["test_accuracy"] = String(format: "%.4f", a) }
        try ClassifierFile.save(trainer.classifier, to: out, metadata: metadata)
        print("wrote \(out)")
    }
}
