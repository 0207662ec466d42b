import ArgumentParser
import DigitCore
import Foundation

@main
struct DigitGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digitgen",
        abstract: "Generate handwritten digits with a conditional VAE; train and evaluate it.",
        subcommands: [
            Generate.self,
            MorphCommand.self,
            Restyle.self,
            Train.self,
            Eval.self,
            FitPrior.self,
            FitDirections.self,
            ClassifierCommand.self,
            Bench.self,
        ])

    /// Runs the command line; every failure becomes one line on stderr and a non-zero exit.
    static func main() {
        BLASCoreSelection.reexecWithBestKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit { exit(withError: error) }
            if let e = error as? ExitCode { Foundation.exit(e.rawValue) }
            let text = (error as? DigitCoreError)?.userMessage ?? message(for: error)
            let line = text.split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("digitgen: error: \(line)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
