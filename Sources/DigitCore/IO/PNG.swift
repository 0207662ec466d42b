import CPNGShim

/// 8-bit grayscale PNG files through libpng (via the CPNGShim C target, which keeps libpng's
/// setjmp/longjmp error handling out of Swift).
public enum PNG {
    /// Largest width or height: PNG's own limit, 2^31 - 1 (a one-row grid of 10,000 digits
    /// at the default scale is 1,160,004 pixels wide).
    public static let maxSide = 0x7fff_ffff

    /// Writes `pixels` (width x height bytes, row-major, 0 = black) as a grayscale PNG, atomically.
    public static func writeGray(path: String, width: Int, height: Int, pixels: [UInt8]) throws {
        try AtomicFile.write(encodeGray(width: width, height: height, pixels: pixels, path: path), to: path)
    }

    /// The PNG file's bytes for `pixels`; `path` only names the destination in errors.
    public static func encodeGray(width: Int, height: Int, pixels: [UInt8], path: String = "<memory>") throws -> [UInt8] {
        guard width > 0, height > 0, width <= maxSide, height <= maxSide else {
            throw PNGError.invalidImage(path: path, reason: "size \(width)x\(height) is outside 1-\(maxSide)")
        }
        guard pixels.count == width * height else {
            throw PNGError.invalidImage(path: path, reason: "\(pixels.count) pixels for a \(width)x\(height) image")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { px in
            png_shim_encode_gray8(px.baseAddress, UInt32(width), UInt32(height), &out, &size, &message, message.count)
        }
        defer { png_shim_free(out) }
        guard status == 0, let out else { throw PNGError.encodeFailed(path: path, message: text(message)) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Any PNG converted to 8-bit gray: palette and colour through sRGB luma weights, alpha
    /// dropped, 16-bit scaled to 8.
    public static func readGray(path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        try decodeGray(FileBytes.read(path: path), path: path)
    }

    public static func decodeGray(_ bytes: [UInt8], path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var out: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { data in
            png_shim_decode_gray8(data.baseAddress, data.count, &out, &width, &height, &message, message.count)
        }
        defer { png_shim_free(out) }
        guard status == 0, let out else { throw PNGError.decodeFailed(path: path, message: text(message)) }
        let w = Int(width), h = Int(height)
        return (w, h, Array(UnsafeBufferPointer(start: out, count: w * h)))
    }

    private static func text(_ message: [CChar]) -> String {
        let s = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return s.isEmpty ? "libpng failed" : s
    }
}

public enum PNGError: DigitCoreError, Equatable {
    case invalidImage(path: String, reason: String)
    case encodeFailed(path: String, message: String)
    case decodeFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidImage(let path, let reason): return "cannot write \(path): \(reason)"
        case .encodeFailed(let path, let message): return "cannot encode PNG for \(path): \(message)"
        case .decodeFailed(let path, let message): return "cannot read PNG \(path): \(message)"
        }
    }
}
