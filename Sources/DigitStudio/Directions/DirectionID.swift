import DigitCore

/// Names a direction in the latent space that a slider can move along, independently of
/// the digit: "direction 2" is the second principal direction of whichever digit is shown,
/// "slant" the weights' slant direction of that digit.
public enum DirectionID: Hashable, Sendable, Codable {
    /// The k-th principal direction (0-based) of the digit's fitted prior, most variation first.
    case principal(Int)
    /// Raw latent dimension j (0-based).
    case dimension(Int)
    /// A named direction stored with the weights (`LatentDirections`: slant, thickness, ...).
    /// The name satisfies `LatentDirections.isValidName`.
    case named(String)

    /// "Direction 1", "Latent dimension 7", "Slant" (1-based principal, 0-based dimension as the
    /// model numbers them).
    public var title: String {
        switch self {
        case .principal(let k): return "Direction \(k + 1)"
        case .dimension(let j): return "Latent dimension \(j)"
        case .named(let name): return name.prefix(1).uppercased() + name.dropFirst()
        }
    }

    /// "direction 1", "latent dimension 7", "slant", for running text.
    public var phrase: String {
        switch self {
        case .principal(let k): return "direction \(k + 1)"
        case .dimension(let j): return "latent dimension \(j)"
        case .named(let name): return name
        }
    }

    /// The token saved in files: "principal-1", "dimension-7", "named-slant".
    public var token: String {
        switch self {
        case .principal(let k): return "principal-\(k + 1)"
        case .dimension(let j): return "dimension-\(j)"
        case .named(let name): return "named-\(name)"
        }
    }

    /// Parses `token`; nil when it is not one.
    public init?(token: String) {
        let parts = token.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        if parts[0] == "named" {
            let name = String(parts[1])
            guard LatentDirections.isValidName(name) else { return nil }
            self = .named(name)
            return
        }
        guard parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), parts[1].count <= 6,
              let n = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "principal" where n >= 1: self = .principal(n - 1)
        case "dimension": self = .dimension(n)
        default: return nil
        }
    }

    /// Whether this is a named direction.
    public var isNamed: Bool {
        if case .named = self { return true }
        return false
    }
}
