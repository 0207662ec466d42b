import ArgumentParser
import DigitCore
import Foundation

/// `digitgen fit-directions`: named latent directions (slant, thickness, width, height).
struct FitDirections: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-directions",
        abstract: "Fit named latent directions (slant, thickness, width, height) and store them with the weights.",
        discussion: """
            Measures each attribute on every training image (slant from image moments, stroke \
            thickness as ink per skeleton length, width and height as 4 standard deviations of \
            the ink) and regresses it, per digit, on the images' encoder means. The unit vector of \
            each fit is stored as the tensor directions.NAME [10, latent]; they appear by name in \
            the app's direction menus and in view texts, for example \
            `digitgen generate --view 'digit=3 seed=42 slant=+1.50' --out FILE.png` (offsets in \
            standard deviations of the digit's prior along the direction). PyTorch still loads \
            the file with load_state_dict(strict=False).
            """)

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, help: ArgumentHelp("Directory with the MNIST training files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, help: ArgumentHelp("Weights with the directions to write (may be the input file).", valueName: "file.safetensors"))
    var out: String

    func validate() throws { try checkWritable(out, option: "--out") }

    func run() throws {
        let model = try weightsOptions.loadModel()
        let train = try TrainingData.load(directory: data, requireTest: false).train
        let c = model.config
        guard train.pixelsPerImage == c.pixels else {
            throw ValidationError("images in \(data) have \(train.pixelsPerImage) pixels, the model \(c.pixels)")
        }
        let started = Date()
        let encoded = try PriorEncoding.encode(train, with: model)
        var attributes: [ImageAttributes] = []
        attributes.reserveCapacity(train.count)
        var image = [Float](repeating: 0, count: c.pixels)
        for i in 0..<train.count {
            for p in 0..<c.pixels { image[p] = Float(train.pixels[i * c.pixels + p]) / 255 }
            attributes.append(ImageAttributes.measure(image, side: c.side))
        }
        let fit = try DirectionFitting.fit(means: encoded.means, labels: train.labels.map(Int.init), attributes: attributes,
                                           classes: c.classes, latent: c.latent)
        var metadata = model.metadata
        for name in fit.directions.names {
            metadata["directions_r2_\(name)"] = fit.rSquared[name]!.map { String(format: "%.3f", $0) }.joined(separator: ",")
            metadata["directions_gain_\(name)"] = fit.gain[name]!.map { String(format: "%.4g", $0) }.joined(separator: ",")
        }
        metadata["directions_doc"] = "directions.NAME [classes, latent]: per digit, the unit latent vector along which "
            + "the attribute NAME grows (least-squares fit of the attribute measured on \(train.count) training images "
            + "on their encoder means); slant = -mu11/mu02, thickness = ink per skeleton pixel, width/height = 4 sd of the ink"
        metadata["directions_command"] = commandLineString
        try WeightsFile.save(model.with(directions: fit.directions, metadata: metadata), to: out, metadata: [:])
        print(String(format: "fitted %d directions on %d images in %.1f s; wrote %@",
                     fit.directions.names.count, train.count, Date().timeIntervalSince(started), out))
        print("R^2 of the linear fit per digit:")
        print("  direction   " + (0..<c.classes).map { String(format: "%6d", $0) }.joined())
        for name in fit.directions.names {
            print("  " + name.padding(toLength: 11, withPad: " ", startingAt: 0) + " "
                  + fit.rSquared[name]!.map { String(format: "%6.2f", $0) }.joined())
        }
    }
}
