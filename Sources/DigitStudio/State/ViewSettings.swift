import DigitCore

/// What determines the five images of the main view: the same settings with the same
/// weights give the same pixels, in the window and in `digitgen generate --view`.
public struct ViewSettings: Equatable, Hashable, Sendable, Codable {
    public var digit: Int
    public var seed: UInt64
    /// A multiple of `ViewSettings.temperatureStep` in 0...`maxTemperature`.
    public var temperature: Float
    public var prior: PriorChoice
    /// The two sliders: a direction each and an offset along it in standard deviations of
    /// the digit's spread (a multiple of `offsetStep` in -`offsetRange`...`offsetRange`).
    public var sliders: [SliderSetting]
    /// The digit whose prior the latent vectors come from, when it is not `digit`: the
    /// samples of that digit drawn as `digit`, in their style (the same-style row's choice).
    public var style: Int?

    public init(digit: Int, seed: UInt64, temperature: Float = 1, prior: PriorChoice = .fitted,
                sliders: [SliderSetting] = ViewSettings.defaultSliders, style: Int? = nil) {
        self.digit = digit
        self.style = style
        self.seed = seed
        self.temperature = temperature
        self.prior = prior
        self.sliders = sliders
    }

    public static let sampleCount = 5
    public static let maxSeed: UInt64 = 4_294_967_295
    public static let maxTemperature: Float = 1.5
    public static let temperatureStep: Float = 0.05
    /// Slider offsets run over +-3 standard deviations; beyond +-2 digits start to break.
    public static let offsetRange: Float = 3
    public static let typicalRange: Float = 2
    /// Offsets are whole multiples of this (1/120 of the range), so that a view saved in a
    /// file is reproduced exactly and a slider's positions can be decoded ahead of time.
    public static let offsetStep: Float = 0.05
    public static let offsetTicks = 60
    public static let defaultSliders = [SliderSetting(direction: .principal(0)), SliderSetting(direction: .principal(1))]

    /// Snaps an offset to the nearest step inside the range.
    public static func snapOffset(_ value: Float) -> Float {
        guard value.isFinite else { return 0 }
        let ticks = max(-offsetTicks, min(offsetTicks, Int((value / offsetStep).rounded())))
        return offset(ticks: ticks)
    }

    /// The offset of `ticks` steps, computed one way everywhere (Float(ticks) / 20).
    public static func offset(ticks: Int) -> Float { Float(ticks) / Float(20) }

    public static func ticks(_ offset: Float) -> Int { Int((offset / offsetStep).rounded()) }

    /// Snaps a temperature to the nearest step inside 0...maxTemperature.
    public static func snapTemperature(_ value: Float) -> Float {
        guard value.isFinite else { return 1 }
        let ticks = max(0, min(30, Int((value / temperatureStep).rounded())))
        return Float(ticks) / Float(20)
    }

    /// The query for this view's images.
    public func query(catalog: DirectionCatalog) -> LatentQuery {
        .samples(sampleSpec, offsets: offsets(catalog: catalog))
    }

    public var sampleSpec: SampleSpec {
        SampleSpec(digit: style ?? digit, count: ViewSettings.sampleCount, seed: seed, temperature: temperature,
                   prior: prior, label: style == nil ? nil : digit)
    }

    /// The slider offsets as latent offsets for `catalog` (directions of `digit`).
    public func offsets(catalog: DirectionCatalog) -> [LatentOffset] {
        sliders.map { s in
            LatentOffset(step: catalog.direction(s.direction, digit: digit)?.step
                            ?? [Float](repeating: 0, count: catalog.latent),
                         amount: s.offset)
        }
    }

    /// The first sample's latent vector, with the offsets, drawn as each of `classes` digits.
    public func sameStyleQuery(catalog: DirectionCatalog, classes: Int) -> LatentQuery {
        .sameStyle(base: .sample(sampleSpec, index: 0), offsets: offsets(catalog: catalog), labels: Array(0..<classes))
    }

    /// The same view with slider `index` at 0.
    public func zeroing(slider index: Int) -> ViewSettings {
        var v = self
        if v.sliders.indices.contains(index) { v.sliders[index].offset = 0 }
        return v
    }
}

public struct SliderSetting: Equatable, Hashable, Sendable, Codable {
    public var direction: DirectionID
    public var offset: Float

    public init(direction: DirectionID, offset: Float = 0) {
        self.direction = direction
        self.offset = offset
    }
}

extension PriorChoice: Codable {}
