/// A stream of queries for one view. Each lane keeps only its newest query (latest wins);
/// lanes share one background queue, the more urgent first.
public enum Lane: Hashable, Sendable, CustomStringConvertible {
    /// The five images on screen.
    case samples
    /// The images along one slider's whole range (or the temperature's), decoded ahead of
    /// time so that a drag shows each position in the frame that moved the slider.
    case sweep(SweepTarget)
    /// The small strips in the direction menus.
    case previews
    /// The same style as every digit.
    case styleRow
    /// The latent map.
    case map
    /// The morph's frames.
    case morph
    /// The drawing pad's restyle.
    case handwriting
    /// The kiosk's attract loop: one frame at a time.
    case attract

    /// Lower runs first.
    public var priority: Int {
        switch self {
        case .samples, .attract: return 0
        case .map, .morph, .handwriting: return 1
        case .styleRow: return 2
        case .sweep: return 3
        case .previews: return 4
        }
    }

    public var description: String {
        switch self {
        case .samples: return "samples"
        case .sweep(.slider(let i)): return "sweep-slider\(i)"
        case .sweep(.temperature): return "sweep-temperature"
        case .previews: return "previews"
        case .styleRow: return "style-row"
        case .map: return "map"
        case .morph: return "morph"
        case .handwriting: return "handwriting"
        case .attract: return "attract"
        }
    }
}

public enum SweepTarget: Hashable, Sendable {
    case slider(Int)
    case temperature
}

/// Identifies one submitted query; results are matched to their query by it.
public typealias QueryID = Int
