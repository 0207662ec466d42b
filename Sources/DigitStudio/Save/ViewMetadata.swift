import DigitCore

/// A view written into a PNG's text chunks by Save, and read back by
/// `digitgen generate --view`. The parser is a pure function on strings: it takes the
/// (key, value) pairs in file order and either returns the view or says what is wrong.
///
/// Keys (all ASCII): "DigitGen view" (format version, "1"), "Digit", "Seed", "Temperature",
/// "Prior", "Slider A direction", "Slider A offset" (directions by `DirectionID.token`:
/// principal-1, dimension-7, named-slant), "Slider B direction", "Slider B offset",
/// "Scale", "Weights SHA-256", and "Description" (for people; ignored when reading).
/// Other keys (from other tools) are ignored.
public enum ViewMetadata {
    public struct Entry: Equatable, Sendable {
        public let key: String
        public let value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The view as read back.
    public struct SavedView: Equatable, Sendable {
        public let view: ViewSettings
        public let scale: Int
        public let weightsDigest: String
        /// What the file shows of the view (no "Page" entry: the samples).
        public var page: SavedPage = .samples
    }

    /// Digits a view's model draws (the same-style row has one image per digit).
    public static let classes = 10

    public static let versionKey = "DigitGen view"
    public static let version = "1"
    static let sliderNames = ["A", "B"]
    static let maxScale = 64

    /// The entries for `view` saved at `scale` with the weights of `weightsDigest`.
    public static func entries(view: ViewSettings, scale: Int, weightsDigest: String,
                               page: SavedPage = .samples) -> [Entry] {
        var out = [Entry(versionKey, version)]
        if page != .samples { out.append(Entry("Page", page.token)) }
        if case .map(let size) = page { out.append(Entry("Map size", String(size))) }
        out += [Entry("Digit", String(view.digit)),
                   Entry("Seed", String(view.seed)),
                   Entry("Temperature", String(hundredths: view.temperature)),
                   Entry("Prior", view.prior.rawValue)]
        if let style = view.style { out.append(Entry("Style digit", String(style))) }
        for (i, s) in view.sliders.enumerated() where i < sliderNames.count {
            out.append(Entry("Slider \(sliderNames[i]) direction", s.direction.token))
            out.append(Entry("Slider \(sliderNames[i]) offset", signedHundredths(s.offset)))
        }
        out.append(Entry("Scale", String(scale)))
        out.append(Entry("Weights SHA-256", weightsDigest))
        let what: String
        switch page {
        case .samples: what = AppState.describe(view)
        case .sameStyle: what = "The first of " + AppState.describe(view).prefix(1).lowercased()
            + AppState.describe(view).dropFirst() + ", drawn as each digit 0 to 9"
        case .map(let size): what = "A \(size) x \(size) map of the first of " + AppState.describe(view).prefix(1).lowercased()
            + AppState.describe(view).dropFirst() + ", over -2 to +2 standard deviations along both slider directions"
        }
        out.append(Entry("Description", what
                         + ". Saved by Digit Generator; reproduce with: digitgen generate --view FILE.png --out COPY.png"))
        return out
    }

