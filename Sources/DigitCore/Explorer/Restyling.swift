/// "Your handwriting in every digit": a picture of one digit is made MNIST-style
/// (`MNISTStyle`), named by the classifier unless the caller knows the digit, encoded under that
/// digit (the posterior mean: the style, without sampling noise) and decoded as every digit.
public enum Restyling {
    public struct Result: Sendable {
        /// The 28 x 28 MNIST-style input.
        public let input: [Float]
        /// The digit the style was encoded under.
        public let digit: Int
        /// The classifier's probability for each digit, when it decided.
        public let probabilities: [Float]?
        /// The latent vector of the style (L values).
        public let style: [Float]
        /// The ten decoded digits 0-9 (10 x pixels).
        public let images: [Float]
    }

    /// - digit: the digit the picture shows, or nil to let `classifier` decide.
    public static func restyle(image: [Float], digit: Int?, model: CVAE, classifier: Classifier?) throws -> Result {
        guard image.count == model.config.pixels else {
            throw ModelError.inconsistentShapes("\(image.count) pixels for a model of \(model.config.pixels)")
        }
        var label = digit ?? 0
        var probabilities: [Float]? = nil
        if digit == nil {
            guard let classifier else { throw ModelError.inconsistentShapes("no digit given and no classifier to name it") }
            let p = try classifier.probabilities(images: image)
            label = p.indices.max { p[$0] < p[$1] } ?? 0
            probabilities = p
        }
        guard (0..<model.config.classes).contains(label) else { throw ModelError.invalidDigit(label) }
        let style = try model.encode(images: image, labels: [label]).mean
        let digits = Array(0..<model.config.classes)
        let images = try model.decode(z: Array(digits.map { _ in style }.joined()), labels: digits)
        return Result(input: image, digit: label, probabilities: probabilities, style: style, images: images)
    }
}
