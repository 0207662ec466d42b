import ArgumentParser
import DigitCore

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks.")
    func run() throws {}
}
