import Foundation
import XCTest
@testable import DigitCore

final class SampleQualityTests: XCTestCase {
    let config = CVAEConfig(pixels: 16, classes: 3, hidden: 8, latent: 2)

    func testPairwiseDistanceOfIdenticalImagesIsZero() {
        let image = (0..<784).map { Float(($0 * 31) % 256) / 255 }
        let same = Array([[Float]](repeating: image, count: 50).joined())
        XCTAssertEqual(PairwiseDistance.mean(same, count: 50, dimension: 784), 0)
    }

    func testPairwiseDistanceOfKnownPoints() {
        // Points 0, 3 and 4 units along one axis: distances 3, 4, 1 -> mean 8/3.
        var x = [Float](repeating: 0.5, count: 3 * 10)
        x[1 * 10 + 7] += 3
        x[2 * 10 + 7] += 4
        XCTAssertEqual(PairwiseDistance.mean(x, count: 3, dimension: 10), 8.0 / 3.0, accuracy: 1e-5)
        // A 3-4-5 right triangle in two dimensions: distances 3, 4, 5 -> mean 4.
        let t: [Float] = [0, 0, 3, 0, 0, 4]
        XCTAssertEqual(PairwiseDistance.mean(t, count: 3, dimension: 2), 4, accuracy: 1e-5)
        XCTAssertEqual(PairwiseDistance.mean(t, count: 1, dimension: 2), 0)
    }

    func testMeanNearestDistance() {
        // a = {(0,0), (10,0)}, b = {(1,0), (0,3), (7,4)}: nearest 1 and 5 -> mean 3.
        let a: [Float] = [0, 0, 10, 0]
        let b: [Float] = [1, 0, 0, 3, 7, 4]
        XCTAssertEqual(PairwiseDistance.meanNearest(a, count: 2, to: b, count: 3, dimension: 2), 3, accuracy: 1e-5)
        // An image that is in the reference set is 0 from it.
        XCTAssertEqual(PairwiseDistance.meanNearest(Array(b[2..<4]), count: 1, to: b, count: 3, dimension: 2), 0, accuracy: 1e-6)
    }

