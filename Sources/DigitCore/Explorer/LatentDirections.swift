import Foundation

/// Named directions in latent space: for each name and each digit a unit vector along which an
/// attribute of the decoded image (slant, stroke thickness, width, height; see
/// `ImageAttributes`) grows. Fitted by `DirectionFitting`, stored in the weights file beside the
/// model as extra tensors `directions.NAME` [C, L] (PyTorch loads such a file with
/// `load_state_dict(strict=False)`, which ignores them), with the names in the metadata key
/// `directions`.
public struct LatentDirections: Sendable, Equatable {
    public let classes: Int
    public let latent: Int
    /// Names in their stored order.
    public let names: [String]
    /// Per name: C x L values, each row of unit length.
    public let vectors: [String: [Float]]

    public static let tensorPrefix = "directions."
    public static let metadataKey = "directions"
    /// Names are short identifiers: they appear in menus, view texts and tensor names.
    public static let maxNames = 64

    public init(classes: Int, latent: Int, names: [String], vectors: [String: [Float]]) throws {
        guard classes > 0, latent > 0 else { throw ModelError.inconsistentShapes("directions need classes and latent > 0") }
        guard names.count <= LatentDirections.maxNames, Set(names).count == names.count else {
            throw ModelError.inconsistentShapes("direction names must be unique and at most \(LatentDirections.maxNames)")
        }
        var normalized: [String: [Float]] = [:]
        for name in names {
            guard LatentDirections.isValidName(name) else {
                throw ModelError.inconsistentShapes("'\(name.prefix(40))' is not a direction name (a-z, 0-9, -, _; 1-32 characters)")
            }
            guard var v = vectors[name], v.count == classes * latent else {
                throw ModelError.inconsistentShapes("direction \(name) needs \(classes) x \(latent) values")
            }
            guard v.allSatisfy(\.isFinite) else { throw ModelError.nonFiniteParameter(LatentDirections.tensorPrefix + name) }
            for c in 0..<classes {
                var n2: Double = 0
                for j in 0..<latent { n2 += Double(v[c * latent + j]) * Double(v[c * latent + j]) }
                guard n2 > 1e-12 else {
                    throw ModelError.inconsistentShapes("direction \(name) is zero for digit \(c)")
                }
                let inv = Float(1 / n2.squareRoot())
                for j in 0..<latent { v[c * latent + j] *= inv }
            }
            normalized[name] = v
        }
        self.classes = classes; self.latent = latent; self.names = names; self.vectors = normalized
    }

    public static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    /// The unit vector of `name` for `digit` (L values), or nil for an unknown name.
    public func vector(_ name: String, digit: Int) -> [Float]? {
        guard let v = vectors[name], (0..<classes).contains(digit) else { return nil }
        return Array(v[(digit * latent)..<((digit + 1) * latent)])
    }

    /// The standard deviation of a digit's latent codes along `unit` under the fitted prior
    /// (a mixture: Var(u.z) = sum_k pi_k (u.mu_k^2 + sum_j u_j^2 sigma_kj^2) - (sum_k pi_k u.mu_k)^2),
    /// or 1 under N(0, I). Offsets along a direction are counted in these units, so that
    /// +-2 means the same reach for every digit and direction.
    public static func spread(of unit: [Float], digit: Int, prior: LatentPrior?) -> Float {
        guard let p = prior else { return 1 }
        var mean = 0.0, second = 0.0
        for k in 0..<p.components {
            let w = Double(p.weights[digit * p.components + k])
            let base = (digit * p.components + k) * p.latent
            var proj = 0.0, variance = 0.0
            for j in 0..<p.latent {
                let u = Double(unit[j])
                proj += u * Double(p.means[base + j])
                variance += u * u * exp(Double(p.logvars[base + j]))
            }
            mean += w * proj
            second += w * (proj * proj + variance)
        }
        return Float(max(1e-6, second - mean * mean).squareRoot())
    }

    /// The stored tensors, in name order.
    public func tensors() -> [(name: String, tensor: Tensor)] {
        names.map { (LatentDirections.tensorPrefix + $0, Tensor(shape: [classes, latent], values: vectors[$0]!)) }
    }
}
