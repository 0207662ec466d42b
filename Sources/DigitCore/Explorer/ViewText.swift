/// The short text form of a view: space-separated `key=value` pairs, for example
/// `view=morph from=3 to=8 seed=42 t=0.8 frames=48`. It is what "Copy view" puts on the
/// clipboard and what GIF comments and PNG text chunks carry, so that `digitgen` can reproduce
/// a saved view. Parsing is strict: a bad pair is an error naming it, never a guess.
public struct ViewText: Equatable, Sendable, CustomStringConvertible {
    /// Pairs in their order; keys are unique.
    public private(set) var pairs: [(key: String, value: String)]

    /// Longest text accepted: views are a line, not documents.
    public static let maxLength = 4096

    public init() { pairs = [] }

    public static func == (a: ViewText, b: ViewText) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public subscript(key: String) -> String? {
        get { pairs.first { $0.key == key }?.value }
        set {
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    public var description: String { pairs.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    public static func parse(_ text: String) throws -> ViewText {
        guard text.utf8.count <= maxLength else { throw ViewTextError.tooLong(text.utf8.count) }
        var view = ViewText()
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            guard let eq = token.firstIndex(of: "=") else { throw ViewTextError.notAPair(String(token)) }
            let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
            guard !key.isEmpty, key.unicodeScalars.allSatisfy(isKeyScalar) else { throw ViewTextError.badKey(key) }
            guard !value.isEmpty else { throw ViewTextError.emptyValue(key) }
            guard view[key] == nil else { throw ViewTextError.duplicate(key) }
            view.pairs.append((key, value))
        }
        guard !view.pairs.isEmpty else { throw ViewTextError.empty }
        return view
    }

    private static func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "."
    }

    // Typed reads with errors that name the key.

    public func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = self[key] else { return nil }
        guard let n = Int(v.hasPrefix("+") ? String(v.dropFirst()) : v), range.contains(n) else {
            throw ViewTextError.badValue(key: key, value: v, expected: "a whole number in \(range.lowerBound)-\(range.upperBound)")
        }
        return n
    }

    public func uint64(_ key: String) throws -> UInt64? {
        guard let v = self[key] else { return nil }
        guard let n = UInt64(v) else { throw ViewTextError.badValue(key: key, value: v, expected: "a seed (0-18446744073709551615)") }
        return n
    }

    public func float(_ key: String, in range: ClosedRange<Float>) throws -> Float? {
        guard let v = self[key] else { return nil }
        guard let x = Float(v.hasPrefix("+") ? String(v.dropFirst()) : v), x.isFinite, range.contains(x) else {
            throw ViewTextError.badValue(key: key, value: v, expected: "a number in \(range.lowerBound)-\(range.upperBound)")
        }
        return x
    }
}

public enum ViewTextError: DigitCoreError, Equatable {
    case empty
    case tooLong(Int)
    case notAPair(String)
    case badKey(String)
    case emptyValue(String)
    case duplicate(String)
    case badValue(key: String, value: String, expected: String)
    case missing(String)
    case wrongKind(expected: String, got: String)

    public var description: String {
        switch self {
        case .empty: return "the view text is empty"
        case .tooLong(let n): return "the view text has \(n) bytes, more than \(ViewText.maxLength)"
        case .notAPair(let t): return "'\(t.prefix(40))' in the view text is not key=value"
        case .badKey(let k): return "'\(k.prefix(40))' is not a view key (lower-case letters, digits, - _ .)"
        case .emptyValue(let k): return "view key '\(k)' has no value"
        case .duplicate(let k): return "view key '\(k)' appears twice"
        case .badValue(let k, let v, let e): return "view key '\(k)' is '\(v.prefix(40))', expected \(e)"
        case .missing(let k): return "the view has no '\(k)'"
        case .wrongKind(let e, let g): return "the view is a \(g) view, not a \(e) view"
        }
    }
}
