import Foundation
import XCTest
@testable import DigitCore

final class EvaluatorTests: XCTestCase {
    /// IWAE with K = 1 is the ELBO; more samples give a tighter (smaller) bound.
    func testIWAEBoundsAgreeWithELBO() throws {
        let data = TrainerTests.tinySet(count: 200)
        let trainer = try Trainer(recipe: TrainerTests.tinyRecipe, data: data)
        _ = try trainer.run()
        let evaluator = Evaluator(model: trainer.model, threads: 1)
        let elbo = try evaluator.negativeELBO(data, draws: 40, seed: 1).total
        let iwae1 = try evaluator.negativeIWAE(data, samples: 1, seed: 2)
        let iwae64 = try evaluator.negativeIWAE(data, samples: 64, seed: 3)
        print(String(format: "-ELBO %.3f, IWAE K=1 %.3f, K=64 %.3f", elbo, iwae1, iwae64))
        XCTAssertEqual(iwae1, elbo, accuracy: 1.0)
        XCTAssertLessThan(iwae64, elbo)
        XCTAssertLessThan(iwae64, iwae1)
        XCTAssertGreaterThan(iwae64, 0)
    }

    func testELBOPartsAndDeterminism() throws {
        let data = TrainerTests.tinySet(count: 30)
        let model = CVAE(config: TrainerTests.tinyRecipe.config(pixels: 16, classes: 3), seed: 4)
        let a = try Evaluator(model: model, threads: 1).negativeELBO(data, draws: 3, seed: 9)
        let b = try Evaluator(model: model, threads: 2).negativeELBO(data, draws: 3, seed: 9)
        XCTAssertEqual(a.total, b.total, accuracy: 1e-9 * a.total)
        XCTAssertGreaterThan(a.kl, 0)
        XCTAssertGreaterThan(a.bce, 0)
        XCTAssertThrowsError(try Evaluator(model: model, threads: 1).negativeIWAE(data, samples: 0))
        let wrongShape = try LabeledImages(pixels: [UInt8](repeating: 0, count: 20), labels: [1], pixelsPerImage: 20, classes: 3)
        XCTAssertThrowsError(try Evaluator(model: model, threads: 1).negativeELBO(wrongShape))
    }

    /// Each digit's -ELBO is the -ELBO of that digit's images alone; their count-weighted mean is
    /// the whole set's (up to the noise of a different draw order).
    func testNegativeELBOByClassSplitsTheSetByLabel() throws {
        let data = TrainerTests.tinySet(count: 31)   // labels 0, 1, 2, 0, ...: 11, 10, 10 images
        let model = CVAE(config: TrainerTests.tinyRecipe.config(pixels: 16, classes: 3), seed: 4)
        let evaluator = Evaluator(model: model, threads: 1)
        let ones = try XCTUnwrap(data.only(label: 1))
        XCTAssertEqual(ones.count, 10)
        XCTAssertEqual(ones.labels, [UInt8](repeating: 1, count: 10))
        XCTAssertEqual(Array(ones.pixels[16..<32]), Array(data.pixels[4 * 16..<5 * 16]))   // image 4 is the second 1
        let byClass = try evaluator.negativeELBOByClass(data, draws: 200, seed: 9)
        XCTAssertEqual(byClass.count, 3)
        for c in 0..<3 {
            let alone = try evaluator.negativeELBO(try XCTUnwrap(data.only(label: c)), draws: 200, seed: 9)
            XCTAssertEqual(try XCTUnwrap(byClass[c]), alone)
        }
        let whole = try evaluator.negativeELBO(data, draws: 200, seed: 9).total
        let mean = (11 * byClass[0]!.total + 10 * byClass[1]!.total + 10 * byClass[2]!.total) / 31
        XCTAssertEqual(mean, whole, accuracy: 0.01 * whole)
        // A class without images has no figure.
        XCTAssertNil(try evaluator.negativeELBOByClass(data.prefix(2), draws: 1)[2])
        XCTAssertNil(data.prefix(2).only(label: 2))
    }
}
