/// One direction a slider can move along, for one digit.
public struct Direction: Equatable, Sendable {
    public let id: DirectionID
    /// Unit vector in latent space (length `latent`).
    public let unit: [Float]
    /// Standard deviation of the digit's fitted prior along `unit`: a slider offset of 1 moves
    /// the latent vector by `spread * unit`.
    public let spread: Float
    /// Share of the digit's total latent variance along this direction (0-1).
    public let varianceShare: Float
    /// Mean absolute pixel change when moving from -2 to +2 standard deviations around the
    /// digit's prior mean (0-1), as measured at load; 0 before it is measured.
    public let effect: Float

    public init(id: DirectionID, unit: [Float], spread: Float, varianceShare: Float, effect: Float) {
        self.id = id
        self.unit = unit
        self.spread = spread
        self.varianceShare = varianceShare
        self.effect = effect
    }

    /// The latent step of one standard deviation: spread * unit.
    public var step: [Float] { unit.map { $0 * spread } }

    /// "24% of the variation", "changes 3.1% of the ink",
    /// "fitted to the slant of training digits; changes 4.0% of the ink".
    public var subtitle: String {
        switch id {
        case .principal:
            return "\(Int((varianceShare * 100).rounded()))% of the variation"
        case .dimension:
            return inkChange
        case .named(let name):
            return "fitted to the \(name) of training digits; \(inkChange)"
        }
    }

    /// "changes 3.1% of the ink".
    private var inkChange: String {
        let percent = effect * 100
        return percent >= 10 || percent == 0 ? "changes \(Int(percent.rounded()))% of the ink"
            : "changes \(String(format1: percent))% of the ink"
    }
}

extension String {
    /// One decimal, without Foundation.
    init(format1 value: Float) {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        self = "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
