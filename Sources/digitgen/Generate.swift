import ArgumentParser
import DigitCore
import Foundation

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images of a digit and write them as a PNG grid.",
        discussion: """
            Images are white ink on black like MNIST (--invert for black on white). With \
            --scale 1 --padding 0 the file is exactly (28*N) x 28 pixels and each pixel is round(255*p).
            Without --seed a fresh seed is drawn and printed so the result can be reproduced.
            """)

    @Option(name: .long, parsing: .unconditional, help: "Digit to draw, 0-9.")
    var digit: Int

    @Option(name: .long, parsing: .unconditional, help: "Number of images, 1-10000.")
    var count: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Seed for the sampler; the same seed gives the same images.")
    var seed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "Spread of the latent samples around the prior (>= 0; 0 = the prior's mean). Default: the weights' default_temperature (the shipped file's was chosen by measurement), or 1.")
    var temperature: Float?

    @Option(name: .customLong("z"), parsing: .unconditional, help: ArgumentHelp(
        "Fix the latent vector of every image: comma-separated values, as many as the model's latent size (use --z=...).",
        valueName: "v1,v2,..."))
    var zText: String?

    @Option(name: .long, help: "Latent prior: 'fitted' (the weights' per-digit prior when present) or 'standard' N(0, I).")
    var prior: PriorChoice = .fitted

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, parsing: .unconditional, help: "Upscale each image by this integer factor (1-64), nearest neighbour.")
    var scale: Int = 4

    @Option(name: .long, parsing: .unconditional, help: "Pixels between images and around the grid (0-256).")
    var padding: Int = 4

    @Option(name: .long, parsing: .unconditional, help: "Images per row (default: all in one row).")
    var columns: Int?

    @Flag(name: .long, help: "Black ink on white instead of white on black.")
    var invert = false

    @Option(name: .long, help: ArgumentHelp("Output PNG file.", valueName: "file.png"))
    var out: String

    func validate() throws {
        guard (0...9).contains(digit) else { throw ValidationError("--digit \(digit) is outside 0-9") }
        guard (1...10_000).contains(count) else { throw ValidationError("--count \(count) is outside 1-10000") }
        if let temperature, !(temperature.isFinite && temperature >= 0) {
            throw ValidationError("--temperature \(temperature) must be a finite number >= 0")
        }
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale) is outside 1-64") }
        guard (0...256).contains(padding) else { throw ValidationError("--padding \(padding) is outside 0-256") }
        if let columns, columns < 1 { throw ValidationError("--columns \(columns) must be at least 1") }
        if zText != nil { _ = try parsedZ() }
    }

    /// The --z values, checked for syntax and finiteness (length is checked against the model).
    func parsedZ() throws -> [Float]? {
        guard let zText else { return nil }
        let parts = zText.split(separator: ",", omittingEmptySubsequences: false)
        var values: [Float] = []
        for p in parts {
            let t = p.trimmingCharacters(in: .whitespaces)
            guard let v = Float(t) else { throw ValidationError("--z value '\(t)' is not a number") }
            guard v.isFinite else { throw ValidationError("--z value '\(t)' is not finite") }
            values.append(v)
        }
        return values
    }

    /// Largest grid written, in pixels (1 GiB of 8-bit gray): enough for 10,000 digits at
    /// scale 8 in a square grid, and a clear error instead of running out of memory beyond.
    static let maxGridPixels = 1 << 30

    func run() throws {
        let weightsPath = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: weightsPath)
        let size = ImageGrid.size(count: count, side: model.config.side, scale: scale, padding: padding, columns: columns)
        guard size.width <= PNG.maxSide, size.height <= PNG.maxSide, size.width * size.height <= Generate.maxGridPixels else {
            throw ValidationError("the grid would be \(size.width)x\(size.height) pixels, more than \(Generate.maxGridPixels); "
                                  + "use a smaller --scale, --columns or a smaller --count")
        }
        let seed = self.seed ?? UInt64.random(in: 0...UInt64(Int64.max))
        let temperature = self.temperature ?? model.defaultTemperature
        let z: [Float]
        if let fixed = try parsedZ() {
            guard fixed.count == model.config.latent else {
                throw ValidationError(
                    "--z has \(fixed.count) values but the model's latent size is \(model.config.latent)")
            }
            z = Array((0..<count).map { _ in fixed }.joined())
        } else {
            z = try model.sampleLatents(digit: digit, count: count, seed: seed,
                                        temperature: temperature, prior: prior)
        }
        let images = try model.decode(z: z, labels: [Int](repeating: digit, count: count))
        let grid = ImageGrid.compose(images: images, count: count, side: model.config.side, scale: scale,
                                     padding: padding, columns: columns, invert: invert)
        try PNG.writeGray(path: out, width: grid.width, height: grid.height, pixels: grid.pixels)
        let how = zText != nil ? "fixed z"
            : "seed \(seed), temperature \(temperature), prior "
            + (model.usesFittedPrior(prior) ? "fitted per-digit" : "N(0, I)")
        print("wrote \(out): \(count) image\(count == 1 ? "" : "s") of digit \(digit), \(grid.width)x\(grid.height) px, \(how)")
        print("weights: \(weightsPath)")
    }
}
