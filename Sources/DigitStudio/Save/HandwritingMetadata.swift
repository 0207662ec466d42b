import DigitCore

/// The handwriting page written into a PNG's text chunks by Save, and read back by
/// `digitgen restyle --view`. Like `ViewMetadata`, the parser is a pure function on the
/// (key, value) pairs in file order: it returns the saved drawing or names the first problem.
///
/// Keys (all ASCII): "DigitGen handwriting" (format version, "1"), "Digit" (the digit the
/// style was encoded under), "Digit chosen by" ("classifier" or "person"), "Input" (the
/// 28 x 28 MNIST-style input: 784 gray bytes, row by row, white ink on black, as 1568
/// lowercase hexadecimal digits), "Style shrink" (`Restyling.restyleShrink`, two decimals),
/// "Scale", "Weights SHA-256", and "Description" (for people; ignored when reading).
/// Other keys are ignored.
public enum HandwritingMetadata {
    public typealias Entry = ViewMetadata.Entry

    /// The drawing as saved.
    public struct Saved: Equatable, Sendable {
        public let input: [UInt8]
        public let digit: Int
        public let chosenByPerson: Bool
        public let shrink: Float
        public let scale: Int
        public let weightsDigest: String

        public init(input: [UInt8], digit: Int, chosenByPerson: Bool, shrink: Float = Restyling.restyleShrink,
                    scale: Int, weightsDigest: String) {
            self.input = input
            self.digit = digit
            self.chosenByPerson = chosenByPerson
            self.shrink = shrink
            self.scale = scale
            self.weightsDigest = weightsDigest
        }
    }

    public static let versionKey = "DigitGen handwriting"
    public static let version = "1"
    public static let side = 28
    static let maxScale = 64
    static let keys: Set<String> = [versionKey, "Digit", "Digit chosen by", "Input", "Style shrink", "Scale", "Weights SHA-256"]

    public static func entries(_ saved: Saved) -> [Entry] {
        let hex: [Character] = Array("0123456789abcdef")
        let input = String(saved.input.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
        let who = saved.chosenByPerson ? "the person who drew it" : "the classifier"
        return [Entry(versionKey, version),
                Entry("Digit", String(saved.digit)),
                Entry("Digit chosen by", saved.chosenByPerson ? "person" : "classifier"),
                Entry("Input", input),
                Entry("Style shrink", String(hundredths: saved.shrink)),
                Entry("Scale", String(saved.scale)),
                Entry("Weights SHA-256", saved.weightsDigest),
                Entry("Description", "A handwritten digit drawn on the pad, read as \(saved.digit) (by \(who)), "
                      + "and its style drawn as every digit 0 to 9. Saved by Digit Generator; "
                      + "reproduce with: digitgen restyle --view FILE.png --out COPY.png")]
    }

    /// Reads a saved drawing from text chunks; throws `HandwritingMetadataError`.
    public static func parse(_ entries: [Entry]) throws -> Saved {
        var fields: [String: String] = [:]
        for e in entries where keys.contains(e.key) {
            guard fields[e.key] == nil else { throw HandwritingMetadataError.duplicate(e.key) }
            fields[e.key] = e.value
        }
        guard let v = fields[versionKey] else {
            if entries.contains(where: { $0.key == ViewMetadata.versionKey }) { throw HandwritingMetadataError.samplesView }
            throw HandwritingMetadataError.notHandwriting
        }
        guard v == version else { throw HandwritingMetadataError.unsupportedVersion(String(v.prefix(40))) }
        func field(_ key: String) throws -> String {
            guard let v = fields[key] else { throw HandwritingMetadataError.missing(key) }
            return v
        }
        func invalid(_ key: String, _ value: String, _ expected: String) -> HandwritingMetadataError {
            .invalid(key: key, value: String(value.prefix(40)), expected: expected)
        }
        func digits(_ t: String, max: Int) -> Int? {
            guard !t.isEmpty, t.utf8.count <= max, t.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(t)
        }

        let digitText = try field("Digit")
        guard let digit = digits(digitText, max: 1) else { throw invalid("Digit", digitText, "a digit 0-9") }
        let whoText = try field("Digit chosen by")
        guard whoText == "person" || whoText == "classifier" else {
            throw invalid("Digit chosen by", whoText, "'person' or 'classifier'")
        }
        let inputText = try field("Input")
        let n = side * side
        let utf8 = Array(inputText.utf8)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            default: return nil
            }
        }
        guard utf8.count == 2 * n else {
            throw invalid("Input", inputText, "\(2 * n) lowercase hexadecimal digits (\(n) gray bytes), not \(utf8.count) characters")
        }
        var input = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            guard let hi = nibble(utf8[2 * i]), let lo = nibble(utf8[2 * i + 1]) else {
                throw invalid("Input", inputText, "\(2 * n) lowercase hexadecimal digits")
            }
            input[i] = hi << 4 | lo
        }
        guard input.contains(where: { $0 > 0 }) else { throw invalid("Input", inputText, "a drawing with some ink") }
        let shrinkText = try field("Style shrink")
        let shrinkParts = shrinkText.split(separator: ".", omittingEmptySubsequences: false)
        guard shrinkParts.count == 2, shrinkParts[0] == "0" || shrinkParts[0] == "1", shrinkParts[1].count == 2,
              let hundredths = digits(String(shrinkParts[1]), max: 2),
              case let total = Int(shrinkParts[0])! * 100 + hundredths, (1...100).contains(total) else {
            throw invalid("Style shrink", shrinkText, "a number from 0.01 to 1.00 with two decimals")
        }
        let scaleText = try field("Scale")
        guard let scale = digits(scaleText, max: 2), (1...maxScale).contains(scale) else {
            throw invalid("Scale", scaleText, "a whole number 1-\(maxScale)")
        }
        let digest = try field("Weights SHA-256")
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw invalid("Weights SHA-256", digest, "64 lowercase hexadecimal digits")
        }
        return Saved(input: input, digit: digit, chosenByPerson: whoText == "person", shrink: Float(total) / 100,
                     scale: scale, weightsDigest: digest)
    }
}

public enum HandwritingMetadataError: DigitCoreError, Equatable {
    case notHandwriting
    case samplesView
    case unsupportedVersion(String)
    case missing(String)
    case duplicate(String)
    case invalid(key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .notHandwriting: return "the PNG holds no saved handwriting (no 'DigitGen handwriting' text chunk)"
        case .samplesView: return "the PNG holds a samples view, not handwriting"
        case .unsupportedVersion(let v): return "the handwriting's format version '\(v)' is not supported (this version reads 1)"
        case .missing(let key): return "the saved handwriting has no '\(key)' entry"
        case .duplicate(let key): return "the saved handwriting has two '\(key)' entries"
        case .invalid(let key, let value, let expected):
            return "the saved handwriting's '\(key)' is '\(value)', expected \(expected)"
        }
    }

    public var hint: String? {
        switch self {
        case .notHandwriting: return "save it with Save Image… on the Handwriting page of the Digit Generator app, or use --image"
        case .samplesView: return "reproduce it with: digitgen generate --view FILE.png"
        default: return "the file was changed after it was saved; save the drawing again from the app"
        }
    }
}
