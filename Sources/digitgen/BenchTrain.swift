import ArgumentParser
import DigitCore
import Foundation

/// Times whole training epochs at the seed's recipe on the real data shape.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time training epochs (batch 128, Adam) and print images/s and seconds per epoch.",
        discussion: """
            Uses the MNIST training set from --data when it is there, otherwise 60,000 random \
            28x28 uint8 images with random labels (the same amount of work per step).
            """)

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST IDX files.", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, parsing: .unconditional, help: "Timed epochs.")
    var epochs: Int = 2

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per step.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Threads for the matrix products (the default is the number of cores).")
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, maxThreads)

    func validate() throws {
        guard (1...TrainingRecipe.maxEpochs).contains(epochs) else {
            throw ValidationError("--epochs must be in 1-\(TrainingRecipe.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        try checkThreads(threads)
    }

    func run() throws {
        let (set, source) = try loadOrSynthesize()
        guard batchSize <= set.count else { throw ValidationError("--batch-size is larger than the training set") }
        print("data: \(source)")
        print("recipe: batch \(batchSize), Adam lr 1e-3, latent 20, hidden 400; \(threads) thread(s)")

        // Warm-up on a slice: page in the code and buffers, start the worker threads.
        let warm = TrainingRecipe(epochs: 1, batchSize: batchSize, seed: 1, threads: threads)
        _ = try Trainer(recipe: warm, data: set.prefix(max(batchSize * 20, 2560)), test: nil).run()

        let recipe = TrainingRecipe(epochs: epochs, batchSize: batchSize, seed: 1, threads: threads)
        let trainer = try Trainer(recipe: recipe, data: set, test: nil)
        var seconds: [Double] = []
        _ = try trainer.run(epochEnded: { record in
            seconds.append(record.seconds)
            print(String(format: "epoch %d: %.3f s, %.0f images/s, train loss %.2f",
                         record.epoch, record.seconds, Double(set.count) / record.seconds, record.trainLoss))
        })
        let best = seconds.min() ?? 0
        let mean = seconds.reduce(0, +) / Double(max(seconds.count, 1))
        print(String(format: "seconds per epoch of %d images: best %.3f, mean %.3f (issue 11 goal <= 1.0)",
                     set.count, best, mean))
        print(String(format: "images per second: %.0f (best epoch)", Double(set.count) / best))
    }

    func loadOrSynthesize() throws -> (LabeledImages, String) {
        if FileManager.default.fileExists(atPath: data) {
            let mnist = try MNIST.load(directory: data, requireTest: false)
            let set = try LabeledImages(pixels: mnist.train.images.pixels, labels: mnist.train.labels,
                                        pixelsPerImage: mnist.train.images.rows * mnist.train.images.columns)
            return (set, "MNIST training set from \(data) (\(set.count) images)")
        }
        var rng = Xoshiro256(seed: 7)
        let n = 60_000, p = 784
        var pixels = [UInt8](repeating: 0, count: n * p)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: rng.next()) }
        var labels = [UInt8](repeating: 0, count: n)
        for i in labels.indices { labels[i] = UInt8(rng.nextInt(below: 10)) }
        let set = try LabeledImages(pixels: pixels, labels: labels, pixelsPerImage: p)
        return (set, "\(data) not found: 60000 random 28x28 images")
    }
}
