import DigitCore

/// What to decode, said explicitly: the worker resolves a query to latent vectors and labels
/// and decodes them; it never decides what to draw.
public indirect enum LatentQuery: Equatable, Hashable, Sendable {
    /// `spec.count` samples of a digit, each moved by the same offsets (added in order).
    case samples(SampleSpec, offsets: [LatentOffset])
    /// Explicit latent vectors (count x latent, row-major) and their labels.
    case vectors(z: [Float], labels: [Int])
    /// A grid around one point: `x.amounts.count` columns by `y.amounts.count` rows, row by row.
    case grid(base: LatentBase, label: Int, x: Axis, y: Axis)
    /// `steps` points on the straight line from `from` to `to`, both ends included.
    case path(from: LatentBase, to: LatentBase, label: Int, steps: Int)
    /// One latent vector (`base` moved by `offsets`) decoded under each of `labels`: the same
    /// style drawn as every digit.
    case sameStyle(base: LatentBase, offsets: [LatentOffset], labels: [Int])
    /// The frames of a morph (spherical path between two latent vectors, blended digit
    /// conditions), exactly as `digitgen morph` draws them.
    case morph(Morph)
    /// A picture of one handwritten digit made MNIST-style and restyled as every digit
    /// (`HandwritingRestyle`): the input, then the digits 0-9.
    case restyle(HandwritingPicture)
    /// Each image of `from` carried toward the same image of `to` by the fraction `t`: the
    /// latent vectors along the sphere (`LatentPath.slerp`), the digit condition blended
    /// linearly (1 - t, t). The kiosk's attract loop draws one of these every frame; t = 0
    /// gives `from`'s images, t = 1 `to`'s.
    case blend(from: LatentQuery, to: LatentQuery, t: Float)
    /// Several queries decoded one after the other (each in its own decode call, so each
    /// part gives exactly the pixels it gives alone); the images are concatenated.
    case batch([LatentQuery])

    /// Number of images the query gives.
    public var count: Int {
        switch self {
        case .samples(let spec, _): return spec.count
        case .vectors(_, let labels): return labels.count
        case .grid(_, _, let x, let y): return x.amounts.count * y.amounts.count
        case .path(_, _, _, let steps): return steps
        case .sameStyle(_, _, let labels): return labels.count
        case .morph(let m): return m.frames
        case .restyle: return 11
        case .blend(let from, _, _): return from.count
        case .batch(let parts): return parts.reduce(0) { $0 + $1.count }
        }
    }
}

/// The samples of a digit drawn by the sampler (what `digitgen generate` draws).
public struct SampleSpec: Equatable, Hashable, Sendable {
    /// The digit whose prior the latent vectors are drawn from.
    public var digit: Int
    /// The digit they are drawn as (nil: `digit`); another digit keeps their style.
    public var label: Int?
    public var count: Int
    public var seed: UInt64
    public var temperature: Float
    public var prior: PriorChoice

    /// The label the samples are decoded under.
    public var drawnAs: Int { label ?? digit }

    public init(digit: Int, count: Int, seed: UInt64, temperature: Float, prior: PriorChoice, label: Int? = nil) {
        self.digit = digit
        self.label = label
        self.count = count
        self.seed = seed
        self.temperature = temperature
        self.prior = prior
    }
}

/// `amount` times `step` (one standard deviation along a direction, in latent units).
public struct LatentOffset: Equatable, Hashable, Sendable {
    public var step: [Float]
    public var amount: Float

    public init(step: [Float], amount: Float) {
        self.step = step
        self.amount = amount
    }
}

/// A point in latent space: one sample of a spec, or an explicit vector.
public enum LatentBase: Equatable, Hashable, Sendable {
    case sample(SampleSpec, index: Int)
    case vector([Float])
}

/// Positions along one direction: `amount * step` for each amount.
public struct Axis: Equatable, Hashable, Sendable {
    public var step: [Float]
    public var amounts: [Float]

    public init(step: [Float], amounts: [Float]) {
        self.step = step
        self.amounts = amounts
    }

    /// One position at the base point itself (a grid with a single row).
    public static func none(latent: Int) -> Axis { Axis(step: [Float](repeating: 0, count: latent), amounts: [0]) }
}
