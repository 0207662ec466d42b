import ArgumentParser
import DigitCore
import Foundation

/// `digitgen classifier ...`: the evaluation classifier that judges generated digits.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train or evaluate the MNIST classifier used to judge generated digits.",
        subcommands: [ClassifierTrain.self, ClassifierEval.self])
}

/// `--classifier FILE`, shared by the commands that judge images.
struct ClassifierOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Evaluation classifier (safetensors). Default: the shipped resources/\(Resources.classifierFileName).",
        valueName: "file"))
    var classifier: String?

    func resolvedPath() throws -> String {
        if let classifier { return classifier }
        return try Resources.defaultClassifierPath()
    }

    func load() throws -> Classifier { try ClassifierFile.load(path: resolvedPath()) }
}
