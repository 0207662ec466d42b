import ArgumentParser
import DigitCore
import DigitStudio
import Foundation

/// `digitgen restyle`: a handwritten digit from a picture, redrawn as every digit in its style.
struct Restyle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the digits 0-9 in the handwriting style of a picture of one digit.",
        discussion: """
            The picture (PNG, any size, dark ink on light paper or light on dark, detected from \
            its border) is made into a 28x28 image as MNIST's were: cropped to the ink, scaled to \
            fit 20x20 keeping the aspect ratio, anti-aliased, and placed by its centre of mass. \
            The classifier names the digit unless --digit does; the encoder turns the image into \
            its posterior mean under that digit, and the decoder draws that style as 0-9, in one row.

            --view FILE.png reads a drawing that the app's Handwriting page saved (its 28x28 \
            input and digit, in the PNG's text) and writes the same file again, byte for byte \
            (at the saved scale unless --scale says otherwise).
            """)

    @Option(name: .long, help: ArgumentHelp("Picture of one handwritten digit (PNG).", valueName: "file.png"))
    var image: String?

    @Option(name: .long, help: ArgumentHelp(
        "Reproduce a drawing saved by the app's Handwriting page (takes the place of --image and --digit).",
        valueName: "file.png"))
    var view: String?

    @Option(name: .long, parsing: .unconditional, help: "The digit the picture shows, 0-9 (default: the classifier decides).")
    var digit: Int?

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var classifierOptions: ClassifierOptions

    @Option(name: .long, parsing: .unconditional, help: "Upscale each image by this integer factor (1-64), nearest neighbour (default 4; with --view the saved scale).")
    var scale: Int?

    @Option(name: .long, parsing: .unconditional, help: "Pixels between images and around the row (0-256, default 4).")
    var padding: Int?

    @Flag(name: .long, help: "Black ink on white instead of white on black.")
    var invert = false

    @Option(name: .long, help: ArgumentHelp("Output PNG file.", valueName: "file.png"))
    var out: String

    func validate() throws {
        if let scale, !(1...64).contains(scale) { throw ValidationError("--scale \(scale) is outside 1-64") }
        if view != nil {
            var conflicting: [String] = []
            if image != nil { conflicting.append("--image") }
            if digit != nil { conflicting.append("--digit") }
            if padding != nil { conflicting.append("--padding") }
            if invert { conflicting.append("--invert") }
            if classifierOptions.classifier != nil { conflicting.append("--classifier") }
            guard conflicting.isEmpty else {
                throw ValidationError("--view takes the drawing and its digit from the file; drop \(conflicting.joined(separator: ", "))")
            }
            return
        }
        guard image != nil else { throw ValidationError("missing --image (or --view FILE.png)") }
        if let digit, !(0...9).contains(digit) { throw ValidationError("--digit \(digit) is outside 0-9") }
        if let padding, !(0...256).contains(padding) { throw ValidationError("--padding \(padding) is outside 0-256") }
    }

    func run() throws {
        if let view { return try runView(view) }
        let image = self.image ?? "", scale = self.scale ?? 4, padding = self.padding ?? 4
        let picture = try PNG.readGray(path: image)
        let prepared: (image: [Float], darkOnLight: Bool)
        do {
            prepared = try MNISTStyle.image(gray: picture.pixels, width: picture.width, height: picture.height)
        } catch let error as MNISTStyleError {
            throw ValidationError("\(image): \(error.userMessage)")
        }
        let model = try weightsOptions.loadModel()
        let result = try Restyling.restyle(image: prepared.image, digit: digit, model: model,
                                           classifier: digit == nil ? classifierOptions.load() : nil)
        let images = result.images
        let digits = Array(0..<model.config.classes)
        var how = "digit \(result.digit) as given"
        if let p = result.probabilities {
            how = String(format: "the classifier reads it as %d (%.1f%%)", result.digit, Double(p[result.digit]) * 100)
        }
        let grid = ImageGrid.compose(images: images, count: digits.count, side: model.config.side, scale: scale,
                                     padding: padding, columns: nil, invert: invert)
        try PNG.writeGray(path: out, width: grid.width, height: grid.height, pixels: grid.pixels)
        print("read \(image): \(picture.width)x\(picture.height) px, "
              + (prepared.darkOnLight ? "dark ink on light paper" : "light ink on dark background") + "; " + how)
        print("wrote \(out): the digits 0-9 in that style, \(grid.width)x\(grid.height) px")
    }

    /// --view: the saved drawing restyled under its saved digit and written as the app
    /// writes it (same pixels, same text chunks).
    private func runView(_ file: String) throws {
        let entries = try PNG.readText(path: file).map { ViewMetadata.Entry($0.key, $0.value) }
        let saved: HandwritingMetadata.Saved
        do { saved = try HandwritingMetadata.parse(entries) } catch let error as HandwritingMetadataError {
            throw ValidationError("\(file): \(error.userMessage)")
        }
        let weightsPath = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: weightsPath)
        let digest = try WeightsDigest.sha256(path: weightsPath)
        if digest != saved.weightsDigest {
            FileHandle.standardError.write("""
                digitgen: warning: \(file) was saved with other weights (SHA-256 \(saved.weightsDigest.prefix(12))…, \
                these are \(digest.prefix(12))…): the images will differ; pass --weights with the weights it was saved with

                """.data(using: .utf8) ?? Data())
        }
        guard model.config.pixels == saved.input.count, saved.digit < model.config.classes else {
            throw ValidationError("\(file): these weights (\(model.config.side)x\(model.config.side), \(model.config.classes) digits) "
                                  + "cannot draw a saved 28x28 digit \(saved.digit)")
        }
        let scale = self.scale ?? saved.scale
        let job = HandwritingSaveJob(path: out, saved: HandwritingMetadata.Saved(
            input: saved.input, digit: saved.digit, chosenByPerson: saved.chosenByPerson, shrink: saved.shrink,
            scale: scale, weightsDigest: digest))
        try HandwritingExport.write(job, model: model)
        print("wrote \(out): the drawing of \(file) (digit \(saved.digit), chosen by "
              + (saved.chosenByPerson ? "the person" : "the classifier") + ") as the digits 0-9 at scale \(scale)")
        print("weights: \(weightsPath)")
    }
}
