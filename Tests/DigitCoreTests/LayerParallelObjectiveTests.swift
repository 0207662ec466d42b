import CDigitKernels
import Foundation
import XCTest
@testable import DigitCore

/// The step with the layers split between two threads (`LayerParallelObjective`): its loss and
/// gradient are one thread's up to the summation order, its update is Adam's on that gradient
/// bit for bit, runs repeat bit for bit, a non-finite loss changes nothing, and the trainer
/// takes it when it applies.
final class LayerParallelObjectiveTests: XCTestCase {
    /// A small model, and the real one (400 units cut in half, 784 pixels at 400).
    let configs = [CVAEConfig(pixels: 16, classes: 3, hidden: 23, latent: 3), CVAEConfig.mnist]

    /// `count` images with about 20% of their pixels lit, as MNIST's are.
    func images(_ config: CVAEConfig, count: Int, seed: UInt64) -> LabeledImages {
        var rng = Xoshiro256(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * config.pixels)
        for i in pixels.indices where rng.nextDouble() < 0.2 { pixels[i] = UInt8(1 + rng.nextInt(below: 255)) }
        let labels = (0..<count).map { UInt8($0 % config.classes) }
        return try! LabeledImages(pixels: pixels, labels: labels, pixelsPerImage: config.pixels, classes: config.classes)
    }

    /// One step of `objective` on the first n rows of `data`.
    func step(_ objective: LayerParallelObjective, _ p: ParameterStore, _ adam: Adam, _ data: LabeledImages, n: Int,
              rng: inout Xoshiro256, lr: Double = 1e-3, clearing: Bool = true) -> LossParts {
        let size = data.pixelsPerImage
        return data.pixels.withUnsafeBufferPointer { px in
            Parallel.withSpinningWorkers(2) {
                objective.step(parameters: p, count: n, klWeight: 0.7, adam: adam, lr: lr, weightDecay: 0, rng: &rng,
                               clearingGradient: clearing) { r in (px.baseAddress! + r * size, Int(data.labels[r])) }
            }
        }
    }

    func testLossAndGradientAreOneThreads() throws {
        for config in configs {
            let m = CVAE(config: config, seed: 3)
            let data = images(config, count: 64, seed: 5)
            for n in [1, 17, 64] {
                // One thread: CVAEObjective on the same rows and the same noise.
                let one = CVAEObjective(config: config, capacity: 64, threads: 1)
                for r in 0..<n {
                    data.pixels.withUnsafeBufferPointer { px in
                        one.setExample(row: r, pixels: px.baseAddress! + r * config.pixels, label: Int(data.labels[r]))
                    }
                }
                let g1 = ParameterStore(specs: m.parameters.views.map { ($0.name, $0.shape) })
                var rng1 = Xoshiro256(seed: 9)
                let loss1 = one.lossAndGradient(parameters: m.parameters, gradients: g1, count: n, klWeight: 0.7, rng: &rng1)

                // Split: lr 0 leaves the parameters as they were; the gradient is kept whole.
                let p = ParameterStore(copying: m.parameters)
                let split = try XCTUnwrap(LayerParallelObjective(config: config, capacity: 64, layout: p))
                var rng2 = Xoshiro256(seed: 9)
                let loss2 = step(split, p, Adam(like: p), data, n: n, rng: &rng2, lr: 0, clearing: false)
                XCTAssertEqual(rng1, rng2, "the noise is drawn as one thread draws it")
                XCTAssertEqual(loss2.bce, loss1.bce, accuracy: 1e-5 * abs(loss1.bce), "\(config.hidden) units, \(n) rows")
                XCTAssertEqual(loss2.kl, loss1.kl, accuracy: 1e-5 * abs(loss1.kl) + 1e-6, "\(config.hidden) units, \(n) rows")
                let a = Array(g1.buffer), b = Array(split.gradient.buffer)
                var err: Float = 0
                for k in a.indices { err = max(err, abs(a[k] - b[k]) / max(1, abs(a[k]))) }
                XCTAssertLessThan(err, 1e-4, "\(config.hidden) units, \(n) rows")
                XCTAssertEqual(Array(p.buffer), Array(m.parameters.buffer), "lr 0 changes nothing")
            }
        }
    }

    /// The parts update every element once, with the step's constants: the same bits as
    /// `Adam.update` on the gradient the step formed.
    func testTheUpdateIsAdamsOnItsGradient() throws {
        for config in configs {
            let m = CVAE(config: config, seed: 4)
            let data = images(config, count: 40, seed: 6)
            let p = ParameterStore(copying: m.parameters), adam = Adam(like: p)
            let split = try XCTUnwrap(LayerParallelObjective(config: config, capacity: 64, layout: p))
            var rng = Xoshiro256(seed: 1)
            _ = step(split, p, adam, data, n: 40, rng: &rng, clearing: false)
            XCTAssertEqual(adam.step, 1)
            let reference = ParameterStore(copying: m.parameters), referenceAdam = Adam(like: reference)
            referenceAdam.update(parameters: reference, gradients: split.gradient, lr: 1e-3)
            XCTAssertTrue(Array(p.buffer) == Array(reference.buffer), "\(config.hidden) units: parameters")
            XCTAssertTrue(Array(adam.m.buffer) == Array(referenceAdam.m.buffer), "\(config.hidden) units: m")
            XCTAssertTrue(Array(adam.v.buffer) == Array(referenceAdam.v.buffer), "\(config.hidden) units: v")
            XCTAssertNotEqual(Array(p.buffer), Array(m.parameters.buffer))
        }
    }

