import Foundation
import XCTest
@testable import DigitCore

/// Fine-tuning from given weights, and training only the encoder (issue 12): the decoder,
/// which is all that generated images depend on, must come out bit for bit as it went in.
final class EncoderFineTuneTests: XCTestCase {
    static let decoderNames = ["fc3.weight", "fc3.bias", "fc4.weight", "fc4.bias"]
    static let encoderNames = ["fc1.weight", "fc1.bias", "fc21.weight", "fc21.bias", "fc22.weight", "fc22.bias"]

    /// Weights trained for two epochs by the full recipe: a decoder worth keeping.
    func trainedStart(_ data: LabeledImages) throws -> CVAE {
        var recipe = TrainerTests.tinyRecipe
        recipe.epochs = 2
        let trainer = try Trainer(recipe: recipe, data: data)
        XCTAssertEqual(try trainer.run(), .finished)
        return trainer.model
    }

    static var encoderRecipe: TrainingRecipe {
        var r = TrainerTests.tinyRecipe
        r.seed = 9
        r.learningRateDecay = .cosine
        r.trainedParameters = .encoder
        return r
    }

    func bits(_ model: CVAE, _ name: String) -> [UInt32] { model.parameters.values(name).map(\.bitPattern) }

    func testEncoderOnlyTrainingKeepsTheDecoderBitForBit() throws {
        let data = TrainerTests.tinySet()
        let start = try trainedStart(data)
        let before = ParameterStore(copying: start.parameters)
        let trainer = try Trainer(recipe: Self.encoderRecipe, data: data, initialWeights: start)
        XCTAssertEqual(try trainer.run(), .finished)
        XCTAssertEqual(trainer.adam.step, 3 * 8)
        for name in Self.decoderNames {
            XCTAssertEqual(bits(trainer.model, name), before.values(name).map(\.bitPattern), "\(name) changed")
            XCTAssertTrue(trainer.adam.m.values(name).allSatisfy { $0 == 0 }, "Adam moments of \(name) moved")
            XCTAssertTrue(trainer.adam.v.values(name).allSatisfy { $0 == 0 }, "Adam moments of \(name) moved")
        }
        for name in Self.encoderNames {
            XCTAssertNotEqual(trainer.model.parameters.values(name), before.values(name), "\(name) was not trained")
        }
        // The initial model is copied, not trained in place.
        XCTAssertEqual(Array(start.parameters.buffer), Array(before.buffer))
        XCTAssertEqual(trainer.trainedElements, 0..<before.view("fc3.weight")!.offset)
    }

    /// Fine-tuning the encoder lowers the fixed decoder's -ELBO on the training set (measured:
    /// 11.087 -> 11.008 nats; the random images leave the decoder, not the encoder, most of the loss).
    func testEncoderOnlyTrainingLowersTheTrainingLoss() throws {
        let data = TrainerTests.tinySet()
        let start = try trainedStart(data)
        let before = try Evaluator(model: start, threads: 1).negativeELBO(data, draws: 20, seed: 4).total
        var recipe = Self.encoderRecipe
        recipe.epochs = 60
        recipe.learningRate = 1e-2
        let trainer = try Trainer(recipe: recipe, data: data, initialWeights: start)
        _ = try trainer.run()
        let after = try Evaluator(model: trainer.model, threads: 1).negativeELBO(data, draws: 20, seed: 4).total
        XCTAssertLessThan(after, before - 0.04, "before \(before), after \(after)")
    }

