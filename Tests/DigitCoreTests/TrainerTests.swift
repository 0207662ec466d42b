import Foundation
import XCTest
@testable import DigitCore

final class TrainerTests: XCTestCase {
    /// 60 random 16-pixel images in 3 classes (60 / 8 leaves a short last batch).
    static func tinySet(count: Int = 60, seed: UInt64 = 11) -> LabeledImages {
        var rng = Xoshiro256(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * 16)
        for i in pixels.indices where rng.nextDouble() < 0.4 { pixels[i] = UInt8(rng.nextInt(below: 256)) }
        let labels = (0..<count).map { UInt8($0 % 3) }
        return try! LabeledImages(pixels: pixels, labels: labels, pixelsPerImage: 16, classes: 3)
    }

    static let tinyRecipe = TrainingRecipe(epochs: 3, batchSize: 8, seed: 5, threads: 1, hidden: 12, latent: 3)

    func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digitgen-train-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name).path
    }

    static func assertSameState(_ a: Trainer, _ b: Trainer, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(Array(a.model.parameters.buffer) == Array(b.model.parameters.buffer), "parameters differ", file: file, line: line)
        XCTAssertTrue(Array(a.adam.m.buffer) == Array(b.adam.m.buffer), "Adam m differs", file: file, line: line)
        XCTAssertTrue(Array(a.adam.v.buffer) == Array(b.adam.v.buffer), "Adam v differs", file: file, line: line)
        XCTAssertEqual(a.adam.step, b.adam.step, file: file, line: line)
        XCTAssertEqual(a.rng, b.rng, file: file, line: line)
        XCTAssertEqual(a.history.map(\.trainLoss), b.history.map(\.trainLoss), file: file, line: line)
        XCTAssertEqual(a.history.map(\.testLoss), b.history.map(\.testLoss), file: file, line: line)
    }

    func testResumeAfterEpochIsBitIdentical() throws {
        let data = Self.tinySet(), test = Self.tinySet(count: 20, seed: 12)
        let full = try Trainer(recipe: Self.tinyRecipe, data: data, test: test)
        XCTAssertEqual(try full.run(), .finished)

        let path = tempPath("ckpt.safetensors")
        let stop = StopFlag()
        let first = try Trainer(recipe: Self.tinyRecipe, data: data, test: test)
        let outcome = try first.run(checkpointPath: path, stop: stop, epochEnded: { if $0.epoch == 1 { stop.request() } })
        XCTAssertEqual(outcome, .interrupted(epoch: 1, batch: 8))
        let resumed = try Checkpoint.restore(path: path, data: data, test: test)
        XCTAssertEqual(resumed.epochsDone, 1)
        XCTAssertEqual(try resumed.run(checkpointPath: path), .finished)
        Self.assertSameState(full, resumed)
    }

    func testResumeMidEpochIsBitIdentical() throws {
        let data = Self.tinySet()
        let full = try Trainer(recipe: Self.tinyRecipe, data: data)
        _ = try full.run()

        let path = tempPath("ckpt.safetensors")
        let stop = StopFlag()
        let first = try Trainer(recipe: Self.tinyRecipe, data: data)
        let outcome = try first.run(checkpointPath: path, stop: stop, progress: {
            if $0.epoch == 2 && $0.batch == 3 { stop.request() }
        })
        XCTAssertEqual(outcome, .interrupted(epoch: 2, batch: 3))
        let resumed = try Checkpoint.restore(path: path, data: data)
        XCTAssertEqual(resumed.epochsDone, 1)
        XCTAssertEqual(resumed.batchesDone, 3)
        _ = try resumed.run()
        Self.assertSameState(full, resumed)
    }

    /// What Ctrl-C does in `digitgen train`: the flag is set while a batch runs; the trainer
    /// finishes that batch and leaves a checkpoint that loads and continues.
    func testStopRequestLeavesValidCheckpoint() throws {
        let data = Self.tinySet()
        let path = tempPath("ckpt.safetensors")
        let stop = StopFlag()
        stop.request()
        let trainer = try Trainer(recipe: Self.tinyRecipe, data: data)
        XCTAssertEqual(try trainer.run(checkpointPath: path, stop: stop), .interrupted(epoch: 1, batch: 1))
        let file = try SafeTensors.read(path: path)
        XCTAssertEqual(file.metadata["format"], Checkpoint.format)
        XCTAssertEqual(file.metadata["adam_step"], "1")
        XCTAssertEqual(file.metadata["batches_done"], "1")
        XCTAssertEqual(file.tensors["adam.m.fc1.weight"]?.shape, [12, 19])
        XCTAssertEqual(file.tensors["fc4.bias"]?.values, trainer.model.parameters.values("fc4.bias"))
        let resumed = try Checkpoint.restore(path: path, data: data)
        XCTAssertEqual(resumed.adam.step, 1)
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(resumed.adam.step, 3 * 8)
    }

    func testTwoThreadsAreReproducible() throws {
        var recipe = Self.tinyRecipe
        recipe.threads = 2
        recipe.hidden = 200   // large enough for the products to be split
        let data = Self.tinySet(count: 40)
        let a = try Trainer(recipe: recipe, data: data), b = try Trainer(recipe: recipe, data: data)
        _ = try a.run()
        _ = try b.run()
        Self.assertSameState(a, b)
    }

    func testScheduleHooks() {
        var r = TrainingRecipe()
        XCTAssertEqual(r.klWeight(epoch: 0, batch: 0, batchesPerEpoch: 10), 1)
        XCTAssertEqual(r.learningRate(step: 100, totalSteps: 200), 1e-3)
        r.klWarmupEpochs = 2
        r.learningRateDecay = .cosine
        XCTAssertEqual(r.klWeight(epoch: 0, batch: 0, batchesPerEpoch: 10), 0)
        XCTAssertEqual(r.klWeight(epoch: 1, batch: 0, batchesPerEpoch: 10), 0.5)
        XCTAssertEqual(r.klWeight(epoch: 3, batch: 5, batchesPerEpoch: 10), 1)
        XCTAssertEqual(r.learningRate(step: 0, totalSteps: 200), 1e-3)
        XCTAssertEqual(r.learningRate(step: 100, totalSteps: 200), 5e-4, accuracy: 1e-12)
        XCTAssertEqual(r.learningRate(step: 200, totalSteps: 200), 0, accuracy: 1e-12)
    }

    func testNaNLossStopsWithEpochAndBatch() throws {
        var recipe = Self.tinyRecipe
        recipe.learningRate = 1e30
        let trainer = try Trainer(recipe: recipe, data: Self.tinySet())
        XCTAssertThrowsError(try trainer.run()) { error in
            guard case TrainingError.nonFiniteLoss(let epoch, let batch, _)? = error as? TrainingError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(epoch, 1)
            XCTAssertGreaterThan(batch, 1)
            XCTAssertTrue("\(error)".contains("epoch 1, batch \(batch)"))
        }
    }

    /// A resumed run that diverges names the checkpoint it resumed from as the last good one.
    func testNaNAfterResumeNamesTheResumedCheckpoint() throws {
        var recipe = Self.tinyRecipe
        recipe.learningRate = 1e30
        let data = Self.tinySet()
        let path = tempPath("ckpt.safetensors")
        let stop = StopFlag()
        let first = try Trainer(recipe: recipe, data: data)
        let outcome = try first.run(checkpointPath: path, stop: stop, progress: { if $0.batch == 1 { stop.request() } })
        XCTAssertEqual(outcome, .interrupted(epoch: 1, batch: 1))
        let resumed = try Checkpoint.restore(path: path, data: data)
        XCTAssertEqual(resumed.lastGoodCheckpoint, path)
        XCTAssertThrowsError(try resumed.run()) { error in
            guard case TrainingError.nonFiniteLoss(_, _, let checkpoint)? = error as? TrainingError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(checkpoint, path)
        }
    }

    func testBadRecipesAreRejected() {
        let data = Self.tinySet()
        func with(_ change: (inout TrainingRecipe) -> Void) -> TrainingRecipe {
            var r = Self.tinyRecipe
            change(&r)
            return r
        }
        let cases: [(TrainingRecipe, String)] = [
            (with { $0.epochs = 0 }, "epochs must be at least 1"),
            (with { $0.batchSize = 0 }, "batch size must be at least 1"),
            (with { $0.epochs = Int.max }, "epochs must be at most 1000000"),
            (with { $0.hidden = 1 << 40 }, "hidden size must be at most 8192"),
            (with { $0.latent = 5000 }, "latent size at most 1024"),
            (with { $0.threads = 1 << 40 }, "threads must be at most 256"),
            (with { $0.batchSize = 61 }, "batch size 61 is larger than the training set (60 images)"),
            (with { $0.learningRate = 0 }, "learning rate"),
            (with { $0.learningRate = -1 }, "learning rate"),
            (with { $0.learningRate = .nan }, "learning rate"),
            (with { $0.learningRate = .infinity }, "learning rate"),
            (with { $0.klWarmupEpochs = -1 }, "warm-up"),
            (with { $0.threads = 0 }, "threads"),
        ]
        for (recipe, text) in cases {
            XCTAssertThrowsError(try Trainer(recipe: recipe, data: data)) { error in
                XCTAssertTrue("\(error)".contains(text), "\(error)")
            }
        }
    }

    func testBadDataIsRejected() {
        XCTAssertThrowsError(try LabeledImages(pixels: [UInt8](repeating: 0, count: 32), labels: [0], pixelsPerImage: 16)) {
            XCTAssertTrue("\($0)".contains("2 images but 1 labels"), "\($0)")
        }
        XCTAssertThrowsError(try LabeledImages(pixels: [UInt8](repeating: 0, count: 33), labels: [0, 1], pixelsPerImage: 16))
        XCTAssertThrowsError(try LabeledImages(pixels: [], labels: [], pixelsPerImage: 16))
        XCTAssertThrowsError(try LabeledImages(pixels: [UInt8](repeating: 0, count: 16), labels: [10], pixelsPerImage: 16))
    }

    func testBadCheckpointsAreRejected() throws {
        let data = Self.tinySet()
        // A weights file is not a checkpoint.
        let weights = tempPath("weights.safetensors")
        try WeightsFile.save(CVAE(config: Self.tinyRecipe.config(pixels: 16, classes: 3), seed: 1), to: weights, metadata: [:])
        XCTAssertThrowsError(try Checkpoint.restore(path: weights, data: data)) { error in
            XCTAssertTrue("\(error)".contains("not a training checkpoint"), "\(error)")
        }
        // A checkpoint of another data set.
        let path = tempPath("ckpt.safetensors")
        let stop = StopFlag()
        stop.request()
        _ = try Trainer(recipe: Self.tinyRecipe, data: data).run(checkpointPath: path, stop: stop)
        XCTAssertThrowsError(try Checkpoint.restore(path: path, data: Self.tinySet(seed: 99).prefix(50))) { error in
            XCTAssertTrue("\(error)".contains("different training set"), "\(error)")
        }
        XCTAssertThrowsError(try Checkpoint.restore(path: tempPath("missing.safetensors"), data: data))
    }

    /// A short run on 2,000 real MNIST images lowers the -ELBO on them by a fixed margin
    /// (measured: about 546 nats at initialisation, about 215 after two epochs).
    func testShortRunOnRealMNISTLowersLoss() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        guard FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("MNIST not found at \(dir) (../shared/mnist from the repository); skipping the real-data run")
        }
        let mnist = try MNIST.load(directory: dir, requireTest: false)
        let all = try LabeledImages(pixels: mnist.train.images.pixels, labels: mnist.train.labels, pixelsPerImage: 784)
        let data = all.prefix(2000)
        let recipe = TrainingRecipe(epochs: 2, batchSize: 100, seed: 1, threads: 2)
        let trainer = try Trainer(recipe: recipe, data: data)
        // The loss of the first batch is the loss at initialisation.
        var before = 0.0
        _ = try trainer.run(progress: { if $0.epoch == 1 && $0.batch == 1 { before = $0.runningLoss } })
        let after = try Evaluator(model: trainer.model, threads: 2).negativeELBO(data, draws: 1, seed: 3).total
        print(String(format: "2000 MNIST images, 2 epochs: -ELBO %.1f -> %.1f nats; train loss by epoch %@",
                     before, after, trainer.history.map { String(format: "%.1f", $0.trainLoss) }.joined(separator: ", ")))
        XCTAssertGreaterThan(before, 500)
        XCTAssertLessThan(after, before - 250)
        XCTAssertLessThan(trainer.history[1].trainLoss, trainer.history[0].trainLoss - 50)
    }
}
