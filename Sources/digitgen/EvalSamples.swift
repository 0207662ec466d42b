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

    @Option(name: .long, parsing: .unconditional, help: "Temperature of the judged samples (spread around the prior), as in generate. Default: the weights' default_temperature, or 1.")
    var temperature: Float?

    @Option(name: .long, help: ArgumentHelp(
        "Judge the samples at each of these temperatures (same seeds), print accuracy, worst digit and diversity per temperature, and pick the highest that meets the --target-* figures; --record stores it as the weights' default_temperature.",
        valueName: "t1,t2,..."))
    var temperatures: String?

    @Option(name: .long, help: ArgumentHelp("With --temperatures: also draw the sweep (accuracy, worst digit, diversity against temperature) as a PNG.", valueName: "file.png"))
    var plot: String?

    @Option(name: .customLong("target-accuracy"), parsing: .unconditional, help: "Sweep target: share of all samples read as the digit asked for.")
    var targetAccuracy: Double = TemperatureSweep.Targets().accuracy

    @Option(name: .customLong("target-worst"), parsing: .unconditional, help: "Sweep target: the same share for the worst digit.")
    var targetWorst: Double = TemperatureSweep.Targets().worstAccuracy

    @Option(name: .customLong("target-diversity"), parsing: .unconditional, help: "Sweep target: mean diversity ratio.")
    var targetDiversity: Double = TemperatureSweep.Targets().diversity

    @Option(name: .customLong("sample-seed"), parsing: .unconditional, help: "Seed of the judged samples (digit d uses seed + d).")
    var sampleSeed: UInt64 = 0

    func validate() throws {
        if let samples, !(1...10_000).contains(samples) {
            throw ValidationError("--samples must be in 1...10000, got \(samples)")
        }
        if let temperature, !(temperature.isFinite && temperature >= 0) {
            throw ValidationError("--temperature \(temperature) must be a finite number >= 0")
        }
        if temperatures != nil {
            guard samples != nil else { throw ValidationError("--temperatures needs --samples N") }
            guard temperature == nil else { throw ValidationError("give either --temperature or --temperatures, not both") }
            _ = try sweepTemperatures()
        }
        if let plot {
            guard temperatures != nil else { throw ValidationError("--plot needs --temperatures") }
            try checkWritable(plot, option: "--plot")
        }
        for (name, v) in [("--target-accuracy", targetAccuracy), ("--target-worst", targetWorst), ("--target-diversity", targetDiversity)]
        where !(v.isFinite && v >= 0 && v <= 10) {
            throw ValidationError("\(name) must be a number in 0...10, got \(v)")
        }
    }

    /// The --temperatures list, sorted, without repeats.
    func sweepTemperatures() throws -> [Float]? {
        guard let temperatures else { return nil }
        var values: [Float] = []
        for part in temperatures.split(separator: ",", omittingEmptySubsequences: false) {
            let t = part.trimmingCharacters(in: .whitespaces)
            guard let v = Float(t), v.isFinite, v >= 0 else {
                throw ValidationError("--temperatures value '\(t)' must be a finite number >= 0")
            }
            values.append(v)
        }
        guard (1...100).contains(values.count) else { throw ValidationError("--temperatures takes 1 to 100 values") }
        return Array(Set(values)).sorted()
    }

    var targets: TemperatureSweep.Targets {
        TemperatureSweep.Targets(accuracy: targetAccuracy, worstAccuracy: targetWorst, diversity: targetDiversity)
    }

    /// The options of the judged samples; the temperature defaults to the model's.
    func sampleOptions(for model: CVAE) -> SampleQuality.Options? {
        samples.map {
            SampleQuality.Options(samples: $0, temperature: temperature ?? model.defaultTemperature, prior: prior, seed: sampleSeed)
        }
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

    /// A Float as the Double of its shortest decimal form (0.8, not 0.800000011920929), for JSON.
    static func decimal(_ v: Float) -> Double { Double("\(v)") ?? Double(v) }
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
        temperature = SampleQualityOutput.decimal(r.options.temperature)
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

/// A temperature sweep as a table and as JSON (`temperature_sweep` in `eval --json`).
struct TemperatureSweepJSON: Codable {
    struct Row: Codable {
        var temperature: Double
        var accuracy: Double
        var worstAccuracy: Double
        var worstDigit: Int
        var meanDiversity: Double
        var meanNovelty: Double?
        var meetsTargets: Bool
        /// The targets missed ("accuracy", "worst digit", "diversity").
        var misses: [String]
    }
    var targetAccuracy: Double
    var targetWorstAccuracy: Double
    var targetDiversity: Double
    var rows: [Row]
    /// The highest temperature that meets the targets, if any.
    var chosenTemperature: Double?

    init(_ reports: [SampleQuality.Report], targets: TemperatureSweep.Targets) {
        targetAccuracy = targets.accuracy
        targetWorstAccuracy = targets.worstAccuracy
        targetDiversity = targets.diversity
        rows = reports.map { r in
            let worst = r.digits.min { $0.accuracy < $1.accuracy }?.digit ?? 0
            return Row(temperature: SampleQualityOutput.decimal(r.options.temperature), accuracy: r.accuracy, worstAccuracy: r.worstAccuracy,
                       worstDigit: worst, meanDiversity: r.meanDiversity, meanNovelty: r.meanNovelty,
                       meetsTargets: targets.met(by: r), misses: targets.misses(r))
        }
        chosenTemperature = TemperatureSweep.choose(reports, targets: targets).map { SampleQualityOutput.decimal($0.options.temperature) }
    }

    var table: String {
        var lines = [
            String(format: "temperature sweep (targets: accuracy >= %.2f%%, worst digit >= %.2f%%, diversity >= %.3f)",
                   100 * targetAccuracy, 100 * targetWorstAccuracy, targetDiversity),
            "temperature  accuracy  worst digit   diversity  novelty  meets targets",
        ]
        for r in rows {
            lines.append(String(format: "%11.2f  %7.2f%%  %7.2f%% (%d)  %9.3f  ", r.temperature, 100 * r.accuracy,
                                100 * r.worstAccuracy, r.worstDigit, r.meanDiversity)
                         + SampleQualityOutput.pad(SampleQualityOutput.novelty(r.meanNovelty), 7) + "  "
                         + (r.meetsTargets ? "yes" : "no (" + r.misses.joined(separator: ", ") + ")"))
        }
        lines.append(chosenTemperature.map { String(format: "highest temperature meeting the targets: %.2f", $0) }
                     ?? "no temperature of the sweep meets the targets")
        return lines.joined(separator: "\n")
    }

    /// The sweep as `__metadata__` entries (`eval --temperatures ... --record`).
    var metadata: [String: String] {
        var m = [
            "sweep_targets": String(format: "accuracy>=%.4f worst>=%.4f diversity>=%.4f", targetAccuracy, targetWorstAccuracy, targetDiversity),
            "sweep_results": rows.map {
                String(format: "%g:%.4f/%.4f(%d)/%.4f", $0.temperature, $0.accuracy, $0.worstAccuracy, $0.worstDigit, $0.meanDiversity)
            }.joined(separator: " "),
        ]
        if let chosenTemperature { m[CVAE.defaultTemperatureKey] = String(format: "%g", chosenTemperature) }
        return m
    }
}

/// What `eval --samples` found: the detailed figures at one temperature and, with
/// --temperatures, the sweep (the detail is then at the chosen temperature).
struct SampleQualityResult {
    var table: String
    var json: SampleQualityJSON
    var sweep: TemperatureSweepJSON?
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
    /// With --temperatures, the detailed figures are those at the chosen temperature (or, when
    /// none meets the targets, at the model's default temperature if swept, else the highest).
    func evaluate(model: CVAE, judge: (classifier: Classifier, path: String)?, test: LabeledImages,
                  train: LabeledImages?, elbo: [Double?]) throws -> SampleQualityResult? {
        guard let options = sampleOptions(for: model), let judge else { return nil }
        let report: SampleQuality.Report
        var sweep: TemperatureSweepJSON? = nil
        if let temperatures = try sweepTemperatures() {
            let reports = try TemperatureSweep.run(model: model, classifier: judge.classifier, test: test, train: train,
                                                   options: options, temperatures: temperatures)
            sweep = TemperatureSweepJSON(reports, targets: targets)
            if let plot, let sweep { try SweepPlot.draw(sweep, to: plot) }
            guard let detail = TemperatureSweep.choose(reports, targets: targets)
                ?? reports.first(where: { $0.options.temperature == model.defaultTemperature }) ?? reports.last
            else { return nil }
            report = detail
        } else {
            report = try SampleQuality.evaluate(model: model, classifier: judge.classifier, test: test, train: train,
                                                options: options)
        }
        var table = SampleQualityOutput.table(report, classifierPath: judge.path, elbo: elbo)
        if let sweep { table = sweep.table + "\n\n" + table }
        return SampleQualityResult(table: table, json: SampleQualityJSON(report, classifierPath: judge.path, elbo: elbo),
                                   sweep: sweep)
    }
}