    func testNoveltyComparesNearestTrainingDistances() throws {
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 16, hidden: [6], classes: 3), seed: 5)
        let test = try testSet(perClass: 5)
        let train = try testSet(perClass: 9)
        let r = try SampleQuality.evaluate(model: model, classifier: classifier, test: test, train: train,
                                           options: .init(samples: 10, diversitySamples: 5, seed: 1))
        for d in r.digits {
            let seen = SampleQuality.realImages(of: d.digit, in: train, limit: 100)
            XCTAssertEqual(seen.count, 9)
            let samples = try model.sample(digit: d.digit, count: 10, seed: 1 + UInt64(d.digit))
            let expected = PairwiseDistance.meanNearest(samples, count: 5, to: seen.pixels, count: 9, dimension: 16)
            XCTAssertEqual(try XCTUnwrap(d.nearestSampleDistance), expected, accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(d.novelty), expected / (try XCTUnwrap(d.nearestRealDistance)), accuracy: 1e-9)
        }
        XCTAssertNotNil(r.meanNovelty)
        // Without a training set there is no novelty figure.
        let without = try SampleQuality.evaluate(model: model, classifier: classifier, test: test,
                                                 options: .init(samples: 10, diversitySamples: 5, seed: 1))
        XCTAssertNil(without.meanNovelty)
        XCTAssertNil(without.digits[0].novelty)
    }

    /// A tiny labelled test set: `perClass` images of each of 3 classes, 4 x 4 pixels.
    private func testSet(perClass: Int) throws -> LabeledImages {
        var rng = Xoshiro256(seed: 3)
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for i in 0..<3 * perClass {
            labels.append(UInt8(i % 3))
            for _ in 0..<16 { pixels.append(UInt8(rng.nextInt(below: 256))) }
        }
        return try LabeledImages(pixels: pixels, labels: labels, pixelsPerImage: 16, classes: 3)
    }

    func testEvaluateCountsEverySampleAndIsDeterministic() throws {
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 16, hidden: [6], classes: 3), seed: 5)
        let test = try testSet(perClass: 5)
        let options = SampleQuality.Options(samples: 40, diversitySamples: 4, seed: 7)
        let a = try SampleQuality.evaluate(model: model, classifier: classifier, test: test, options: options)
        let b = try SampleQuality.evaluate(model: model, classifier: classifier, test: test, options: options)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.digits.map(\.digit), [0, 1, 2])
        XCTAssertFalse(a.usedFittedPrior)
        for d in a.digits {
            XCTAssertEqual(d.predicted.reduce(0, +), 40)
            // The real-image spread is that of the first 4 test images of the digit.
            let real = SampleQuality.realImages(of: d.digit, in: test, limit: 4)
            XCTAssertEqual(real.count, 4)
            XCTAssertEqual(d.realDistance, PairwiseDistance.mean(real.pixels, count: 4, dimension: 16), accuracy: 1e-12)
            // The classifier's verdicts on the same samples, recomputed.
            let samples = try model.sample(digit: d.digit, count: 40, seed: 7 + UInt64(d.digit))
            let labels = try classifier.predict(images: samples)
            XCTAssertEqual(d.correct, labels.filter { $0 == d.digit }.count)
            XCTAssertEqual(d.diversity, d.sampleDistance / d.realDistance, accuracy: 1e-12)
        }
        XCTAssertEqual(a.accuracy, Double(a.digits.map(\.correct).reduce(0, +)) / 120, accuracy: 1e-12)
        XCTAssertEqual(a.worstAccuracy, a.digits.map(\.accuracy).min())
    }

    func testTemperatureZeroGivesZeroDiversity() throws {
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 16, hidden: [6], classes: 3), seed: 5)
        let r = try SampleQuality.evaluate(model: model, classifier: classifier, test: try testSet(perClass: 5),
                                           options: .init(samples: 10, diversitySamples: 5, temperature: 0, prior: .standard))
        for d in r.digits {
            XCTAssertEqual(d.sampleDistance, 0)
            XCTAssertGreaterThan(d.realDistance, 0)
            XCTAssertEqual(d.diversity, 0)
            // All samples are the same image, so the classifier gives them all one label.
            XCTAssertEqual(d.predicted.filter { $0 > 0 }.count, 1)
        }
        XCTAssertEqual(r.meanDiversity, 0)
    }

    /// Diversity needs at least 2 real images of every digit; the error says which digit and how many.
    func testTestSetWithTooFewImagesOfADigitIsRejected() throws {
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 16, hidden: [6], classes: 3), seed: 5)
        let full = try testSet(perClass: 3)
        // Drop every image of digit 2 but the last one.
        let keep = (0..<full.count).filter { full.labels[$0] != 2 || $0 == full.count - 1 }
        let sparse = try LabeledImages(pixels: keep.flatMap { full.pixels[$0 * 16..<($0 + 1) * 16] },
                                       labels: keep.map { full.labels[$0] }, pixelsPerImage: 16, classes: 3)
        assertThrows(try SampleQuality.evaluate(model: model, classifier: classifier, test: sparse,
                                                options: .init(samples: 5, diversitySamples: 3)),
                     as: SampleQualityError.self, mentions: ["1 image of digit 2", "at least 2"]) {
            $0 == .tooFewRealImages(digit: 2, count: 1)
        }
    }

    func testMismatchedClassifierIsRejected() throws {
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 784, hidden: [6], classes: 10), seed: 5)
        XCTAssertThrowsError(try SampleQuality.evaluate(model: model, classifier: classifier, test: try testSet(perClass: 3))) {
            XCTAssertTrue("\($0)".contains("784"), "\($0)")
        }
    }

    /// A weights file without prior tensors samples from N(0, I): `fitted` falls back to `standard`.
    func testFileWithoutPriorSamplesFromStandardNormal() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/plain.safetensors"
        try WeightsFile.save(CVAE(config: config, seed: 9), to: path, metadata: [:])
        XCTAssertNil(try SafeTensors.read(path: path).tensors["prior.means"])
        let model = try WeightsFile.load(path: path)
        XCTAssertNil(model.prior)
        XCTAssertFalse(model.usesFittedPrior(.fitted))
        let fitted = try model.sampleLatents(digit: 1, count: 5, seed: 3)
        let standard = try model.sampleLatents(digit: 1, count: 5, seed: 3, prior: .standard)
        XCTAssertEqual(fitted, standard)
        var rng = Xoshiro256(seed: 3)
        XCTAssertEqual(fitted, rng.gaussians(10))
        XCTAssertEqual(try model.sample(digit: 1, count: 5, seed: 3), try model.sample(digit: 1, count: 5, seed: 3, prior: .standard))
    }

    /// With a fitted prior, temperature scales the spread around the chosen component's mean.
    func testTemperatureScalesSpreadAroundFittedPrior() throws {
        let prior = try LatentPrior(classes: 3, components: 1, latent: 2, weights: [1, 1, 1],
                                    means: [1, 2, 3, 4, 5, 6], logvars: [0, 0, 2 * Float(M_LN2), 0, 0, 0])
        let model = try CVAE(config: config, seed: 9).with(prior: prior)
        let z1 = try model.sampleLatents(digit: 1, count: 4, seed: 8, temperature: 1)
        let zHalf = try model.sampleLatents(digit: 1, count: 4, seed: 8, temperature: 0.5)
        var rng = Xoshiro256(seed: 8)
        let eps = rng.gaussians(8)
        for i in 0..<4 {
            // Digit 1's component: mean (3, 4), standard deviations (2, 1).
            XCTAssertEqual(z1[2 * i], 3 + 2 * eps[2 * i], accuracy: 1e-5)
            XCTAssertEqual(z1[2 * i + 1], 4 + eps[2 * i + 1], accuracy: 1e-5)
            XCTAssertEqual(zHalf[2 * i] - 3, 0.5 * (z1[2 * i] - 3), accuracy: 1e-5)
            XCTAssertEqual(zHalf[2 * i + 1] - 4, 0.5 * (z1[2 * i + 1] - 4), accuracy: 1e-5)
        }
    }

    func testPriorEncodingMatchesTheEncoder() throws {
        let model = CVAE(config: config, seed: 4)
        let data = try testSet(perClass: 700)   // more than one chunk of 1000
        let e = try PriorEncoding.encode(data, with: model)
        let images = data.pixels.map { Float($0) / 255 }
        let direct = try model.encode(images: images, labels: data.labels.map(Int.init))
        XCTAssertEqual(e.means, direct.mean)
        XCTAssertEqual(e.logvars, direct.logvar)
    }
}

