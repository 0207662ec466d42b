import ArgumentParser
import DigitCore
import Foundation

/// `digitgen morph`: an animated GIF passing from one sample to another.
struct MorphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morph",
        abstract: "Write an animated GIF that morphs one generated digit into another.",
        discussion: """
            The first frame is `generate --digit A --seed S1 --count 1` and the last \
            `generate --digit B --seed S2 --count 1` (same --temperature, --prior and --scale, \
            --padding 0). In between, the latent vector moves along a spherical interpolation and \
            the digit condition blends from A to B. --same-style keeps A's latent vector, so only \
            the digit changes. The GIF's comment holds the view, which --view reads back.
            """)

    @Option(name: .long, parsing: .unconditional, help: "Digit of the first frame, 0-9.")
    var fromDigit: Int?

    @Option(name: .long, parsing: .unconditional, help: "Digit of the last frame, 0-9.")
    var toDigit: Int?

    @Option(name: .long, parsing: .unconditional, help: "Seed of both ends (default: a fresh seed, printed).")
    var seed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "Seed of the first frame (default: --seed).")
    var fromSeed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "Seed of the last frame (default: --seed, else --from-seed).")
    var toSeed: UInt64?

    @Flag(name: .long, help: "Keep the first frame's latent vector (its style); only the digit changes.")
    var sameStyle = false

    @Option(name: .long, parsing: .unconditional, help: "Frames, 2-1000.")
    var frames: Int = 48

    @Option(name: .long, parsing: .unconditional, help: "Frames per second, 1-60 (GIF stores delays in 1/100 s, so this is rounded).")
    var fps: Int = 24

    @Option(name: .long, parsing: .unconditional, help: "Upscale each frame by this integer factor (1-64), nearest neighbour.")
    var scale: Int = 4

    @Option(name: .long, parsing: .unconditional, help: "Spread of the latent samples (>= 0). Default: the weights' default temperature, else 1.")
    var temperature: Float?

    @Option(name: .long, help: "Latent prior: 'fitted' (the weights' per-digit prior when present) or 'standard' N(0, I).")
    var prior: PriorChoice = .fitted

    @Option(name: .long, help: ArgumentHelp("Reproduce the morph saved in this GIF (its comment) or given as view text.", valueName: "file.gif|text"))
    var view: String?

    @Flag(name: .long, help: "Black ink on white instead of white on black.")
    var invert = false

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, help: ArgumentHelp("Output GIF file.", valueName: "file.gif"))
    var out: String

    func validate() throws {
        if view == nil {
            guard let fromDigit else { throw ValidationError("--from-digit is required (or --view)") }
            guard let toDigit else { throw ValidationError("--to-digit is required (or --view)") }
            for (name, d) in [("--from-digit", fromDigit), ("--to-digit", toDigit)] where !(0...9).contains(d) {
                throw ValidationError("\(name) \(d) is outside 0-9")
            }
        } else if fromDigit != nil || toDigit != nil || seed != nil || fromSeed != nil || toSeed != nil {
            throw ValidationError("--view gives the digits and seeds; do not combine it with --from-digit, --to-digit or seeds")
        }
        guard Morph.frameRange.contains(frames) else { throw ValidationError("--frames \(frames) is outside 2-1000") }
        guard (1...60).contains(fps) else { throw ValidationError("--fps \(fps) is outside 1-60") }
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale) is outside 1-64") }
        if let temperature, !(temperature.isFinite && temperature >= 0) {
            throw ValidationError("--temperature \(temperature) must be a finite number >= 0")
        }
    }

    func run() throws {
        let model = try weightsOptions.loadModel()
        var morph: Morph, fps = fps, scale = scale, invert = invert
        if let view {
            let text: String
            if FileManager.default.fileExists(atPath: view) {
                guard let comment = try GIF.read(path: view).comment else {
                    throw ValidationError("\(view) holds no saved view (its GIF comment is missing)")
                }
                text = comment
            } else {
                text = view
            }
            let parsed = try ViewText.parse(text)
            (morph, fps, scale) = try Morph.from(view: parsed)
            invert = try parsed.int("invert", in: 0...1) == 1
        } else {
            let a = fromSeed ?? seed ?? UInt64.random(in: 0...UInt64(Int64.max))
            morph = Morph(fromDigit: fromDigit!, toDigit: toDigit!, fromSeed: a, toSeed: toSeed ?? seed ?? a,
                          frames: frames, temperature: temperature ?? model.defaultTemperature, prior: prior,
                          sameStyle: sameStyle)
        }
        let animation = try morph.animation(model: model, fps: fps, scale: scale, invert: invert)
        try GIF.write(animation, to: out)
        let size = (width: animation.width, height: animation.height)
        let delay = animation.delay
        let text = animation.comment ?? ""
        print("wrote \(out): \(morph.frames) frames of \(size.width)x\(size.height) px at \(100.0 / Double(delay)) fps, "
              + "digit \(morph.fromDigit) (seed \(morph.fromSeed)) to \(morph.toDigit) (seed \(morph.toSeed))")
        print("view: \(text)")
    }
}
