import ArgumentParser
import DigitCore
import Foundation

struct ClassifierEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy of the evaluation classifier on the MNIST test set, overall and per digit.")

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST IDX files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @OptionGroup var classifierOptions: ClassifierOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let classifier = try classifierOptions.load()
        guard let test = try TrainingData.load(directory: data, requireTest: true).test else {
            throw ValidationError("no test set in \(data)")
        }
        let images = test.pixels.map { Float($0) / 255 }
        let predicted = try classifier.predict(images: images)
        var correct = [Int](repeating: 0, count: test.classes), total = correct
        for (p, y) in zip(predicted, test.labels) {
            total[Int(y)] += 1
            if p == Int(y) { correct[Int(y)] += 1 }
        }
        let overall = Double(correct.reduce(0, +)) / Double(test.count)
        if json {
            struct Digit: Codable { var digit: Int; var images: Int; var accuracy: Double }
            struct Report: Codable {
                var classifier: String; var architecture: String; var images: Int; var accuracy: Double; var perDigit: [Digit]
            }
            let report = Report(classifier: try classifierOptions.resolvedPath(), architecture: classifier.config.architecture,
                                images: test.count, accuracy: overall, perDigit: (0..<test.classes).map { d in
                                    Digit(digit: d, images: total[d], accuracy: Double(correct[d]) / Double(max(total[d], 1)))
                                })
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            print("classifier \(classifier.config.architecture): \(try classifierOptions.resolvedPath())")
            print("digit  images  accuracy")
            for d in 0..<test.classes {
                print(String(format: "%5d  %6d  %7.2f%%", d, total[d], 100 * Double(correct[d]) / Double(max(total[d], 1))))
            }
            print(String(format: "  all  %6d  %7.2f%%", test.count, 100 * overall))
        }
    }
}