    /// Three steps twice from the same start: the same bits (the packs refilled by each part
    /// from its own update included), and fc1's gradient cleared for the next step.
    func testRunsRepeatBitForBit() throws {
        let config = CVAEConfig.mnist
        let data = images(config, count: 128, seed: 7)
        var states: [[Float]] = []
        for _ in 0..<2 {
            let p = CVAE(config: config, seed: 8).parameters, adam = Adam(like: p)
            let split = try XCTUnwrap(LayerParallelObjective(config: config, capacity: 128, layout: p))
            var rng = Xoshiro256(seed: 2)
            var losses: [Double] = []
            for _ in 0..<3 { losses.append(step(split, p, adam, data, n: 128, rng: &rng).total) }
            XCTAssertLessThan(losses[2], losses[0], "training lowers the loss")
            let fc1 = CVAEWeights(split.gradient, config: config).fc1
            XCTAssertTrue(UnsafeBufferPointer(start: fc1.weight, count: fc1.outFeatures * fc1.inFeatures).allSatisfy { $0 == 0 })
            states.append(Array(p.buffer) + Array(adam.m.buffer) + Array(adam.v.buffer))
        }
        XCTAssertTrue(states[0].map(\.bitPattern) == states[1].map(\.bitPattern))
    }

    func testANonFiniteLossChangesNothing() throws {
        let config = configs[0]
        let p = CVAE(config: config, seed: 5).parameters, adam = Adam(like: p)
        let data = images(config, count: 20, seed: 8)
        let split = try XCTUnwrap(LayerParallelObjective(config: config, capacity: 64, layout: p))
        var rng = Xoshiro256(seed: 3)
        _ = step(split, p, adam, data, n: 20, rng: &rng)
        CVAEWeights(p, config: config).fc4.weight[5] = .nan
        p.markChanged()
        let before = Array(p.buffer).map(\.bitPattern), m = Array(adam.m.buffer), v = Array(adam.v.buffer)
        let generation = p.generation
        let loss = step(split, p, adam, data, n: 20, rng: &rng)
        XCTAssertFalse(loss.total.isFinite)
        XCTAssertEqual(Array(p.buffer).map(\.bitPattern), before)
        XCTAssertEqual(Array(adam.m.buffer), m)
        XCTAssertEqual(Array(adam.v.buffer), v)
        XCTAssertEqual(adam.step, 1)
        XCTAssertEqual(p.generation, generation)
    }

    /// The barrier the parts meet at: no party passes round k before every party has reached
    /// it, for 2000 rounds, also with more parties (3) than this machine has cores (its spin
    /// then yields).
    func testTheBarrierHoldsEveryParty() throws {
        /// The parties' shared counts, behind a lock (the barrier itself is what is tested).
        final class Rounds: @unchecked Sendable {
            let barrier: OpaquePointer, parties: Int
            let lock = NSLock()
            var arrived: [Int]
            var early = 0
            init(barrier: OpaquePointer, parties: Int, rounds: Int) {
                self.barrier = barrier
                self.parties = parties
                arrived = Array(repeating: 0, count: rounds)
            }
            func run() {
                for k in arrived.indices {
                    lock.withLock { arrived[k] += 1 }
                    dk_barrier_wait(barrier)
                    lock.withLock { if arrived[k] != parties { early += 1 } }
                }
            }
        }
        let parties = 3
        let barrier = try XCTUnwrap(dk_barrier_create(Int32(parties)))
        defer { dk_barrier_free(barrier) }
        let rounds = Rounds(barrier: barrier, parties: parties, rounds: 2000), done = DispatchGroup()
        for _ in 0..<parties {
            done.enter()
            Thread { rounds.run(); done.leave() }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "a party is still waiting")
        XCTAssertEqual(rounds.lock.withLock { rounds.early }, 0, "a party passed a round before the others reached it")
    }

    /// The trainer splits the layers on two threads when every parameter is trained without
    /// augmentation, and the batch otherwise; both train to about the same loss.
    func testTheTrainerTakesItWhenItApplies() throws {
        var recipe = TrainerTests.tinyRecipe
        recipe.threads = 2
        recipe.hidden = 23
        recipe.batchSize = 20
        let data = TrainerTests.tinySet(count: 100)
        XCTAssertNotNil(try Trainer(recipe: recipe, data: data).layerParallel)
        var oneThread = recipe
        oneThread.threads = 1
        XCTAssertNil(try Trainer(recipe: oneThread, data: data).layerParallel)
        var augmented = recipe
        augmented.augmentShift = 1
        XCTAssertNil(try Trainer(recipe: augmented, data: data).layerParallel)
        var frozen = recipe
        frozen.trainedParameters = .encoder
        let start = CVAE(config: CVAEConfig(pixels: 16, classes: 3, hidden: 23, latent: 3), seed: 1)
        XCTAssertNil(try Trainer(recipe: frozen, data: data, initialWeights: start).layerParallel)

        let split = try Trainer(recipe: recipe, data: data), one = try Trainer(recipe: oneThread, data: data)
        _ = try split.run()
        _ = try one.run()
        for (a, b) in zip(split.history, one.history) {
            XCTAssertEqual(a.trainLoss, b.trainLoss, accuracy: 1e-3 * abs(b.trainLoss), "epoch \(b.epoch)")
        }
    }
}