    /// Reads a view from text chunks; throws `ViewMetadataError` naming the first problem.
    public static func parse(_ entries: [Entry]) throws -> SavedView {
        var fields: [String: String] = [:]
        let known: Set<String> = [versionKey, "Page", "Map size", "Style digit", "Digit", "Seed", "Temperature", "Prior", "Slider A direction",
                                  "Slider A offset", "Slider B direction", "Slider B offset", "Scale", "Weights SHA-256"]
        for e in entries where known.contains(e.key) {
            guard fields[e.key] == nil else { throw ViewMetadataError.duplicate(e.key) }
            fields[e.key] = e.value
        }
        guard let version = fields[versionKey] else { throw ViewMetadataError.notAView }
        guard version == ViewMetadata.version else { throw ViewMetadataError.unsupportedVersion(String(version.prefix(40))) }
        func field(_ key: String) throws -> String {
            guard let v = fields[key] else { throw ViewMetadataError.missing(key) }
            return v
        }
        func invalid(_ key: String, _ value: String, _ expected: String) -> ViewMetadataError {
            .invalid(key: key, value: String(value.prefix(40)), expected: expected)
        }

        let digitText = try field("Digit")
        guard let digit = plainInteger(digitText), (0...9).contains(digit) else {
            throw invalid("Digit", digitText, "a digit 0-9")
        }
        let seedText = try field("Seed")
        guard let seed = plainUnsigned(seedText), seed <= ViewSettings.maxSeed else {
            throw invalid("Seed", seedText, "a whole number 0-\(ViewSettings.maxSeed)")
        }
        let temperatureText = try field("Temperature")
        guard let t = decimal(temperatureText), (0...ViewSettings.maxTemperature).contains(t),
              ViewSettings.snapTemperature(t) == t else {
            throw invalid("Temperature", temperatureText, "a multiple of 0.05 from 0 to 1.5")
        }
        let priorText = try field("Prior")
        guard let prior = PriorChoice(rawValue: priorText) else {
            throw invalid("Prior", priorText, "'fitted' or 'standard'")
        }
        var sliders: [SliderSetting] = []
        for name in sliderNames {
            let dKey = "Slider \(name) direction", oKey = "Slider \(name) offset"
            let dText = try field(dKey)
            guard let direction = DirectionID(token: dText) else {
                throw invalid(dKey, dText, "'principal-N' (N from 1), 'dimension-N' (N from 0) or 'named-NAME'")
            }
            let oText = try field(oKey)
            guard let offset = decimal(oText), abs(offset) <= ViewSettings.offsetRange,
                  ViewSettings.snapOffset(offset) == offset else {
                throw invalid(oKey, oText, "a multiple of 0.05 from -3 to +3")
            }
            sliders.append(SliderSetting(direction: direction, offset: offset))
        }
        guard sliders[0].direction != sliders[1].direction else {
            throw ViewMetadataError.sameDirection(sliders[0].direction.token)
        }
        let scaleText = try field("Scale")
        guard let scale = plainInteger(scaleText), (1...maxScale).contains(scale) else {
            throw invalid("Scale", scaleText, "a whole number 1-\(maxScale)")
        }
        let digest = try field("Weights SHA-256")
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw invalid("Weights SHA-256", digest, "64 lowercase hexadecimal digits")
        }
        var style: Int?
        if let styleText = fields["Style digit"] {
            guard let d = plainInteger(styleText), (0...9).contains(d), d != digit else {
                throw invalid("Style digit", styleText, "a digit 0-9 other than the view's digit")
            }
            style = d
        }
        var page = SavedPage.samples
        switch fields["Page"] {
        case nil, "samples"?: break
        case "same-style"?: page = .sameStyle
        case "map"?:
            let sizeText = try field("Map size")
            guard let size = plainInteger(sizeText), LatentMap.sizes.contains(size) else {
                throw invalid("Map size", sizeText, "one of " + LatentMap.sizes.map(String.init).joined(separator: ", "))
            }
            page = .map(size: size)
        case let other?:
            throw invalid("Page", other, "'samples', 'same-style' or 'map'")
        }
        return SavedView(view: ViewSettings(digit: digit, seed: seed, temperature: t, prior: prior, sliders: sliders,
                                            style: style),
                         scale: scale, weightsDigest: digest, page: page)
    }

    /// "+1.20", "-0.05", "+0.00".
    static func signedHundredths(_ v: Float) -> String {
        (v < 0 ? "-" : "+") + String(hundredths: abs(v))
    }

    /// Digits only, at most 10 of them.
    private static func plainUnsigned(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return UInt64(text)
    }

    private static func plainInteger(_ text: String) -> Int? { plainUnsigned(text).map { Int($0) } }

    /// An optional sign, digits, optionally a point and at most 4 more digits; the value
    /// snapped to a multiple of 0.05 when it is one to within rounding, else returned as is.
    static func decimal(_ text: String) -> Float? {
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
              parts[0].utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        var hundredths = Int(parts[0])! * 100
        if parts.count == 2 {
            let frac = parts[1]
            guard !frac.isEmpty, frac.count <= 4, frac.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            let padded = frac + String(repeating: "0", count: 4 - frac.count)
            let tenThousandths = Int(padded)!
            guard tenThousandths % 100 == 0 else { return Float.nan }  // finer than hundredths
            hundredths += tenThousandths / 100
        }
        guard hundredths % 5 == 0 else { return Float.nan }
        let ticks = hundredths / 5
        return ViewSettings.offset(ticks: negative ? -ticks : ticks)
    }
}

public enum ViewMetadataError: DigitCoreError, Equatable {
    case notAView
    case unsupportedVersion(String)
    case missing(String)
    case duplicate(String)
    case invalid(key: String, value: String, expected: String)
    case sameDirection(String)

    public var description: String {
        switch self {
        case .notAView: return "the PNG holds no Digit Generator view (no 'DigitGen view' text chunk)"
        case .unsupportedVersion(let v): return "the view's format version '\(v)' is not supported (this version reads 1)"
        case .missing(let key): return "the view has no '\(key)' entry"
        case .duplicate(let key): return "the view has two '\(key)' entries"
        case .invalid(let key, let value, let expected): return "the view's '\(key)' is '\(value)', expected \(expected)"
        case .sameDirection(let d): return "both sliders of the view are on \(d)"
        }
    }

    public var hint: String? {
        switch self {
        case .notAView: return "save the image with Save Image… in the Digit Generator app"
        default: return "the file was changed after it was saved; save the view again from the app"
        }
    }
}
