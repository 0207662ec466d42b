import Foundation
import XCTest
@testable import DigitCore

/// The shipped weights against issue 12's targets on the real MNIST test set, judged by the
/// shipped CNN, and against the figures recorded in their own `__metadata__` (which
/// docs/MODEL.md and the README quote).
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
    /// the file's default temperature, sample seed 0) judged by the shipped CNN meet issue 12's
    /// targets and reproduce the recorded figures.
    func testDefaultSamplesMeetTheTargetsAndTheRecordedFigures() throws {
        let (model, classifier, test) = try shipped()
        XCTAssertNotNil(model.prior, "the shipped weights carry the fitted prior")
        XCTAssertTrue(classifier.config.isConvolutional, "the shipped judge is the CNN")
        let t = try XCTUnwrap(model.metadata[CVAE.defaultTemperatureKey].flatMap(Float.init), "the shipped weights record a default temperature")
        XCTAssertEqual(model.defaultTemperature, t)
        let r = try SampleQuality.evaluate(model: model, classifier: classifier, test: test,
                                           options: .init(temperature: model.defaultTemperature))
        XCTAssertTrue(r.usedFittedPrior)
        print(String(format: "shipped weights, 1000 samples per digit at temperature %.2f: accuracy %.4f, worst digit %.4f, diversity %.4f",
                     t, r.accuracy, r.worstAccuracy, r.meanDiversity))
        XCTAssertTrue(TemperatureSweep.Targets().met(by: r), "misses \(TemperatureSweep.Targets().misses(r))")
        XCTAssertGreaterThanOrEqual(r.accuracy, 0.995)
        XCTAssertGreaterThanOrEqual(r.worstAccuracy, 0.985)
        XCTAssertGreaterThanOrEqual(r.meanDiversity, 0.85)
        // The same figures as `eval --record` stored (a BLAS of another machine may move a
        // borderline sample or two, hence the tolerance).
        let meta = model.metadata
        XCTAssertEqual(r.accuracy, try XCTUnwrap(meta["quality_accuracy"].flatMap(Double.init)), accuracy: 0.002)
        XCTAssertEqual(r.worstAccuracy, try XCTUnwrap(meta["quality_worst_accuracy"].flatMap(Double.init)), accuracy: 0.003)
        XCTAssertEqual(r.meanDiversity, try XCTUnwrap(meta["quality_mean_diversity"].flatMap(Double.init)), accuracy: 0.002)
        XCTAssertEqual(meta["quality_samples_per_digit"], "1000")
        XCTAssertEqual(meta["quality_prior"], "fitted")
        XCTAssertEqual(meta["quality_seed"], "0")
        XCTAssertEqual(meta["quality_temperature"].flatMap(Float.init), t)
        XCTAssertEqual(meta["quality_classifier"], Resources.classifierFileName)
    }

    /// Test -ELBO of the shipped 1,700-epoch weights: 93.50 nats (`digitgen eval`, five noise
    /// draws; one here, 93.48): issue 12's target of 93.7 is met, and the recorded figure is
    /// the measured one.
    func testNegativeELBOIsTheMeasuredFigure() throws {
        let (model, _, test) = try shipped()
        let elbo = try Evaluator(model: model, threads: 2).negativeELBO(test, draws: 1, seed: 0)
        print(String(format: "shipped weights, test -ELBO (1 draw): %.3f nats", elbo.total))
        XCTAssertLessThanOrEqual(elbo.total, 93.7)
        XCTAssertEqual(elbo.total, try XCTUnwrap(model.metadata["eval_negative_elbo"].flatMap(Double.init)), accuracy: 0.1)
    }
}
