import ArgumentParser
import DigitCore
import Foundation

/// The options of `digitgen eval` that judge generated samples (issue 4).
struct SampleQualityOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Also judge N generated images per digit: classifier accuracy, diversity (300 samples vs 300 real test images) and novelty (distance to the nearest training image, vs real test images).",
        valueName: "N"))
    var samples: Int?

    @OptionGroup var classifierOptions: ClassifierOptions

    @Option(name: .long, help: "Prior the judged samples are drawn from: 'fitted' (the default path of generate and the app) or 'standard' N(0, I).")
    var prior: PriorChoice = .fitted

    @Option(name: .long, parsing: .unconditional, help: "Temperature of the judged samples (spread around the prior), as in generate.")
    var temperature: Float = 1

    @Option(name: .customLong("sample-seed"), parsing: .unconditional, help: "Seed of the judged samples (digit d uses seed + d).")
    var sampleSeed: UInt64 = 0

    func validate() throws {
        if let samples, !(1...10_000).contains(samples) {
            throw ValidationError("--samples must be in 1...10000, got \(samples)")
        }
        guard temperature.isFinite, temperature >= 0 else {
            throw ValidationError("--temperature \(temperature) must be a finite number >= 0")
        }
    }

    var sampleOptions: SampleQuality.Options? {
        samples.map { SampleQuality.Options(samples: $0, temperature: temperature, prior: prior, seed: sampleSeed) }
    }
}

/// Prints a `SampleQuality.Report` as a table or as JSON.
enum SampleQualityOutput {
    /// `elbo`: each digit's test -ELBO, shown beside its sample figures.
    static func table(_ r: SampleQuality.Report, classifierPath: String, elbo: [Double?] = []) -> String {
        let prior = r.usedFittedPrior ? "fitted" : (r.options.prior == .fitted ? "standard (no fitted prior in the weights)" : "standard")
        var lines = [
            "sample quality: \(r.options.samples) samples per digit, prior \(prior), temperature \(fmt(Double(r.options.temperature), 2)), seed \(r.options.seed)",
            "classifier: \(classifierPath)",
            "digit  accuracy  diversity  novelty    -ELBO  most confused with",
        ]
        for d in r.digits {
            let confused = d.mostConfusedWith.map { "\($0) (\(d.predicted[$0]))" } ?? "-"
            let e = d.digit < elbo.count ? elbo[d.digit] : nil
            lines.append(String(format: "%5d  %7.2f%%  %9.3f  ", d.digit, 100 * d.accuracy, d.diversity)
                + pad(novelty(d.novelty), 7) + "  " + pad(e.map { fmt($0, 2) } ?? "-", 7) + "  " + confused)
        }
        lines.append(String(format: "  all  %7.2f%%  %9.3f  ", 100 * r.accuracy, r.meanDiversity)
                     + pad(novelty(r.meanNovelty), 7) + "  " + pad("", 7)
                     + String(format: "  (worst digit %.2f%%)", 100 * r.worstAccuracy))
        return lines.joined(separator: "\n")
    }

    static func novelty(_ v: Double?) -> String { v.map { fmt($0, 3) } ?? "-" }

    /// `s` right-aligned in `width` columns (String(format:)'s %7@ does not pad on Linux).
    static func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

    static func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}

/// `sample_quality` in `digitgen eval --json`.
struct SampleQualityJSON: Codable {
    struct Digit: Codable {
        var digit: Int
        var accuracy: Double
        var diversity: Double
        var sampleDistance: Double
        var realDistance: Double
        var novelty: Double?
        var nearestSampleDistance: Double?
        var nearestRealDistance: Double?
        /// Test -ELBO of this digit's test images, nats per image.
        var negativeElbo: Double?
        /// How many samples the classifier put in each class.
        var predicted: [Int]
    }
    var classifier: String
    var samplesPerDigit: Int
    var diversitySamples: Int
    var prior: String
    var temperature: Double
    var seed: UInt64
    var accuracy: Double
    var worstAccuracy: Double
    var meanDiversity: Double
    var meanNovelty: Double?
    var perDigit: [Digit]

    init(_ r: SampleQuality.Report, classifierPath: String, elbo: [Double?] = []) {
        classifier = classifierPath
        samplesPerDigit = r.options.samples
        diversitySamples = r.options.diversitySamples
        prior = r.usedFittedPrior ? "fitted" : "standard"
        temperature = Double(r.options.temperature)
        seed = r.options.seed
        accuracy = r.accuracy
        worstAccuracy = r.worstAccuracy
        meanDiversity = r.meanDiversity
        meanNovelty = r.meanNovelty
        perDigit = r.digits.map {
            Digit(digit: $0.digit, accuracy: $0.accuracy, diversity: $0.diversity,
                  sampleDistance: $0.sampleDistance, realDistance: $0.realDistance, novelty: $0.novelty,
                  nearestSampleDistance: $0.nearestSampleDistance, nearestRealDistance: $0.nearestRealDistance,
                  negativeElbo: $0.digit < elbo.count ? elbo[$0.digit] : nil, predicted: $0.predicted)
        }
    }
}

extension SampleQualityJSON {
    /// The figures as `__metadata__` entries (`eval --record`).
    var metadata: [String: String] {
        [
            "quality_classifier": (classifier as NSString).lastPathComponent,
            "quality_samples_per_digit": String(samplesPerDigit),
            "quality_prior": prior, "quality_temperature": String(format: "%g", temperature),
            "quality_seed": String(seed),
            "quality_accuracy": String(format: "%.4f", accuracy),
            "quality_worst_accuracy": String(format: "%.4f", worstAccuracy),
            "quality_mean_diversity": String(format: "%.4f", meanDiversity),
            "quality_mean_novelty": meanNovelty.map { String(format: "%.4f", $0) } ?? "not measured",
            "quality_per_digit": perDigit.map { String(format: "%d:%.4f/%.4f", $0.digit, $0.accuracy, $0.diversity) }
                .joined(separator: " "),
        ].merging(perDigit.allSatisfy { $0.negativeElbo != nil } ? [
            "eval_negative_elbo_per_digit": perDigit.map { String(format: "%d:%.4f", $0.digit, $0.negativeElbo ?? 0) }
                .joined(separator: " "),
        ] : [:]) { a, _ in a }
    }
}

extension SampleQualityOptions {
    /// The classifier and its path when --samples was given. `eval` loads it before the
    /// likelihood so that a wrong --classifier fails at once, not after minutes of IWAE.
    func loadClassifier() throws -> (classifier: Classifier, path: String)? {
        guard samples != nil else { return nil }
        let path = try classifierOptions.resolvedPath()
        return (try ClassifierFile.load(path: path), path)
    }

    /// Runs the judgement when --samples was given: the report, its table and its JSON form.
    /// `elbo`: each digit's test -ELBO, reported beside its sample figures.
    func evaluate(model: CVAE, judge: (classifier: Classifier, path: String)?, test: LabeledImages,
                  train: LabeledImages?, elbo: [Double?]) throws -> (table: String, json: SampleQualityJSON)? {
        guard let options = sampleOptions, let judge else { return nil }
        let report = try SampleQuality.evaluate(model: model, classifier: judge.classifier, test: test, train: train,
                                                options: options)
        return (SampleQualityOutput.table(report, classifierPath: judge.path, elbo: elbo),
                SampleQualityJSON(report, classifierPath: judge.path, elbo: elbo))
    }
}
