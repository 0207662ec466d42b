import ArgumentParser
import DigitCore
import Foundation

struct ClassifierTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the evaluation classifier (ReLU MLP, shift augmentation) on MNIST.",
        discussion: """
            Adam with cosine learning-rate decay on softmax cross-entropy; every epoch each \
            training image is shifted by a random whole number of pixels (up to --shift) on each axis. \
            Prints the test accuracy after every epoch when the test files are present.
            """)

    @Option(name: .long, help: ArgumentHelp("Directory with the four MNIST IDX files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, help: ArgumentHelp("Classifier to write (safetensors).", valueName: "file.safetensors"))
    var out: String

    @Option(name: .long, parsing: .unconditional, help: "Passes over the training set.")
    var epochs: Int = 30

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per Adam step.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Initial Adam learning rate (decays to 0 along a cosine).")
    var lr: Double = 1e-3

    @Option(name: .long, parsing: .unconditional, help: "Seed for initialisation, shuffling and shifts.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Largest random shift in pixels on each axis (0 = no augmentation).")
    var shift: Int = 2

    @Option(name: .long, help: ArgumentHelp("Hidden layer sizes, comma-separated (each 1-8192).", valueName: "h1,h2,..."))
    var hidden: String = "512,256"

    @Option(name: .long, parsing: .unconditional, help: "Threads for the matrix products (the default is the number of cores).")
    var threads: Int?

    func validate() throws {
        guard (1...TrainingRecipe.maxEpochs).contains(epochs) else {
            throw ValidationError("--epochs must be in 1-\(TrainingRecipe.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be a finite number > 0, got \(lr)") }
        guard (0...8).contains(shift) else { throw ValidationError("--shift must be in 0...8, got \(shift)") }
        try checkThreads(threads)
        _ = try hiddenSizes()
        try checkWritable(out, option: "--out")
    }

    func hiddenSizes() throws -> [Int] {
        let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ (1...8192).contains($0 ?? 0) }) else {
            throw ValidationError("--hidden '\(hidden)' must be integers in 1-8192 separated by commas")
        }
        return parts.compactMap { $0 }
    }

    func run() throws {
        let sets = try TrainingData.load(directory: data, requireTest: false)
        let recipe = ClassifierRecipe(epochs: epochs, batchSize: batchSize, learningRate: lr, seed: seed,
                                      threads: threads ?? min(ProcessInfo.processInfo.activeProcessorCount, maxThreads),
                                      hidden: try hiddenSizes(), maxShift: shift)
        let trainer = try ClassifierTrainer(recipe: recipe, data: sets.train, test: sets.test)
        print("training \(trainer.classifier.config.architecture) (\(trainer.classifier.config.parameterCount) parameters) on \(sets.train.count) images")
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
