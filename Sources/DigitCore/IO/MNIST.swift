#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The MNIST data set as LeCun distributes it: four IDX files, raw or gzip'ed.
public struct MNIST: Sendable {
    public let train: (images: IDXImages, labels: [UInt8])
    /// Nil when the test files are absent and were not required.
    public let test: (images: IDXImages, labels: [UInt8])?

    /// The four files, by the base names `make data` downloads.
    public static let trainImages = "train-images-idx3-ubyte"
    public static let trainLabels = "train-labels-idx1-ubyte"
    public static let testImages = "t10k-images-idx3-ubyte"
    public static let testLabels = "t10k-labels-idx1-ubyte"

    public init(train: (images: IDXImages, labels: [UInt8]), test: (images: IDXImages, labels: [UInt8])?) {
        self.train = train
        self.test = test
    }

    /// Loads `directory`'s MNIST files. Each may be raw or end in .gz, and may use a dot
    /// instead of the last dash ("train-images.idx3-ubyte", as some mirrors name them).
    /// Without `requireTest`, a directory with neither test file gives `test == nil`.
    public static func load(directory: String, requireTest: Bool) throws -> MNIST {
        let train = try loadPair(directory: directory, images: trainImages, labels: trainLabels)
        var test: (images: IDXImages, labels: [UInt8])?
        if requireTest || find(directory, testImages) != nil || find(directory, testLabels) != nil {
            let t = try loadPair(directory: directory, images: testImages, labels: testLabels)
            guard t.images.rows == train.images.rows, t.images.columns == train.images.columns else {
                throw IDXError.sizeMismatch(
                    train: trainImages, test: testImages,
                    reason: "images of \(train.images.rows)x\(train.images.columns) and \(t.images.rows)x\(t.images.columns)")
            }
            test = t
        }
        return MNIST(train: train, test: test)
    }

    private static func loadPair(directory: String, images: String, labels: String) throws -> (images: IDXImages, labels: [UInt8]) {
        guard let imagesPath = find(directory, images) else { throw IDXError.missingFile(directory: directory, name: images) }
        guard let labelsPath = find(directory, labels) else { throw IDXError.missingFile(directory: directory, name: labels) }
        let x = try IDX.readImages(path: imagesPath)
        let y = try IDX.readLabels(path: labelsPath)
        guard x.count == y.count else {
            throw IDXError.countMismatch(images: shortName(images), imageCount: x.count,
                                         labels: shortName(labels), labelCount: y.count)
        }
        if let i = y.firstIndex(where: { $0 > 9 }) {
            throw IDXError.labelOutOfRange(path: labelsPath, index: i, value: y[i])
        }
        return (x, y)
    }

    /// "train-images" for "train-images-idx3-ubyte", as people name the files when talking.
    private static func shortName(_ base: String) -> String {
        base.split(separator: "-").prefix(2).joined(separator: "-")
    }

    /// The first existing variant of `base` in `directory`.
    static func find(_ directory: String, _ base: String) -> String? {
        var names = [base, base + ".gz"]
        if let dash = base.lastIndex(of: "-"), let prev = base[..<dash].lastIndex(of: "-") {
            // train-images-idx3-ubyte -> train-images.idx3-ubyte
            var dotted = base
            dotted.replaceSubrange(prev...prev, with: ".")
            names += [dotted, dotted + ".gz"]
        }
        let dir = directory.hasSuffix("/") ? directory : directory + "/"
        for n in names where access(dir + n, F_OK) == 0 { return dir + n }
        return nil
    }
}