    /// With the decoder frozen, the objective leaves its gradients alone and gives the encoder
    /// exactly the gradients of the full backward pass.
    func testFrozenDecoderGradientsMatchTheFullPass() throws {
        let data = TrainerTests.tinySet()
        let model = try trainedStart(data)
        let c = model.config
        let objective = CVAEObjective(config: c, capacity: 8, threads: 1)
        for r in 0..<8 {
            data.pixels.withUnsafeBufferPointer { objective.setExample(row: r, pixels: $0.baseAddress! + r * 16, label: Int(data.labels[r])) }
        }
        let full = ParameterStore(copying: model.parameters), frozen = ParameterStore(copying: model.parameters)
        full.zero()
        frozen.zero()
        var rngA = Xoshiro256(seed: 3), rngB = Xoshiro256(seed: 3)
        let a = objective.lossAndGradient(parameters: model.parameters, gradients: full, count: 8, rng: &rngA)
        let b = objective.lossAndGradient(parameters: model.parameters, gradients: frozen, count: 8,
                                          decoderGradients: false, rng: &rngB)
        XCTAssertEqual(a, b)
        for name in Self.encoderNames {
            XCTAssertEqual(full.values(name).map(\.bitPattern), frozen.values(name).map(\.bitPattern), name)
        }
        for name in Self.decoderNames {
            XCTAssertTrue(frozen.values(name).allSatisfy { $0 == 0 }, name)
            XCTAssertTrue(full.values(name).contains { $0 != 0 }, name)
        }
    }

    func testEncoderOnlyResumeMidEpochIsBitIdentical() throws {
        let data = TrainerTests.tinySet(), test = TrainerTests.tinySet(count: 20, seed: 12)
        let start = try trainedStart(data)
        let full = try Trainer(recipe: Self.encoderRecipe, data: data, test: test, initialWeights: start)
        XCTAssertEqual(try full.run(), .finished)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digitgen-finetune-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ckpt.safetensors").path
        let stop = StopFlag()
        let first = try Trainer(recipe: Self.encoderRecipe, data: data, test: test, initialWeights: start)
        let outcome = try first.run(checkpointPath: path, stop: stop, progress: {
            if $0.epoch == 2 && $0.batch == 5 { stop.request() }
        })
        XCTAssertEqual(outcome, .interrupted(epoch: 2, batch: 5))
        let resumed = try Checkpoint.restore(path: path, data: data, test: test)
        XCTAssertEqual(resumed.recipe.trainedParameters, .encoder)
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(Array(full.model.parameters.buffer).map(\.bitPattern), Array(resumed.model.parameters.buffer).map(\.bitPattern))
        XCTAssertEqual(Array(full.adam.m.buffer), Array(resumed.adam.m.buffer))
        XCTAssertEqual(Array(full.adam.v.buffer), Array(resumed.adam.v.buffer))
        XCTAssertEqual(full.rng, resumed.rng)
        XCTAssertEqual(full.history.map(\.trainLoss), resumed.history.map(\.trainLoss))
        XCTAssertEqual(full.history.map(\.testLoss), resumed.history.map(\.testLoss))
        for name in Self.decoderNames { XCTAssertEqual(bits(resumed.model, name), bits(start, name), "\(name) changed") }
    }

    func testEncoderOnlyNeedsInitialWeightsOfTheRightShape() throws {
        let data = TrainerTests.tinySet()
        XCTAssertThrowsError(try Trainer(recipe: Self.encoderRecipe, data: data)) { error in
            XCTAssertTrue("\(error)".contains("training only the encoder needs initial weights"), "\(error)")
        }
        let other = CVAE(config: CVAEConfig(pixels: 16, classes: 3, hidden: 13, latent: 3), seed: 1)
        XCTAssertThrowsError(try Trainer(recipe: Self.encoderRecipe, data: data, initialWeights: other)) { error in
            XCTAssertTrue("\(error)".contains("the initial weights are"), "\(error)")
        }
    }

    /// `--init` with the full recipe starts from the given weights and trains every tensor.
    func testInitialWeightsWithTheFullRecipeTrainEverything() throws {
        let data = TrainerTests.tinySet()
        let start = try trainedStart(data)
        var recipe = Self.encoderRecipe
        recipe.trainedParameters = .all
        let trainer = try Trainer(recipe: recipe, data: data, initialWeights: start)
        // The first batch starts from the given weights: its loss is that of a trained model.
        var first = 0.0
        _ = try trainer.run(progress: { if $0.epoch == 1 && $0.batch == 1 { first = $0.runningLoss } })
        let fresh = try Trainer(recipe: recipe, data: data)
        var freshFirst = 0.0
        _ = try fresh.run(progress: { if $0.epoch == 1 && $0.batch == 1 { freshFirst = $0.runningLoss } })
        XCTAssertLessThan(first, freshFirst)
        for name in Self.decoderNames + Self.encoderNames {
            XCTAssertNotEqual(trainer.model.parameters.values(name), start.parameters.values(name), "\(name) was not trained")
        }
    }

