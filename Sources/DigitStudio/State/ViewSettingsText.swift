import DigitCore

/// The samples view as one short line of text, what "Copy view" puts on the clipboard and
/// "Open view" and `digitgen generate --view` accept:
///
///     view=samples digit=3 seed=42 t=0.80 prior=fitted slant=+1.20 principal-2=-0.50
///
/// The two sliders are DIRECTION=OFFSET pairs in slider order: a named direction by its bare
/// name (or `named-NAME` when the name could be read as another key), the others by their
/// token (`principal-N`, `dimension-N`); offsets in standard deviations. Reading is strict:
/// an unknown key, a repeated one, a value out of range, more than two directions or a
/// direction the weights lack is an error that says so. `view=` may be left out (a samples
/// view), and so may `t` (the weights' default temperature), `prior` (fitted) and either
/// direction (the default sliders, direction 1 and direction 2, fill in). Temperatures and
/// offsets are snapped to the sliders' steps.
extension ViewSettings {
    /// The value of `view=` for this view.
    public static let textKind = "samples"
    /// The keys of the text other than directions.
    public static let textKeys = ["view", "digit", "seed", "t", "prior", "style", "size"]
    /// The kinds of view a text may name: what it shows of the settings.
    public static let textKinds = ["samples", "same-style", "map"]

    /// This view as text.
    public var viewText: ViewText {
        var text = ViewText()
        text["view"] = ViewSettings.textKind
        text["digit"] = String(digit)
        text["seed"] = String(seed)
        text["t"] = String(hundredths: temperature)
        text["prior"] = prior.rawValue
        if let style { text["style"] = String(style) }
        for s in sliders { text[ViewSettings.textKey(s.direction)] = ViewMetadata.signedHundredths(s.offset) }
        return text
    }

    /// The key of `direction` in the text: a named direction by its bare name unless that name
    /// is a view key or reads as another direction's token.
    public static func textKey(_ direction: DirectionID) -> String {
        if case .named(let name) = direction, !textKeys.contains(name), DirectionID(token: name) == nil {
            return name
        }
        return direction.token
    }

    /// Reads a view text (see the type's description) for the weights `catalog` describes.
    public init(viewText: String, catalog: DirectionCatalog, defaultTemperature: Float = 1) throws {
        try self.init(viewText: try ViewText.parse(viewText), catalog: catalog, defaultTemperature: defaultTemperature)
    }

    public init(viewText text: ViewText, catalog: DirectionCatalog, defaultTemperature: Float = 1) throws {
        if let kind = text["view"], !ViewSettings.textKinds.contains(kind) {
            throw ViewTextError.wrongKind(expected: "samples, same-style or map", got: String(kind.prefix(40)))
        }
        let classes = catalog.entries.count
        guard let digit = try text.int("digit", in: 0...max(0, classes - 1)) else { throw ViewTextError.missing("digit") }
        guard let seedText = text["seed"] else { throw ViewTextError.missing("seed") }
        guard let seed = UInt64(seedText), seed <= ViewSettings.maxSeed else {
            throw ViewTextError.badValue(key: "seed", value: seedText, expected: "a whole number 0-\(ViewSettings.maxSeed)")
        }
        let temperature = try text.float("t", in: 0...ViewSettings.maxTemperature)
            .map(ViewSettings.snapTemperature) ?? ViewSettings.snapTemperature(defaultTemperature)
        var prior = PriorChoice.fitted
        if let p = text["prior"] {
            guard let choice = PriorChoice(rawValue: p) else {
                throw ViewTextError.badValue(key: "prior", value: p, expected: "'fitted' or 'standard'")
            }
            prior = choice
        }
        var sliders: [SliderSetting] = []
        for (key, value) in text.pairs where !ViewSettings.textKeys.contains(key) {
            let direction = try ViewSettings.direction(key: key, catalog: catalog)
            if let other = sliders.first(where: { $0.direction == direction }) {
                throw ViewSettingsTextError.sameDirection(key, ViewSettings.textKey(other.direction))
            }
            guard sliders.count < ViewSettings.defaultSliders.count else {
                throw ViewSettingsTextError.tooManyDirections(text.pairs.map(\.key).filter { !ViewSettings.textKeys.contains($0) })
            }
            guard let x = Float(value.hasPrefix("+") ? String(value.dropFirst()) : value), x.isFinite,
                  abs(x) <= ViewSettings.offsetRange else {
                throw ViewTextError.badValue(key: key, value: value, expected: "an offset from -3 to +3 standard deviations")
            }
            sliders.append(SliderSetting(direction: direction, offset: ViewSettings.snapOffset(x)))
        }
        for fill in ViewSettings.defaultSliders where sliders.count < ViewSettings.defaultSliders.count
            && !sliders.contains(where: { $0.direction == fill.direction }) {
            sliders.append(fill)
        }
        let style = try text.int("style", in: 0...max(0, classes - 1))
        if let style, style == digit {
            throw ViewTextError.badValue(key: "style", value: String(style), expected: "a digit other than the view's digit")
        }
        self.init(digit: digit, seed: seed, temperature: temperature, prior: prior, sliders: sliders, style: style)
    }

