import DigitCore
import Foundation

/// The `--log` file: the recipe, the command and one entry per epoch.
struct TrainingLog: Codable {
    var command: String
    var data: String
    var recipe: TrainingRecipe
    var trainImages: Int
    var testImages: Int?
    var epochs: [EpochRecord]
    var totalSeconds: Double
    var finished: Bool

    func write(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.keyEncodingStrategy = .convertToSnakeCase
        // A degenerate model can give an infinite or NaN bound; JSON has no number for it.
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(Array(try enc.encode(self)) + [10], to: path)
    }
}
