import ArgumentParser
import DigitCore

/// `--weights FILE`, shared by every command that needs a trained model.
struct WeightsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "CVAE weights (safetensors, PyTorch layout). Default: the shipped resources/\(Resources.weightsFileName).",
        valueName: "file"))
    var weights: String?

    /// The path that will be used: the given one, or the shipped file.
    func resolvedPath() throws -> String {
        if let weights { return weights }
        return try Resources.defaultWeightsPath()
    }

    func loadModel() throws -> CVAE {
        try WeightsFile.load(path: resolvedPath())
    }
}

extension PriorChoice: ExpressibleByArgument {}
