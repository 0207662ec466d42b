/// A data set held as it is on disk: uint8 pixels (0-255) and uint8 labels. Images are
/// converted to Float one batch at a time, so 60,000 MNIST images take 47 MB, not 188.
public struct LabeledImages: Sendable {
    public let count: Int
    public let pixelsPerImage: Int
    public let classes: Int
    /// count x pixelsPerImage, row-major.
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public init(pixels: [UInt8], labels: [UInt8], pixelsPerImage: Int, classes: Int = 10) throws {
        guard pixelsPerImage > 0 else { throw TrainingError.invalidData("images have no pixels") }
        guard pixels.count % pixelsPerImage == 0 else {
            throw TrainingError.invalidData("\(pixels.count) pixel bytes are not a whole number of \(pixelsPerImage)-pixel images")
        }
        let count = pixels.count / pixelsPerImage
        guard count == labels.count else {
            throw TrainingError.invalidData("\(count) images but \(labels.count) labels")
        }
        guard count > 0 else { throw TrainingError.invalidData("the data set is empty") }
        if let bad = labels.first(where: { Int($0) >= classes }) {
            throw TrainingError.invalidData("label \(bad) is outside 0-\(classes - 1)")
        }
        self.count = count
        self.pixelsPerImage = pixelsPerImage
        self.classes = classes
        self.pixels = pixels
        self.labels = labels
    }

    /// The first `n` images (or all when there are fewer).
    public func prefix(_ n: Int) -> LabeledImages {
        let k = min(max(n, 1), count)
        return LabeledImages(count: k, pixelsPerImage: pixelsPerImage, classes: classes,
                             pixels: Array(pixels[0..<k * pixelsPerImage]), labels: Array(labels[0..<k]))
    }

    /// The images labelled `label`, in their order, or nil when there are none.
    public func only(label: Int) -> LabeledImages? {
        var keptPixels: [UInt8] = [], keptLabels: [UInt8] = []
        for i in 0..<count where Int(labels[i]) == label {
            keptPixels += pixels[i * pixelsPerImage..<(i + 1) * pixelsPerImage]
            keptLabels.append(labels[i])
        }
        guard !keptLabels.isEmpty else { return nil }
        return LabeledImages(count: keptLabels.count, pixelsPerImage: pixelsPerImage, classes: classes,
                             pixels: keptPixels, labels: keptLabels)
    }

    private init(count: Int, pixelsPerImage: Int, classes: Int, pixels: [UInt8], labels: [UInt8]) {
        self.count = count
        self.pixelsPerImage = pixelsPerImage
        self.classes = classes
        self.pixels = pixels
        self.labels = labels
    }
}
