/// What can be wrong with an IDX file (the format MNIST ships in) or an MNIST directory.
public enum IDXError: DigitCoreError, Equatable {
    case badMagic(path: String, found: UInt32, expected: UInt32)
    case headerTruncated(path: String, size: Int, needed: Int)
    case invalidDimensions(path: String, reason: String)
    /// `what` describes the content the header announces, e.g. "60000 images of 28x28".
    case truncated(path: String, what: String, expected: Int, found: Int)
    case trailingData(path: String, what: String, count: Int)
    case missingFile(directory: String, name: String)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case labelOutOfRange(path: String, index: Int, value: UInt8)
    case sizeMismatch(train: String, test: String, reason: String)

    public var description: String {
        switch self {
        case .badMagic(let path, let found, let expected):
            return "file \(path) starts with magic \(hex(found)), expected \(hex(expected)) (\(expected == IDX.imagesMagic ? "IDX images" : "IDX labels"))"
        case .headerTruncated(let path, let size, let needed):
            return "file \(path) is truncated: \(size) bytes, shorter than the \(needed)-byte IDX header"
        case .invalidDimensions(let path, let reason):
            return "file \(path) has invalid dimensions: \(reason)"
        case .truncated(let path, let what, let expected, let found):
            return "file \(path) is truncated: header says \(what) = \(expected) bytes, found \(found)"
        case .trailingData(let path, let what, let count):
            return "file \(path) has \(count) bytes after the \(what) its header announces"
        case .missingFile(let directory, let name):
            return "no \(name) (or \(name).gz) in \(directory)"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(images) has \(imageCount) images but \(labels) has \(labelCount) labels"
        case .labelOutOfRange(let path, let index, let value):
            return "file \(path) has label \(value) at index \(index); MNIST labels are 0-9"
        case .sizeMismatch(let train, let test, let reason):
            return "\(train) and \(test) do not match: \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .badMagic: return "is this an MNIST IDX file?"
        case .missingFile: return "run `make data` to download MNIST"
        case .truncated, .headerTruncated, .trailingData: return "the download is damaged; delete it and run `make data`"
        default: return nil
        }
    }

    private func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}
