import ArgumentParser
import DigitCore
import Foundation

struct FitPrior: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-prior",
        abstract: "Fit the per-digit latent prior to the training set's aggregate posterior and store it with the weights.",
        discussion: """
            Encodes every training image with its label, fits per digit a mixture of K diagonal \
            Gaussians to the encoder means (EM, k-means++ start) and adds the average posterior \
            variance to every component. Writes the same weights plus prior.weights / prior.means / \
            prior.logvars; `generate` and the app then sample from it by default (--prior standard \
            keeps N(0, I)).
            """)

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST training files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, help: ArgumentHelp("Weights with the fitted prior to write (may be the input file).", valueName: "file.safetensors"))
    var out: String

    enum Method: String, ExpressibleByArgument, CaseIterable {
        /// K diagonal Gaussians fitted by EM to the encoder means.
        case gmm
        /// The posteriors of K random training images per digit (a sample of the aggregate posterior).
        case posteriors
    }

    @Option(name: .long, help: "gmm: K diagonal Gaussians fitted by EM; posteriors: the encoder posteriors of K random training images per digit.")
    var method: Method = .gmm

    @Option(name: .long, parsing: .unconditional, help: "Components per digit (gmm: 1-500; posteriors: 1-5000). The shipped prior uses 100 (gmm).")
    var components: Int = 100

    @Option(name: .long, parsing: .unconditional, help: "EM iterations at most.")
    var iterations: Int = 100

    @Option(name: .long, parsing: .unconditional, help: "Seed for the k-means++ initialisation (gmm) or the choice of images (posteriors).")
    var seed: UInt64 = 1

    func validate() throws {
        let most = method == .gmm ? 500 : 5000
        guard (1...most).contains(components) else {
            throw ValidationError("--components must be in 1...\(most) with --method \(method.rawValue), got \(components)")
        }
        guard (1...10_000).contains(iterations) else { throw ValidationError("--iterations must be in 1...10000, got \(iterations)") }
        try checkWritable(out, option: "--out")
    }

    func run() throws {
        let model = try weightsOptions.loadModel()
        let train = try TrainingData.load(directory: data, requireTest: false).train
        guard train.pixelsPerImage == model.config.pixels else {
            throw ValidationError("images in \(data) have \(train.pixelsPerImage) pixels, the model \(model.config.pixels)")
        }
        let started = Date()
        let encoded = try PriorEncoding.encode(train, with: model)
        let labels = train.labels.map(Int.init), c = model.config
        let prior: LatentPrior
        // Sample-quality figures described the samples of the previous prior (if any); the
        // likelihood figures (eval_*) do not depend on the prior and stay.
        // So did the default temperature chosen from them.
        var metadata = model.metadata.filter {
            !$0.key.hasPrefix("quality_") && !$0.key.hasPrefix("sweep_") && $0.key != CVAE.defaultTemperatureKey
        }
        switch method {
        case .gmm:
            let options = PriorFitting.Options(components: components, iterations: iterations, seed: seed)
            prior = try PriorFitting.fit(means: encoded.means, logvars: encoded.logvars, labels: labels,
                                         classes: c.classes, latent: c.latent, options: options)
            metadata["prior"] = "per-digit mixture of \(components) diagonal Gaussians fitted by EM to the encoder means of \(train.count) training images, plus the average posterior variance"
            metadata["prior_iterations"] = String(iterations)
        case .posteriors:
            prior = try PriorFitting.aggregatePosteriorSample(means: encoded.means, logvars: encoded.logvars, labels: labels,
                                                              classes: c.classes, latent: c.latent, perClass: components, seed: seed)
            metadata["prior"] = "per-digit aggregate posterior sampled at \(components) random training images of each digit (of \(train.count)): equal-weight mixture of their encoder posteriors"
            metadata.removeValue(forKey: "prior_iterations")
        }
        metadata["prior_method"] = method.rawValue
        metadata["prior_components"] = String(components)
        metadata["prior_seed"] = String(seed)
        metadata["prior_command"] = commandLineString
        try WeightsFile.save(model.with(prior: prior, metadata: metadata), to: out, metadata: [:])
        print(String(format: "fitted %d components per digit on %d images in %.1f s; wrote %@",
                     components, train.count, Date().timeIntervalSince(started), out))
    }
}
