import ArgumentParser
import DigitCore
import Foundation

/// The options of `digitgen eval` that judge generated samples (issue 4).
struct SampleQualityOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Also judge N generated images per digit with the classifier: accuracy and diversity (300 samples vs 300 real test images).",
        valueName: "N"))
    var samples: Int?

    @OptionGroup var classifierOptions: ClassifierOptions

    @Option(name: .long, help: "Prior the judged samples are drawn from: 'fitted' (the default path of generate and the app) or 'standard' N(0, I).")
    var prior: PriorChoice = .fitted

    @Option(name: .long, help: "Temperature of the judged samples (spread around the prior), as in generate.")
    var temperature: Float = 1

    @Option(name: .customLong("sample-seed"), help: "Seed of the judged samples (digit d uses seed + d).")
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
    static func table(_ r: SampleQuality.Report, classifierPath: String) -> String {
        let prior = r.usedFittedPrior ? "fitted" : (r.options.prior == .fitted ? "standard (no fitted prior in the weights)" : "standard")
        var lines = [
            "sample quality: \(r.options.samples) samples per digit, prior \(prior), temperature \(fmt(Double(r.options.temperature), 2)), seed \(r.options.seed)",
            "classifier: \(classifierPath)",
            "digit  accuracy  diversity  most confused with",
        ]
        for d in r.digits {
            let confused = d.mostConfusedWith.map { "\($0) (\(d.predicted[$0]))" } ?? "-"
            lines.append(String(format: "%5d  %7.2f%%  %9.3f  %@", d.digit, 100 * d.accuracy, d.diversity, confused))
        }
        lines.append(String(format: "  all  %7.2f%%  %9.3f  (worst digit %.2f%%)", 100 * r.accuracy, r.meanDiversity, 100 * r.worstAccuracy))
        return lines.joined(separator: "\n")
    }

    /// JSON object body (without braces) for embedding in a larger report.
    static func json(_ r: SampleQuality.Report, classifierPath: String) -> String {
        let digits = r.digits.map { d in
            "{\"digit\": \(d.digit), \"accuracy\": \(fmt(d.accuracy, 4)), \"diversity\": \(fmt(d.diversity, 4)), "
                + "\"sample_distance\": \(fmt(d.sampleDistance, 4)), \"real_distance\": \(fmt(d.realDistance, 4)), "
                + "\"predicted\": [\(d.predicted.map(String.init).joined(separator: ", "))]}"
        }
        return "\"sample_quality\": {\"samples_per_digit\": \(r.options.samples), \"diversity_samples\": \(r.options.diversitySamples), "
            + "\"prior\": \"\(r.usedFittedPrior ? "fitted" : "standard")\", \"temperature\": \(fmt(Double(r.options.temperature), 4)), "
            + "\"seed\": \(r.options.seed), \"classifier\": \"\(escape(classifierPath))\", "
            + "\"accuracy\": \(fmt(r.accuracy, 4)), \"worst_accuracy\": \(fmt(r.worstAccuracy, 4)), "
            + "\"mean_diversity\": \(fmt(r.meanDiversity, 4)), \"per_digit\": [\(digits.joined(separator: ", "))]}"
    }

    static func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// Runs the sample-quality evaluation for `digitgen eval --samples N`.
func evaluateSamples(model: CVAE, test: LabeledImages, options: SampleQualityOptions)
    throws -> (report: SampleQuality.Report, classifierPath: String)?
{
    guard let sampleOptions = options.sampleOptions else { return nil }
    let path = try options.classifierOptions.resolvedPath()
    let classifier = try ClassifierFile.load(path: path)
    return (try SampleQuality.evaluate(model: model, classifier: classifier, test: test, options: sampleOptions), path)
}

/// Stand-in for `digitgen eval --samples` until the trainer's `eval` lands: sample quality only.
struct EvalSamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-samples",
        abstract: "Judge generated samples with the evaluation classifier (accuracy and diversity per digit).")

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST test files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @OptionGroup var quality: SampleQualityOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let model = try weightsOptions.loadModel()
        guard let test = try ClassifierData.load(directory: data, requireTest: true).test else {
            throw ValidationError("no test set in \(data)")
        }
        var q = quality
        if q.samples == nil { q.samples = 1000 }
        guard let (report, path) = try evaluateSamples(model: model, test: test, options: q) else { return }
        print(json ? "{" + SampleQualityOutput.json(report, classifierPath: path) + "}"
                   : SampleQualityOutput.table(report, classifierPath: path))
    }
}
