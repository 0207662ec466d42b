/// Why `SampleQuality` cannot judge a model's samples.
public enum SampleQualityError: DigitCoreError, Equatable {
    /// The classifier does not read the images the model draws.
    case incompatibleClassifier(inputs: Int, classes: Int, modelPixels: Int, modelClasses: Int)
    /// Test or training images of another size than the model's.
    case incompatibleImages(pixels: Int, modelPixels: Int)
    case invalidOptions(String)
    /// Diversity compares with the spread of real images: at least 2 of every digit.
    case tooFewRealImages(digit: Int, count: Int)

    public var description: String {
        switch self {
        case .incompatibleClassifier(let i, let c, let p, let m):
            return "cannot judge samples: the classifier reads \(i) pixels and \(c) classes, the model draws \(p) and \(m)"
        case .incompatibleImages(let p, let m):
            return "cannot judge samples: the data's images have \(p) pixels, the model draws \(m)"
        case .invalidOptions(let s):
            return "cannot judge samples: \(s)"
        case .tooFewRealImages(let d, let n):
            return "cannot measure diversity: the test set has \(n) image\(n == 1 ? "" : "s") of digit \(d), at least 2 are needed"
        }
    }

    public var hint: String? {
        switch self {
        case .incompatibleClassifier: return "pass a classifier trained on the model's images (`digitgen classifier train`)"
        case .tooFewRealImages: return "use the full MNIST test set (t10k files)"
        default: return nil
        }
    }
}