    /// The direction a key of the text names, checked against the weights.
    static func direction(key: String, catalog: DirectionCatalog) throws -> DirectionID {
        if let id = DirectionID(token: key) {
            guard catalog.contains(id) else { throw ViewSettingsTextError.missingDirection(key, catalog.available) }
            return id
        }
        let id = DirectionID.named(key)
        guard LatentDirections.isValidName(key), catalog.contains(id) else {
            throw ViewSettingsTextError.unknownKey(key, catalog.available)
        }
        return id
    }
}

extension SavedPage {
    /// The view text of `view` as this page shows it: `view=map size=11 digit=3 ...`.
    public func viewText(_ view: ViewSettings) -> ViewText {
        var text = ViewText()
        text["view"] = token
        if case .map(let size) = self { text["size"] = String(size) }
        for (key, value) in view.viewText.pairs where key != "view" { text[key] = value }
        return text
    }

    /// The page a view text names (`view=`, and `size=` for a map; no `view=`: the samples).
    public init(viewText text: ViewText) throws {
        switch text["view"] {
        case nil, "samples"?:
            self = .samples
            if text["size"] != nil { throw ViewTextError.badValue(key: "size", value: text["size"]!, expected: "no size: only a map has one") }
        case "same-style"?:
            self = .sameStyle
            if text["size"] != nil { throw ViewTextError.badValue(key: "size", value: text["size"]!, expected: "no size: only a map has one") }
        case "map"?:
            let sizes = LatentMap.sizes.map(String.init).joined(separator: ", ")
            guard let sizeText = text["size"] else { self = .map(size: LatentMap.defaultSize); return }
            guard let size = Int(sizeText), LatentMap.sizes.contains(size) else {
                throw ViewTextError.badValue(key: "size", value: String(sizeText.prefix(40)), expected: "one of \(sizes)")
            }
            self = .map(size: size)
        case let other?:
            throw ViewTextError.wrongKind(expected: "samples, same-style or map", got: String(other.prefix(40)))
        }
    }
}

extension DirectionCatalog {
    /// "slant, thickness, width, height, principal-1 to principal-20, dimension-0 to dimension-19",
    /// for messages about a direction the weights lack.
    public var available: String {
        let numbered = "principal-1 to principal-\(latent), dimension-0 to dimension-\(latent - 1)"
        return names.isEmpty ? numbered + "; no named directions (digitgen fit-directions adds them)"
            : names.joined(separator: ", ") + ", " + numbered
    }

    /// Why a view naming `id` cannot be shown with these weights, or nil when it can.
    public func whyMissing(_ id: DirectionID) -> String? {
        guard !contains(id) else { return nil }
        return "these weights have no direction \(ViewSettings.textKey(id).prefix(40)) (they have \(available))"
    }
}

public enum ViewSettingsTextError: DigitCoreError, Equatable {
    /// A key that is neither a view key nor a direction of the weights; the directions they have.
    case unknownKey(String, String)
    /// A direction token the weights lack (principal-25 with 20 latent dimensions).
    case missingDirection(String, String)
    case tooManyDirections([String])
    case sameDirection(String, String)

    public var description: String {
        switch self {
        case .unknownKey(let key, let available):
            return "'\(key.prefix(40))' is neither a view key (\(ViewSettings.textKeys.joined(separator: ", "))) "
                + "nor a direction of these weights (\(available))"
        case .missingDirection(let key, let available):
            return "these weights have no direction \(key.prefix(40)) (they have \(available))"
        case .tooManyDirections(let keys):
            return "the view moves along \(keys.count) directions (\(keys.map { String($0.prefix(40)) }.joined(separator: ", "))); "
                + "it has two sliders"
        case .sameDirection(let a, let b):
            return "\(a.prefix(40)) and \(b.prefix(40)) are the same direction; the two sliders need two"
        }
    }
}
