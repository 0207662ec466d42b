import ArgumentParser

@main
struct DigitGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digitgen",
        abstract: "Generate handwritten digits with a conditional VAE; train and evaluate it.",
        subcommands: [
            Generate.self,
            Bench.self,
        ])
}
