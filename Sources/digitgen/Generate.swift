import ArgumentParser
import DigitCore

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate images of a digit as a PNG grid.")
    func run() throws {}
}
