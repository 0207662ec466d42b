/// Images from an IDX file: `count` images of `rows` x `columns` bytes, row-major, 0 = background.
public struct IDXImages: Equatable, Sendable {
    public let count: Int
    public let rows: Int
    public let columns: Int
    /// count * rows * columns bytes.
    public let pixels: [UInt8]

    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8]) {
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    /// The `index`-th image's bytes.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        let size = rows * columns
        return pixels[index * size..<(index + 1) * size]
    }
}

/// The IDX format of LeCun's MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian
/// magic 0x0000_08_0D (type 0x08 = unsigned byte, D dimensions), D big-endian u32 sizes, then
/// the bytes. Files may be gzip'ed; that is detected from their content.
public enum IDX {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801
    /// Larger images are taken as a sign of a damaged header.
    public static let maxSide = 4096

    public static func readImages(path: String) throws -> IDXImages {
        try parseImages(Gzip.readFileMaybeGzip(path: path), path: path)
    }

    public static func readLabels(path: String) throws -> [UInt8] {
        try parseLabels(Gzip.readFileMaybeGzip(path: path), path: path)
    }

    public static func parseImages(_ bytes: [UInt8], path: String) throws -> IDXImages {
        let header = try readHeader(bytes, path: path, magic: imagesMagic, dimensions: 3)
        let (count, rows, columns) = (header[0], header[1], header[2])
        guard count > 0 else { throw IDXError.invalidDimensions(path: path, reason: "image count is 0") }
        guard rows > 0, columns > 0, rows <= maxSide, columns <= maxSide else {
            throw IDXError.invalidDimensions(path: path, reason: "images of \(rows)x\(columns), expected sides in 1-\(maxSide)")
        }
        let what = "\(count) images of \(rows)x\(columns)"
        let pixels = try body(bytes, path: path, offset: 16, size: count * rows * columns, what: what)
        return IDXImages(count: count, rows: rows, columns: columns, pixels: pixels)
    }

    public static func parseLabels(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let header = try readHeader(bytes, path: path, magic: labelsMagic, dimensions: 1)
        let count = header[0]
        guard count > 0 else { throw IDXError.invalidDimensions(path: path, reason: "label count is 0") }
        return try body(bytes, path: path, offset: 8, size: count, what: "\(count) labels")
    }

    /// The magic checked and the `dimensions` sizes that follow it.
    private static func readHeader(_ bytes: [UInt8], path: String, magic: UInt32, dimensions: Int) throws -> [Int] {
        let needed = 4 + 4 * dimensions
        // A file too short even for the magic is more likely not IDX at all than truncated IDX.
        guard bytes.count >= 4 else { throw IDXError.headerTruncated(path: path, size: bytes.count, needed: needed) }
        let found = bigEndian(bytes, at: 0)
        guard found == magic else { throw IDXError.badMagic(path: path, found: found, expected: magic) }
        guard bytes.count >= needed else { throw IDXError.headerTruncated(path: path, size: bytes.count, needed: needed) }
        return (0..<dimensions).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
    }

    private static func body(_ bytes: [UInt8], path: String, offset: Int, size: Int, what: String) throws -> [UInt8] {
        let available = bytes.count - offset
        guard available >= size else { throw IDXError.truncated(path: path, what: what, expected: size, found: available) }
        guard available == size else { throw IDXError.trailingData(path: path, what: what, count: available - size) }
        return Array(bytes[offset...])
    }

    private static func bigEndian(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}
