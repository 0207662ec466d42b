import DigitCore

/// The handwriting page's work, shared by the app's worker, its Save and
/// `digitgen restyle --view`: a picture becomes the 28 x 28 MNIST-style input as bytes
/// (what the page shows and the saved file holds), and the bytes are restyled. Restyling
/// from the bytes, not the floats, is what lets a saved file be reproduced exactly.
public enum HandwritingRestyle {
    /// The MNIST-style input of a gray picture (any polarity), quantised as PNG bytes.
    /// Throws `MNISTStyleError` (no ink, uniform, ...).
    public static func input(gray: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let (image, _) = try MNISTStyle.image(gray: gray, width: width, height: height)
        return image.map(QueryDecoder.quantize)
    }

    /// The ten restyled digits of `input` (28 x 28 bytes) under `digit`, or under the
    /// classifier's guess when `digit` is nil (then its probabilities are returned too).
    public static func run(input: [UInt8], digit: Int?, model: CVAE, classifier: Classifier?,
                           shrink: Float = Restyling.restyleShrink) throws -> (digit: Int, probabilities: [Float]?, images: Rendered) {
        let side = model.config.side
        guard input.count == side * side else {
            throw ModelError.inconsistentShapes("\(input.count) input pixels for a model of \(side)x\(side)")
        }
        let floats = input.map { Float($0) / 255 }
        var label: Int
        var probabilities: [Float]? = nil
        if let digit {
            label = digit
        } else {
            guard let classifier else { throw HandwritingError.noClassifier }
            let p = try classifier.probabilities(images: floats)
            label = p.indices.max { p[$0] < p[$1] } ?? 0
            probabilities = p
        }
        guard (0..<model.config.classes).contains(label) else { throw ModelError.invalidDigit(label) }
        let result = try Restyling.restyle(image: floats, digit: label, model: model, classifier: nil, shrink: shrink)
        let images = Rendered(count: model.config.classes, side: side, gray: result.images.map(QueryDecoder.quantize))
        return (label, probabilities, images)
    }

    /// The worker's answer to a picture: image 0 is the MNIST-style input, images 1-10 the
    /// digits 0-9; the classifier's probabilities ride along when it decided.
    static func render(_ picture: HandwritingPicture, model: CVAE, classifier: Classifier?) throws -> Rendered {
        let input = try input(gray: picture.gray, width: picture.side, height: picture.side)
        let r = try run(input: input, digit: picture.digit, model: model, classifier: classifier)
        return Rendered(count: 1 + r.images.count, side: r.images.side, gray: input + r.images.gray,
                        probabilities: r.probabilities)
    }
}

public enum HandwritingError: DigitCoreError, Equatable {
    case noClassifier

    public var description: String { "no classifier is loaded to name the digit" }
    public var hint: String? { "choose the digit you drew" }
}