    /// Checkpoints written before the option existed hold recipes without it: they trained everything.
    func testRecipeWithoutTrainedParametersReadsAsAll() throws {
        var json = TrainerTests.tinyRecipe.json()
        XCTAssertTrue(json.contains("\"trainedParameters\":\"all\""), json)
        json = json.replacingOccurrences(of: ",\"trainedParameters\":\"all\"", with: "")
        XCTAssertFalse(json.contains("trainedParameters"), json)
        XCTAssertEqual(try TrainingRecipe.from(json: json), TrainerTests.tinyRecipe)
        XCTAssertEqual(try TrainingRecipe.from(json: Self.encoderRecipe.json()), Self.encoderRecipe)
        XCTAssertEqual(Self.encoderRecipe.metadata["trained_parameters"], "encoder")
        XCTAssertEqual(TrainingRecipe.TrainedParameters.encoder.tensorNames(CVAEConfig()), Self.encoderNames)
        XCTAssertThrowsError(try TrainingRecipe.from(json: json.replacingOccurrences(of: "\"seed\":5", with: "\"seed\":\"x\"")))
    }

    /// Augmented training draws its rotations and shifts from the run's generator, so it is
    /// reproducible and resumes bit for bit; the recipe checks its ranges.
    func testAugmentedRunResumesBitForBit() throws {
        // 16-pixel images are 4 x 4: square, so they can be rotated.
        let data = TrainerTests.tinySet()
        var recipe = TrainerTests.tinyRecipe
        recipe.augmentRotation = 10
        recipe.augmentShift = 1
        recipe.weightDecay = 0.01
        let full = try Trainer(recipe: recipe, data: data)
        _ = try full.run()
        let plain = try Trainer(recipe: TrainerTests.tinyRecipe, data: data)
        _ = try plain.run()
        XCTAssertNotEqual(Array(full.model.parameters.buffer), Array(plain.model.parameters.buffer))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digitgen-augment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ckpt.safetensors").path
        let stop = StopFlag()
        let first = try Trainer(recipe: recipe, data: data)
        _ = try first.run(checkpointPath: path, stop: stop, progress: { if $0.epoch == 2 && $0.batch == 2 { stop.request() } })
        let resumed = try Checkpoint.restore(path: path, data: data)
        XCTAssertEqual(resumed.recipe, recipe)
        _ = try resumed.run()
        XCTAssertEqual(Array(full.model.parameters.buffer).map(\.bitPattern), Array(resumed.model.parameters.buffer).map(\.bitPattern))
        XCTAssertEqual(full.rng, resumed.rng)

        for (change, text) in [({ (r: inout TrainingRecipe) in r.augmentRotation = 46 }, "rotation must be in 0-45"),
                               ({ (r: inout TrainingRecipe) in r.augmentRotation = .nan }, "rotation must be in 0-45"),
                               ({ (r: inout TrainingRecipe) in r.augmentShift = -1 }, "shift must be in 0-8"),
                               ({ (r: inout TrainingRecipe) in r.weightDecay = -1 }, "weight decay"),
                               ({ (r: inout TrainingRecipe) in r.weightDecay = 1e4 }, "weight decay")] {
            var bad = TrainerTests.tinyRecipe
            change(&bad)
            XCTAssertThrowsError(try Trainer(recipe: bad, data: data)) { XCTAssertTrue("\($0)".contains(text), "\($0)") }
        }
        let oblong = try LabeledImages(pixels: [UInt8](repeating: 9, count: 60 * 15), labels: (0..<60).map { UInt8($0 % 3) },
                                       pixelsPerImage: 15, classes: 3)
        XCTAssertThrowsError(try Trainer(recipe: recipe, data: oblong)) { XCTAssertTrue("\($0)".contains("square images"), "\($0)") }
    }
}