final class AggregatePosteriorPriorTests: XCTestCase {
    /// A fitted prior with many components survives save and load bit for bit, however often.
    func testFittedPriorRoundTripsBitForBit() throws {
        let dir = try makeTemporaryDirectory(self)
        let config = CVAEConfig(pixels: 16, classes: 3, hidden: 8, latent: 2)
        var rng = Xoshiro256(seed: 5)
        let k = 100
        // Uneven weights whose float sums are not exactly 1.
        let weights = (0..<3 * k).map { _ in Float(rng.nextDouble() + 0.01) }
        let prior = try LatentPrior(classes: 3, components: k, latent: 2, weights: weights,
                                    means: rng.gaussians(3 * k * 2), logvars: rng.gaussians(3 * k * 2))
        for c in 0..<3 { XCTAssertEqual(prior.weights[c * k..<(c + 1) * k].reduce(0, +), 1, accuracy: 1e-5) }
        let first = dir + "/a.safetensors", second = dir + "/b.safetensors"
        try WeightsFile.save(try CVAE(config: config, seed: 1).with(prior: prior), to: first, metadata: [:])
        let loaded = try WeightsFile.load(path: first)
        XCTAssertEqual(loaded.prior, prior)
        try WeightsFile.save(loaded, to: second, metadata: [:])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first)), try Data(contentsOf: URL(fileURLWithPath: second)))
    }

    func testComponentsAreDistinctPosteriorsOfTheirOwnClass() throws {
        // 30 points of latent size 2 in 3 classes; point i has mean (i, -i) and log-variance (i/100, 0).
        let n = 30, latent = 2
        let labels = (0..<n).map { $0 % 3 }
        let means: [Float] = (0..<n).flatMap { [Float($0), -Float($0)] }
        let logvars: [Float] = (0..<n).flatMap { [Float($0) / 100, 0] }
        let p = try PriorFitting.aggregatePosteriorSample(means: means, logvars: logvars, labels: labels,
                                                          classes: 3, latent: latent, perClass: 4, seed: 7)
        XCTAssertEqual([p.classes, p.components, p.latent], [3, 4, 2])
        XCTAssertEqual(p.weights, [Float](repeating: 0.25, count: 12))
        for c in 0..<3 {
            var picked = Set<Int>()
            for k in 0..<4 {
                let base = (c * 4 + k) * latent
                let i = Int(p.means[base])
                XCTAssertEqual(labels[i], c, "component \(k) of class \(c) is image \(i) of class \(labels[i])")
                XCTAssertEqual(p.means[base + 1], -Float(i))
                XCTAssertEqual(p.logvars[base], Float(i) / 100)
                XCTAssertEqual(p.logvars[base + 1], 0)
                picked.insert(i)
            }
            XCTAssertEqual(picked.count, 4, "images are drawn without replacement")
        }
        let again = try PriorFitting.aggregatePosteriorSample(means: means, logvars: logvars, labels: labels,
                                                              classes: 3, latent: latent, perClass: 4, seed: 7)
        XCTAssertEqual(again, p)
        let other = try PriorFitting.aggregatePosteriorSample(means: means, logvars: logvars, labels: labels,
                                                              classes: 3, latent: latent, perClass: 4, seed: 8)
        XCTAssertNotEqual(other, p)
        XCTAssertThrowsError(try PriorFitting.aggregatePosteriorSample(means: means, logvars: logvars, labels: labels,
                                                                       classes: 3, latent: latent, perClass: 11, seed: 7)) {
            XCTAssertTrue("\($0)".contains("fewer than 11"), "\($0)")
        }
    }
}
