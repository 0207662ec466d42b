import DigitCore

/// A point on the drawing pad, in the pad's square: (0, 0) top left, (1, 1) bottom right.
/// Normalised so that the state does not depend on the widget's size in pixels.
public struct PadPoint: Equatable, Hashable, Sendable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }
}

/// The handwriting page: the strokes drawn on the pad, the digit the person chose (if any),
/// and the latest restyle of the drawing.
public struct Handwriting: Equatable, Sendable {
    /// Each stroke is the points of one press-drag-release, in order.
    public var strokes: [[PadPoint]] = []
    /// Whether the last stroke is still being drawn (the pointer is down).
    public var drawing = false
    /// The digit the person picked to correct the classifier: it wins until Clear.
    public var chosenDigit: Int?
    /// Increases with every change of the strokes or the chosen digit; results carry the one
    /// they answer.
    public var revision = 0
    /// The newest restyle received (it may answer an older revision while a newer one runs).
    public var result: HandwritingResult?
    /// Why the drawing cannot be read (MNISTStyle's message, e.g. a dot), for `revision`.
    public var problem: String?

    public init() {}

    public var isEmpty: Bool { strokes.isEmpty }
    public var pointCount: Int { strokes.reduce(0) { $0 + $1.count } }

    /// Most points kept per stroke and strokes per drawing: a bound on the state's size (a
    /// pointer held down and wiggled for minutes must not grow it without end).
    public static let maxPointsPerStroke = 4096
    public static let maxStrokes = 256

    /// The larger side of the strokes' bounding box, as a fraction of the pad's side.
    public var extent: Float {
        var x0 = Float.infinity, x1 = -Float.infinity, y0 = Float.infinity, y1 = -Float.infinity
        for stroke in strokes {
            for p in stroke { x0 = min(x0, p.x); x1 = max(x1, p.x); y0 = min(y0, p.y); y1 = max(y1, p.y) }
        }
        return x1 >= x0 ? max(x1 - x0, y1 - y0) : 0
    }

    /// A drawing must span at least this much of the pad (twice the pen's width) to be read.
    public static let minExtent: Float = 0.12
    public static let tooSmallProblem = "the drawing is too small to read: draw one digit across most of the pad"

    /// The pad's pen width, as a fraction of the pad's side.
    public static let penWidth: Float = 0.06
    /// The size of the picture the shell renders for the worker (the pad at 280 x 280).
    public static let rasterSide = 280

    /// "2 strokes", "1 stroke", "no strokes".
    public var strokeText: String {
        switch strokes.count {
        case 0: return "no strokes"
        case 1: return "1 stroke"
        default: return "\(strokes.count) strokes"
        }
    }
}

/// The drawing's restyle: the MNIST-style input, the digit it was encoded under, the
/// classifier's probabilities (when it decided), and the style drawn as 0-9.
public struct HandwritingResult: Equatable, Sendable {
    /// The `Handwriting.revision` it answers.
    public let revision: Int
    /// The 28 x 28 MNIST-style input (white ink on black, round(255 p)).
    public let input: [UInt8]
    /// The digit the style was encoded under: the person's choice, else the classifier's guess.
    public let digit: Int
    /// Whether the person chose `digit` (else the classifier did).
    public let chosen: Bool
    /// The classifier's probability of each digit (nil when the person chose and no classifier ran).
    public let probabilities: [Float]?
    /// The ten restyled digits 0-9.
    public let images: Rendered

    public init(revision: Int, input: [UInt8], digit: Int, chosen: Bool, probabilities: [Float]?, images: Rendered) {
        self.revision = revision
        self.input = input
        self.digit = digit
        self.chosen = chosen
        self.probabilities = probabilities
        self.images = images
    }

    /// The classifier's guess, if it ran.
    public var guess: Int? {
        guard let p = probabilities, !p.isEmpty else { return nil }
        return p.indices.max { p[$0] < p[$1] }
    }

    /// "Looks like a 4 (97%)"; with a correction: "You chose 7 (the classifier reads a 1, 63%)".
    public var guessText: String {
        if let g = guess, let p = probabilities {
            let percent = Int((Double(p[g]) * 100).rounded())
            if chosen && g != digit { return "You chose \(digit) (the classifier reads a \(g), \(percent)%)" }
            if chosen { return "You chose \(digit) (the classifier agrees, \(percent)%)" }
            return "Looks like a \(g) (\(percent)%)"
        }
        return "You chose \(digit)"
    }
}

/// A picture of the pad for the worker: `side` x `side` gray bytes (white paper, dark ink).
public struct HandwritingPicture: Equatable, Hashable, Sendable {
    public let side: Int
    public let gray: [UInt8]
    /// The digit to encode it under (nil: the classifier decides).
    public let digit: Int?

    public init(side: Int, gray: [UInt8], digit: Int?) {
        self.side = side
        self.gray = gray
        self.digit = digit
    }
}

/// What the shell rasterizes and the worker restyles, for one revision of the drawing.
public struct HandwritingJob: Equatable, Sendable {
    public let strokes: [[PadPoint]]
    public let digit: Int?
}
