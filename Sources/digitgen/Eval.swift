import ArgumentParser
import DigitCore
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate weights on the MNIST test set: -ELBO and the IWAE bound, in nats per image.",
        discussion: """
            -ELBO is the training loss (BCE summed over pixels + KL), averaged over --draws noise \
            draws. --iwae K adds the importance-weighted bound of Burda et al. 2016 with K samples \
            per image, a tighter upper bound on -log p(x | y). --samples N judges N generated images \
            per digit with the evaluation classifier (at the weights' default temperature unless \
            --temperature says otherwise); --temperatures t1,t2,... does so at every temperature and \
            picks the highest that meets the --target-* figures, which --record stores as the \
            weights' default_temperature (used by generate and the app).
            """)

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST IDX files (test files required).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Also compute the IWAE bound with K samples per image.", valueName: "K"))
    var iwae: Int?

    @Option(name: .long, parsing: .unconditional, help: "Noise draws averaged for -ELBO.")
    var draws: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Seed for the noise.")
    var seed: UInt64 = 0

    @Option(name: .long, parsing: .unconditional, help: "Evaluate only the first N test images (default: all).")
    var limit: Int?

    @Option(name: .long, parsing: .unconditional, help: "Threads for the matrix products (the default is the number of cores).")
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, maxThreads)

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Also store the metrics and this command in the weights file's metadata (rewritten atomically).")
    var record = false

    @OptionGroup var quality: SampleQualityOptions

    func validate() throws {
        if let iwae, !(1...100_000).contains(iwae) { throw ValidationError("--iwae must be in 1-100000, got \(iwae)") }
        guard (1...1000).contains(draws) else { throw ValidationError("--draws must be in 1-1000, got \(draws)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        try checkThreads(threads)
    }

    struct Report: Codable {
        var weights: String
        var data: String
        var images: Int
        var draws: Int
        var negativeElbo: Double
        var bce: Double
        var kl: Double
        var iwaeK: Int?
        var iwaeBound: Double?
        var seconds: Double
        var sampleQuality: SampleQualityJSON?
        var temperatureSweep: TemperatureSweepJSON?
    }

    func run() throws {
        let path = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: path)
        let judge = try quality.loadClassifier()
        if let judge { try SampleQuality.checkCompatible(model: model, classifier: judge.classifier) }
        let (train, loadedTest) = try TrainingData.load(directory: data, requireTest: true)
        guard var test = loadedTest else { throw ValidationError("no test files in \(data)") }
        if let limit { test = test.prefix(limit) }
        BLAS.setThreads(1)
        let evaluator = Evaluator(model: model, threads: threads)
        let t0 = Date()
        let elbo = try evaluator.negativeELBO(test, draws: draws, seed: seed)
        var bound: Double? = nil
        if let iwae {
            let interactive = isatty(2) != 0 && !json
            bound = try evaluator.negativeIWAE(test, samples: iwae, seed: seed &+ 1) { done in
                if interactive {
                    FileHandle.standardError.write(Data("\rIWAE K=\(iwae): \(done)/\(test.count) images\u{1B}[K".utf8))
                }
            }
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
        // With --samples, each digit's -ELBO too: issue 4 asks for all three figures per digit.
        let elboByDigit = judge == nil ? [] : try evaluator.negativeELBOByClass(test, draws: draws, seed: seed).map { $0?.total }
        let samples = try quality.evaluate(model: model, judge: judge, test: loadedTest ?? test, train: train,
                                           elbo: elboByDigit)
        let report = Report(weights: path, data: data, images: test.count, draws: draws, negativeElbo: elbo.total,
                            bce: elbo.bce, kl: elbo.kl, iwaeK: iwae, iwaeBound: bound,
                            seconds: Date().timeIntervalSince(t0), sampleQuality: samples?.json,
                            temperatureSweep: samples?.sweep)
        if record, let samples, let sweep = samples.sweep, sweep.chosenTemperature == nil {
            print(samples.table)
            throw ValidationError("no temperature of the sweep meets the targets, so there is no default temperature "
                                  + "to record; nothing was written (see the table with --json, or lower the --target-* figures)")
        }
        if record {
            var meta = ["eval_command": commandLineString, "eval_images": String(test.count),
                        "eval_negative_elbo": String(format: "%.4f", elbo.total),
                        "eval_bce": String(format: "%.4f", elbo.bce), "eval_kl": String(format: "%.4f", elbo.kl),
                        "eval_draws": String(draws)]
            if let iwae, let bound {
                meta["eval_iwae_k"] = String(iwae)
                meta["eval_iwae_bound"] = String(format: "%.4f", bound)
            }
            if let samples { meta.merge(samples.json.metadata) { _, new in new } }
            if let sweep = samples?.sweep { meta.merge(sweep.metadata) { _, new in new } }
            try WeightsFile.save(model, to: path, metadata: meta)
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.keyEncodingStrategy = .convertToSnakeCase
            // A degenerate model can give an infinite or NaN bound; JSON has no number for it.
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try enc.encode(report), as: UTF8.self))
            return
        }
        print("weights   \(path)")
        print("test set  \(test.count) images from \(data)")
        print("")
        print("metric                              nats/image")
        print(String(format: "-ELBO (mean of %3d noise draws)     %10.3f", draws, elbo.total))
        print(String(format: "  reconstruction (BCE)             %10.3f", elbo.bce))
        print(String(format: "  KL(q(z|x,y) || N(0,I))           %10.3f", elbo.kl))
        if let iwae, let bound {
            print(String(format: "IWAE bound, K = %-6d              %10.3f", iwae, bound))
        }
        if let samples { print("\n" + samples.table) }
        print(String(format: "\n%.1f s", report.seconds))
    }
}
