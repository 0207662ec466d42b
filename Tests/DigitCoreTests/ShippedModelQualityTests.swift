import Foundation
import XCTest
@testable import DigitCore

/// The shipped weights against issue 4's targets on the real MNIST test set, and against the
/// figures recorded in their own `__metadata__` (which docs/MODEL.md and the README quote).
final class ShippedModelQualityTests: XCTestCase {
    private func shipped() throws -> (model: CVAE, classifier: Classifier, test: LabeledImages) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let mnist = root.deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        guard FileManager.default.fileExists(atPath: mnist + "/t10k-images-idx3-ubyte.gz") else {
            throw XCTSkip("MNIST not found at \(mnist) (../shared/mnist from the repository); skipping the shipped-model check")
        }
        let model = try WeightsFile.load(path: root.appendingPathComponent("resources/\(Resources.weightsFileName)").path)
        let classifier = try ClassifierFile.load(path: root.appendingPathComponent("resources/\(Resources.classifierFileName)").path)
        let images = try IDX.readImages(path: mnist + "/t10k-images-idx3-ubyte.gz")
        let labels = try IDX.readLabels(path: mnist + "/t10k-labels-idx1-ubyte.gz")
        return (model, classifier, try LabeledImages(pixels: images.pixels, labels: labels, pixelsPerImage: 784))
    }

    /// `digitgen eval --samples 1000` without the novelty column: default samples (fitted prior,
    /// temperature 1, sample seed 0) meet the targets and reproduce the recorded figures.
    func testDefaultSamplesMeetTheTargetsAndTheRecordedFigures() throws {
        let (model, classifier, test) = try shipped()
        XCTAssertNotNil(model.prior, "the shipped weights carry the fitted prior")
        let r = try SampleQuality.evaluate(model: model, classifier: classifier, test: test)
        XCTAssertTrue(r.usedFittedPrior)
        print(String(format: "shipped weights, 1000 default samples per digit: accuracy %.4f, worst digit %.4f, diversity %.4f",
                     r.accuracy, r.worstAccuracy, r.meanDiversity))
        XCTAssertGreaterThanOrEqual(r.accuracy, 0.98)
        XCTAssertGreaterThanOrEqual(r.worstAccuracy, 0.95)
        XCTAssertGreaterThanOrEqual(r.meanDiversity, 0.75)
        // The same figures as `eval --record` stored (a BLAS of another machine may move a
        // borderline sample or two, hence the tolerance).
        let meta = model.metadata
        XCTAssertEqual(r.accuracy, try XCTUnwrap(meta["quality_accuracy"].flatMap(Double.init)), accuracy: 0.002)
        XCTAssertEqual(r.worstAccuracy, try XCTUnwrap(meta["quality_worst_accuracy"].flatMap(Double.init)), accuracy: 0.003)
        XCTAssertEqual(r.meanDiversity, try XCTUnwrap(meta["quality_mean_diversity"].flatMap(Double.init)), accuracy: 0.002)
        XCTAssertEqual(meta["quality_samples_per_digit"], "1000")
        XCTAssertEqual(meta["quality_prior"], "fitted")
        XCTAssertEqual(meta["quality_seed"], "0")
    }

    /// Test -ELBO at most 97 nats (one noise draw; `digitgen eval` averages five: 95.77).
    func testNegativeELBOIsAtMost97Nats() throws {
        let (model, _, test) = try shipped()
        let elbo = try Evaluator(model: model, threads: 2).negativeELBO(test, draws: 1, seed: 0)
        print(String(format: "shipped weights, test -ELBO (1 draw): %.3f nats", elbo.total))
        XCTAssertLessThanOrEqual(elbo.total, 97)
        XCTAssertEqual(elbo.total, try XCTUnwrap(model.metadata["eval_negative_elbo"].flatMap(Double.init)), accuracy: 0.1)
    }
}
