import ArgumentParser
import DigitCore
import DigitStudio
import Foundation

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate images of a digit and write them as a PNG grid.",
        discussion: """
            Images are white ink on black like MNIST (--invert for black on white). With \
            --scale 1 --padding 0 the file is exactly (28*N) x 28 pixels and each pixel is round(255*p).
            Without --seed a fresh seed is drawn and printed so the result can be reproduced.
            --view FILE.png reads the view that the app's Save stored in a PNG (digit, seed,
            temperature, prior, slider directions and offsets, scale) and writes the same pixels.
            --view also takes the view as text, what the app's Copy View gives, for example
            'digit=3 seed=42 t=0.80 prior=fitted slant=+1.20 principal-2=-0.50' (directions:
            the weights' named ones such as slant, thickness, width, height, or principal-N,
            dimension-N; offsets in standard deviations, -3 to +3), written at --scale (default 8).
            """)

    @Option(name: .long, parsing: .unconditional, help: "Digit to draw, 0-9.")
    var digit: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Reproduce a view saved by the app: a PNG written by its Save, or the view as text (takes the place of --digit and the sampling options).",
        valueName: "file.png|text"))
    var view: String?

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

    @Option(name: .long, help: "Latent prior: 'fitted' (the weights' per-digit prior when present, the default) or 'standard' N(0, I).")
    var prior: PriorChoice?

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, parsing: .unconditional, help: "Upscale each image by this integer factor (1-64), nearest neighbour (default 4; with --view the saved scale).")
    var scale: Int?

    @Option(name: .long, parsing: .unconditional, help: "Pixels between images and around the grid (0-256, default 4).")
    var padding: Int?

    @Option(name: .long, parsing: .unconditional, help: "Images per row (default: all in one row).")
    var columns: Int?

    @Flag(name: .long, help: "Black ink on white instead of white on black.")
    var invert = false

    @Option(name: .long, help: ArgumentHelp("Output PNG file.", valueName: "file.png"))
    var out: String

    func validate() throws {
        if view != nil {
            var conflicting: [String] = []
            if digit != nil { conflicting.append("--digit") }
            if seed != nil { conflicting.append("--seed") }
            if zText != nil { conflicting.append("--z") }
            if prior != nil { conflicting.append("--prior") }
            if padding != nil { conflicting.append("--padding") }
            if columns != nil { conflicting.append("--columns") }
            if invert { conflicting.append("--invert") }
            if count != 5 { conflicting.append("--count") }
            if temperature != nil { conflicting.append("--temperature") }
            guard conflicting.isEmpty else {
                throw ValidationError("--view takes the view from the file; drop \(conflicting.joined(separator: ", "))")
            }
            if let scale, !(1...64).contains(scale) { throw ValidationError("--scale \(scale) is outside 1-64") }
            return
        }
        guard let digit else { throw ValidationError("missing --digit (or --view FILE.png)") }
        guard (0...9).contains(digit) else { throw ValidationError("--digit \(digit) is outside 0-9") }
        guard (1...10_000).contains(count) else { throw ValidationError("--count \(count) is outside 1-10000") }
        if let temperature, !(temperature.isFinite && temperature >= 0) {
            throw ValidationError("--temperature \(temperature) must be a finite number >= 0")
        }
        if let scale, !(1...64).contains(scale) { throw ValidationError("--scale \(scale) is outside 1-64") }
        if let padding, !(0...256).contains(padding) { throw ValidationError("--padding \(padding) is outside 0-256") }
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
        if let view { return try runView(view) }
        let digit = self.digit ?? 0, scale = self.scale ?? 4, padding = self.padding ?? 4, prior = self.prior ?? .fitted
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

    /// --view: the saved view's images, written as the app writes them (same pixels, same
    /// text chunks), at the saved scale unless --scale says otherwise. `source` is a PNG saved
    /// by the app or a view text (`digit=3 seed=42 t=0.80 slant=+1.20`, what "Copy view" gives),
    /// which is written at --scale or the app's default save scale.
    private func runView(_ source: String) throws {
        let weightsPath = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: weightsPath)
        let digest = try WeightsDigest.sha256(path: weightsPath)
        let catalog = DirectionCatalog.build(model: model, measureEffects: false)
        let view: ViewSettings, scale: Int, origin: String
        var page = SavedPage.samples
        if FileManager.default.fileExists(atPath: source) {
            let entries = try PNG.readText(path: source).map { ViewMetadata.Entry($0.key, $0.value) }
            let saved: ViewMetadata.SavedView
            do { saved = try ViewMetadata.parse(entries) } catch let error as ViewMetadataError {
                throw ValidationError("\(source): \(error.userMessage)")
            }
            if digest != saved.weightsDigest {
                FileHandle.standardError.write("""
                    digitgen: warning: \(source) was saved with other weights (SHA-256 \(saved.weightsDigest.prefix(12))…, \
                    these are \(digest.prefix(12))…): the images will differ; pass --weights with the weights it was saved with

                    """.data(using: .utf8) ?? Data())
            }
            for s in saved.view.sliders {
                if let why = catalog.whyMissing(s.direction) { throw ValidationError("\(source): the view uses \(s.direction.phrase.prefix(40)), but \(why)") }
            }
            (view, scale, origin, page) = (saved.view, self.scale ?? saved.scale, source, saved.page)
        } else {
            guard source.contains("=") else {
                throw ValidationError("--view \(source.prefix(80)): no such file, and not a view text (key=value pairs such as 'digit=3 seed=42 t=0.80')")
            }
            do {
                let text = try ViewText.parse(source)
                view = try ViewSettings(viewText: text, catalog: catalog, defaultTemperature: model.defaultTemperature)
                page = try SavedPage(viewText: text)
            } catch let error as DigitCoreError {
                throw ValidationError("--view: \(error.userMessage)")
            }
            (scale, origin) = (self.scale ?? AppState.defaultSaveScale, "'\(page.viewText(view))'")
        }
        let job = ViewExport.job(view: view, page: page, scale: scale, path: out, catalog: catalog, weightsDigest: digest)
        try ViewExport.write(job, decoder: QueryDecoder(model: model))
        let what: String
        switch page {
        case .samples: what = "\(ViewSettings.sampleCount) images"
        case .sameStyle: what = "the first sample as each digit 0-9"
        case .map(let size): what = "a \(size) x \(size) map"
        }
        print("wrote \(out): the view of \(origin) (digit \(view.digit)" + (view.style.map { " in the style of a \($0)" } ?? "")
              + ", seed \(view.seed), temperature \(String(hundredths: view.temperature)), "
              + view.sliders.map { "\($0.direction.phrase) \(String(signedTenths: $0.offset))" }.joined(separator: ", ")
              + "), \(what) at scale \(scale)")
        print("view: \(page.viewText(view))")
        print("weights: \(weightsPath)")
    }
}
