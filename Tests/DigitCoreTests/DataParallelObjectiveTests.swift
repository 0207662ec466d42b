import Foundation
import XCTest
@testable import DigitCore

/// The batch cut into one block per thread (`DataParallelObjective`): the blocks' gradients add
/// up to the whole batch's, the noise does not depend on the split, and training on blocks
/// resumes bit for bit.
final class DataParallelObjectiveTests: XCTestCase {
    let config = CVAEConfig(pixels: 16, classes: 3, hidden: 23, latent: 3)

    /// (loss parts, gradient) of the first n rows of `data` through `threads` blocks.
    func run(_ m: CVAE, _ data: LabeledImages, n: Int, threads: Int, seed: UInt64) -> (LossParts, [Float]) {
        let split = DataParallelObjective(config: config, capacity: 64, threads: threads, layout: m.parameters)
        var rng = Xoshiro256(seed: seed)
        let parts = data.pixels.withUnsafeBufferPointer { px in
            split.lossAndGradient(parameters: m.parameters, count: n, klWeight: 1, decoderGradients: true, rng: &rng) { _, o, rows in
                for r in rows { o.setExample(row: r - rows.lowerBound, pixels: px.baseAddress! + r * 16, label: Int(data.labels[r])) }
            }
        }
        var sum = Array(split.gradients[0].buffer)
        for g in split.gradients.dropFirst() { for (k, v) in g.buffer.enumerated() { sum[k] += v } }
        return (parts, sum)
    }

    func testBlocksAddUpToTheWholeBatch() {
        let data = TrainerTests.tinySet(count: 64)
        let m = CVAE(config: config, seed: 3)
        for n in [5, 37, 64] {
            let (one, g1) = run(m, data, n: n, threads: 1, seed: 7)
            for threads in [2, 3] {
                let (split, gs) = run(m, data, n: n, threads: threads, seed: 7)
                XCTAssertEqual(split.bce, one.bce, accuracy: 1e-4 * abs(one.bce), "\(threads) threads, \(n) rows")
                XCTAssertEqual(split.kl, one.kl, accuracy: 1e-4 * abs(one.kl), "\(threads) threads, \(n) rows")
                var err: Float = 0
                for k in g1.indices { err = max(err, abs(gs[k] - g1[k]) / max(1, abs(g1[k]))) }
                XCTAssertLessThan(err, 1e-4, "\(threads) threads, \(n) rows")
            }
        }
        // 5 rows fit one block of 16: one part takes them all, the other none (its gradient
        // is zero, checked by the sums above).
        let split = DataParallelObjective(config: config, capacity: 64, threads: 2, layout: m.parameters)
        XCTAssertEqual(split.parts, 2)
        XCTAssertEqual(Set([split.rows(part: 0, of: 5), split.rows(part: 1, of: 5)]), Set([0..<0, 0..<5]))
    }

    /// The noise split over parts is the noise drawn in one piece, for any split (odd counts
    /// and a split inside a Box-Muller pair included), and the generator ends in the same state.
    func testSplitNoiseIsTheOnePieceNoise() {
        for count in [1, 7, 60, 61] {
            var a = Xoshiro256(seed: 3), b = a
            let whole = a.gaussians(count)
            let uniforms = UnsafeMutablePointer<Double>.allocate(capacity: count + 2)
            defer { uniforms.deallocate() }
            b.drawGaussianUniforms(uniforms, count: count)
            XCTAssertEqual(a, b)
            for cut in Set([0, 1, count / 2, count / 2 | 1, count].filter { $0 <= count }) {
                var out = [Float](repeating: .nan, count: count)
                out.withUnsafeMutableBufferPointer { o in
                    Xoshiro256.gaussians(fromUniforms: uniforms, values: cut..<count, into: o.baseAddress!)
                    Xoshiro256.gaussians(fromUniforms: uniforms, values: 0..<cut, into: o.baseAddress!)
                }
                XCTAssertEqual(out.map(\.bitPattern), whole.map(\.bitPattern), "\(count) values cut at \(cut)")
            }
        }
    }

    /// Two blocks of a batch of 40: a run stopped mid-epoch resumes to the same bits as one
    /// that was not stopped, and two runs are the same.
    func testTwoBlockTrainingResumesBitForBit() throws {
        var recipe = TrainerTests.tinyRecipe
        recipe.threads = 2
        recipe.batchSize = 40
        recipe.hidden = 23
        let data = TrainerTests.tinySet(count: 100)
        let full = try Trainer(recipe: recipe, data: data)
        XCTAssertEqual(full.objective.parts, 2)
        _ = try full.run()
        let again = try Trainer(recipe: recipe, data: data)
        _ = try again.run()
        TrainerTests.assertSameState(full, again)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digitgen-dp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ckpt.safetensors").path
        let stop = StopFlag()
        let first = try Trainer(recipe: recipe, data: data)
        let outcome = try first.run(checkpointPath: path, stop: stop, progress: {
            if $0.epoch == 2 && $0.batch == 1 { stop.request() }
        })
        XCTAssertEqual(outcome, .interrupted(epoch: 2, batch: 1))
        let resumed = try Checkpoint.restore(path: path, data: data)
        _ = try resumed.run()
        TrainerTests.assertSameState(full, resumed)
    }
}
