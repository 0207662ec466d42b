import XCTest
@testable import DigitCore

final class TemperatureSweepTests: XCTestCase {
    /// A report at `t` with two digits of 1000 samples: `correct` right each, diversity `diversity`.
    private func report(_ t: Float, correct: (Int, Int), diversity: Double) -> SampleQuality.Report {
        let digits = [(0, correct.0), (1, correct.1)].map { d, c in
            SampleQuality.Digit(digit: d, samples: 1000, predicted: d == 0 ? [c, 1000 - c] : [1000 - c, c],
                                sampleDistance: diversity, realDistance: 1)
        }
        return SampleQuality.Report(options: .init(samples: 1000, temperature: t), usedFittedPrior: true, digits: digits)
    }

    func testTheHighestTemperatureMeetingEveryTargetIsChosen() throws {
        let reports = [
            report(0.5, correct: (1000, 999), diversity: 0.80),   // too little variety
            report(0.7, correct: (999, 996), diversity: 0.86),    // meets all
            report(0.8, correct: (998, 993), diversity: 0.87),    // meets all: chosen
            report(0.9, correct: (999, 984), diversity: 0.88),    // worst digit 98.4%, so overall 99.15%
            report(1.0, correct: (996, 992), diversity: 0.89),    // overall 99.4%
        ]
        let targets = TemperatureSweep.Targets()
        XCTAssertEqual(targets, TemperatureSweep.Targets(accuracy: 0.995, worstAccuracy: 0.985, diversity: 0.85))
        XCTAssertEqual(targets.misses(reports[0]), ["diversity"])
        XCTAssertEqual(targets.misses(reports[3]), ["accuracy", "worst digit"])
        XCTAssertEqual(targets.misses(reports[4]), ["accuracy"])
        XCTAssertEqual(TemperatureSweep.choose(reports, targets: targets)?.options.temperature, 0.8)
        // Order does not matter; with nothing meeting the targets there is no choice.
        XCTAssertEqual(TemperatureSweep.choose(reports.reversed(), targets: targets)?.options.temperature, 0.8)
        XCTAssertNil(TemperatureSweep.choose(reports, targets: .init(accuracy: 1, worstAccuracy: 1, diversity: 1)))
    }

    func testSweepJudgesEveryTemperatureWithTheSameSeeds() throws {
        let config = CVAEConfig(pixels: 16, classes: 3, hidden: 8, latent: 2)
        let model = CVAE(config: config, seed: 2)
        let classifier = Classifier(config: ClassifierConfig(inputs: 16, hidden: [6], classes: 3), seed: 5)
        var rng = Xoshiro256(seed: 1)
        let test = try LabeledImages(pixels: (0..<30 * 16).map { _ in UInt8(rng.nextInt(below: 256)) },
                                     labels: (0..<30).map { UInt8($0 % 3) }, pixelsPerImage: 16)
        let options = SampleQuality.Options(samples: 20, diversitySamples: 5, seed: 3)
        let reports = try TemperatureSweep.run(model: model, classifier: classifier, test: test, options: options,
                                               temperatures: [0, 1])
        XCTAssertEqual(reports.map(\.options.temperature), [0, 1])
        XCTAssertEqual(reports[0].meanDiversity, 0)             // temperature 0: the prior's mean, one image
        XCTAssertGreaterThan(reports[1].meanDiversity, 0)
        var at1 = options
        at1.temperature = 1
        XCTAssertEqual(reports[1], try SampleQuality.evaluate(model: model, classifier: classifier, test: test, options: at1))
        XCTAssertThrowsError(try TemperatureSweep.run(model: model, classifier: classifier, test: test, options: options, temperatures: []))
        XCTAssertThrowsError(try TemperatureSweep.run(model: model, classifier: classifier, test: test, options: options, temperatures: [-1]))
    }
}
