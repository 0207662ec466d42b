import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure inference and training speed.",
        subcommands: [BenchInference.self, BenchTrain.self])
}
