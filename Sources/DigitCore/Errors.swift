/// Errors the library throws carry a one-line description of what is wrong and, where
/// there is one, a hint telling the user what to do about it.
public protocol DigitCoreError: Error, CustomStringConvertible {
    /// What to do about it, or nil.
    var hint: String? { get }
}

extension DigitCoreError {
    public var hint: String? { nil }
    /// Description and hint on one line, for a CLI's stderr or a window's message.
    public var userMessage: String {
        if let hint { return "\(description) (\(hint))" }
        return description
    }
}

/// Errors about a model's shape or inputs given to it.
public enum ModelError: DigitCoreError, Equatable {
    case invalidDigit(Int)
    case invalidCount(Int)
    case latentSizeMismatch(expected: Int, got: Int)
    case nonFiniteLatent
    case invalidTemperature(Float)
    /// The weights' `default_temperature` metadata is not a finite number >= 0.
    case invalidDefaultTemperature(String)
    case inconsistentShapes(String)
    case nonFiniteParameter(String)
    case priorOutOfRange
    /// A prior's mixture weight is negative (they are probabilities).
    case negativePriorWeight(digit: Int, component: Int, value: Float)
    /// `PriorFitting` was given options it cannot use.
    case invalidPriorFit(String)
    /// A mixture of `components` per class needs at least that many images of every class.
    case tooFewImagesForPrior(digit: Int, images: Int, components: Int)
    /// `DIGITGEN_KERNEL` names no kernel, or one this CPU cannot run.
    case invalidKernel(String)

    public var description: String {
        switch self {
        case .invalidDigit(let d): return "digit \(d) is outside 0-9"
        case .invalidCount(let n): return "count \(n) is outside 1-10000"
        case .latentSizeMismatch(let e, let g):
            return "latent vector has \(g) values but the model's latent size is \(e)"
        case .nonFiniteLatent: return "latent vector contains a non-finite value (NaN or infinity)"
        case .invalidTemperature(let t): return "temperature \(t) must be a finite number >= 0"
        case .invalidDefaultTemperature(let v):
            return "metadata default_temperature \"\(v)\" must be a finite number >= 0"
        case .inconsistentShapes(let s): return "weights have inconsistent shapes: \(s)"
        case .nonFiniteParameter(let name): return "tensor \(name) contains NaN or infinity"
        case .priorOutOfRange:
            return "prior tensors are out of range (a log-variance beyond ±30 or a mean beyond ±10000)"
        case .negativePriorWeight(let d, let k, let v):
            return "prior mixture weight \(v) of digit \(d), component \(k) is negative; mixture weights must be >= 0"
        case .invalidPriorFit(let s): return "cannot fit the prior: \(s)"
        case .tooFewImagesForPrior(let d, let n, let k):
            return "cannot fit the prior: digit \(d) has \(n) training images, fewer than \(k) components"
        case .invalidKernel(let s): return s
        }
    }

    public var hint: String? {
        switch self {
        case .tooFewImagesForPrior(_, let n, _):
            return n > 0 ? "use --components \(n) or fewer" : "the training data needs images of every digit"
        default: return nil
        }
    }
}
