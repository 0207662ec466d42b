/// A morph: frames that pass from one sample to another, in latent space.
///
/// The start is sample `fromSeed` of `fromDigit` and the end sample `toSeed` of `toDigit`, drawn
/// exactly as `generate --count 1` draws them, so the first and last frames are those images.
/// In between, the latent vector follows a spherical interpolation (`LatentPath.slerp`) and the
/// decoder's condition blends linearly from one one-hot label to the other. With `sameStyle`
/// the end keeps the start's latent vector (its style) and only the digit changes.
public struct Morph: Equatable, Hashable, Sendable {
    public var fromDigit: Int
    public var toDigit: Int
    public var fromSeed: UInt64
    public var toSeed: UInt64
    public var frames: Int
    public var temperature: Float
    public var prior: PriorChoice
    public var sameStyle: Bool

    public static let frameRange = 2...1000

    public init(fromDigit: Int, toDigit: Int, fromSeed: UInt64, toSeed: UInt64, frames: Int,
                temperature: Float = 1, prior: PriorChoice = .fitted, sameStyle: Bool = false) {
        self.fromDigit = fromDigit; self.toDigit = toDigit; self.fromSeed = fromSeed; self.toSeed = toSeed
        self.frames = frames; self.temperature = temperature; self.prior = prior; self.sameStyle = sameStyle
    }

    /// The latent vectors and conditions of every frame (frames x L and frames x C).
    public func queries(model: CVAE) throws -> (z: [Float], conditions: [Float]) {
        guard Morph.frameRange.contains(frames) else { throw MorphError.frames(frames) }
        let a = try model.sampleLatents(digit: fromDigit, count: 1, seed: fromSeed, temperature: temperature, prior: prior)
        try model.validate(digit: toDigit, count: 1, temperature: temperature)
        let b = sameStyle ? a
            : try model.sampleLatents(digit: toDigit, count: 1, seed: toSeed, temperature: temperature, prior: prior)
        let classes = model.config.classes
        var z: [Float] = [], conditions: [Float] = []
        z.reserveCapacity(frames * a.count); conditions.reserveCapacity(frames * classes)
        for (i, point) in LatentPath.slerpPath(from: a, to: b, frames: frames).enumerated() {
            z += point
            let t = Float(i) / Float(frames - 1)
            var c = [Float](repeating: 0, count: classes)
            c[fromDigit] += 1 - t
            c[toDigit] += t
            conditions += c
        }
        return (z, conditions)
    }

    /// The frames' pixel probabilities (frames x pixels).
    public func render(model: CVAE) throws -> [Float] {
        let q = try queries(model: model)
        return try model.decode(z: q.z, conditions: q.conditions)
    }

    /// The animated GIF of this morph: each frame scaled by `scale` (nearest neighbour,
    /// no padding), played at `fps` (GIF delays are hundredths of a second), with the view
    /// text in its comment. What `digitgen morph` and the app's export write.
    public func animation(model: CVAE, fps: Int, scale: Int, invert: Bool = false) throws -> GIF.Animation {
        let images = try render(model: model)
        let side = model.config.side
        let pixelsPerFrame = model.config.pixels
        var frameBytes: [[UInt8]] = []
        var size = (width: 0, height: 0)
        for f in 0..<frames {
            let one = Array(images[(f * pixelsPerFrame)..<((f + 1) * pixelsPerFrame)])
            let g = ImageGrid.compose(images: one, count: 1, side: side, scale: scale, padding: 0, columns: nil, invert: invert)
            size = (g.width, g.height)
            frameBytes.append(g.pixels)
        }
        let delay = max(1, Int((100 / Double(fps)).rounded()))
        var text = viewText(fps: fps, scale: scale)
        if invert { text["invert"] = "1" }
        return GIF.Animation(width: size.width, height: size.height, frames: frameBytes, delay: delay, comment: text.description)
    }

    /// The view text that reproduces this morph (`digitgen morph --view`).
    public func viewText(fps: Int, scale: Int) -> ViewText {
        var v = ViewText()
        v["view"] = "morph"
        v["from"] = "\(fromDigit)"; v["to"] = "\(toDigit)"
        v["from-seed"] = "\(fromSeed)"; v["to-seed"] = "\(toSeed)"
        v["frames"] = "\(frames)"; v["fps"] = "\(fps)"; v["scale"] = "\(scale)"
        v["t"] = "\(temperature)"; v["prior"] = prior.rawValue
        if sameStyle { v["same-style"] = "1" }
        return v
    }

    /// A morph from its view text, with the fps and scale it was saved at.
    public static func from(view v: ViewText) throws -> (morph: Morph, fps: Int, scale: Int) {
        if let kind = v["view"], kind != "morph" { throw ViewTextError.wrongKind(expected: "morph", got: kind) }
        func need<T>(_ key: String, _ value: T?) throws -> T {
            guard let value else { throw ViewTextError.missing(key) }
            return value
        }
        let priorText = v["prior"] ?? PriorChoice.fitted.rawValue
        guard let prior = PriorChoice(rawValue: priorText) else {
            throw ViewTextError.badValue(key: "prior", value: priorText, expected: "fitted or standard")
        }
        let sameStyle = try v.int("same-style", in: 0...1) ?? 0
        let morph = Morph(fromDigit: try need("from", v.int("from", in: 0...9)),
                          toDigit: try need("to", v.int("to", in: 0...9)),
                          fromSeed: try need("from-seed", v.uint64("from-seed")),
                          toSeed: try need("to-seed", v.uint64("to-seed")),
                          frames: try need("frames", v.int("frames", in: frameRange)),
                          temperature: try v.float("t", in: 0...10) ?? 1, prior: prior, sameStyle: sameStyle == 1)
        return (morph, try v.int("fps", in: 1...60) ?? 24, try v.int("scale", in: 1...64) ?? 4)
    }
}

public enum MorphError: DigitCoreError, Equatable {
    case frames(Int)
    public var description: String {
        switch self {
        case .frames(let n): return "a morph needs \(Morph.frameRange.lowerBound)-\(Morph.frameRange.upperBound) frames, not \(n)"
        }
    }
}
