import ArgumentParser
import DigitCore
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
            """)

    @Option(name: .long, help: ArgumentHelp("Picture of one handwritten digit (PNG).", valueName: "file.png"))
    var image: String

    @Option(name: .long, parsing: .unconditional, help: "The digit the picture shows, 0-9 (default: the classifier decides).")
    var digit: Int?

    @OptionGroup var weightsOptions: WeightsOptions
    @OptionGroup var classifierOptions: ClassifierOptions

    @Option(name: .long, parsing: .unconditional, help: "Upscale each image by this integer factor (1-64), nearest neighbour.")
    var scale: Int = 4

    @Option(name: .long, parsing: .unconditional, help: "Pixels between images and around the row (0-256).")
    var padding: Int = 4

    @Flag(name: .long, help: "Black ink on white instead of white on black.")
    var invert = false

    @Option(name: .long, help: ArgumentHelp("Output PNG file.", valueName: "file.png"))
    var out: String

    func validate() throws {
        if let digit, !(0...9).contains(digit) { throw ValidationError("--digit \(digit) is outside 0-9") }
        guard (1...64).contains(scale) else { throw ValidationError("--scale \(scale) is outside 1-64") }
        guard (0...256).contains(padding) else { throw ValidationError("--padding \(padding) is outside 0-256") }
    }

    func run() throws {
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
}
