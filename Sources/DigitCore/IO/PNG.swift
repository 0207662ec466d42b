import CPNGShim
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// 8-bit grayscale PNG files through libpng (via the CPNGShim C target, which keeps libpng's
/// setjmp/longjmp error handling out of Swift).
public enum PNG {
    /// Largest width or height: PNG's own limit, 2^31 - 1 (a one-row grid of 10,000 digits
    /// at the default scale is 1,160,004 pixels wide).
    public static let maxSide = 0x7fff_ffff

    /// Writes `pixels` (width x height bytes, row-major, 0 = black) as a grayscale PNG, atomically.
    /// `text` becomes tEXt chunks (key, value) in this order, written with libpng's png_set_text.
    public static func writeGray(path: String, width: Int, height: Int, pixels: [UInt8],
                                 text: [(key: String, value: String)] = []) throws {
        try AtomicFile.write(encodeGray(width: width, height: height, pixels: pixels, path: path, text: text), to: path)
    }

    /// The PNG file's bytes for `pixels`; `path` only names the destination in errors.
    /// Text keys are 1-79 printable Latin-1 characters (PNG's rule); values Latin-1 without NUL.
    public static func encodeGray(width: Int, height: Int, pixels: [UInt8], path: String = "<memory>",
                                  text: [(key: String, value: String)] = []) throws -> [UInt8] {
        guard width > 0, height > 0, width <= maxSide, height <= maxSide else {
            throw PNGError.invalidImage(path: path, reason: "size \(width)x\(height) is outside 1-\(maxSide)")
        }
        guard pixels.count == width * height else {
            throw PNGError.invalidImage(path: path, reason: "\(pixels.count) pixels for a \(width)x\(height) image")
        }
        for entry in text {
            guard (1...79).contains(entry.key.utf8.count),
                  entry.key.unicodeScalars.allSatisfy({ (0x20...0x7e).contains($0.value) }),
                  entry.key.first != " ", entry.key.last != " ",
                  entry.value.unicodeScalars.allSatisfy({ $0.value != 0 && $0.value < 0x80 })
            else {
                throw PNGError.invalidImage(path: path, reason: "text chunk '\(entry.key)' is not 1-79 printable ASCII characters with an ASCII value")
            }
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let keys = text.map { strdup($0.key) }, values = text.map { strdup($0.value) }
        defer { keys.forEach { free($0) }; values.forEach { free($0) } }
        let keyPointers = keys.map { UnsafePointer($0) }, valuePointers = values.map { UnsafePointer($0) }
        let status = pixels.withUnsafeBufferPointer { px in
            keyPointers.withUnsafeBufferPointer { k in
                valuePointers.withUnsafeBufferPointer { v in
                    png_shim_encode_gray8_text(px.baseAddress, UInt32(width), UInt32(height), k.baseAddress, v.baseAddress,
                                               Int32(text.count), &out, &size, &message, message.count)
                }
            }
        }
        defer { png_shim_free(out) }
        guard status == 0, let out else { throw PNGError.encodeFailed(path: path, message: PNG.text(message)) }
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

    /// The text chunks (tEXt, zTXt, iTXt) of the PNG at `path`, in file order.
    public static func readText(path: String) throws -> [(key: String, value: String)] {
        try decodeText(FileBytes.read(path: path), path: path)
    }

    public static func decodeText(_ bytes: [UInt8], path: String) throws -> [(key: String, value: String)] {
        var keys: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { data in
            png_shim_read_text(data.baseAddress, data.count, &keys, &values, &count, &message, message.count)
        }
        defer { png_shim_free_text(keys, values, count) }
        guard status == 0, let keys, let values else { throw PNGError.decodeFailed(path: path, message: text(message)) }
        return (0..<Int(count)).map { i in
            (keys[i].map { String(decoding: latin1($0), as: Unicode.UTF8.self) } ?? "",
             values[i].map { String(decoding: latin1($0), as: Unicode.UTF8.self) } ?? "")
        }
    }

    /// Bytes of a C string, Latin-1 bytes above 0x7f turned into their UTF-8 encoding.
    private static func latin1(_ p: UnsafePointer<CChar>) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while p[i] != 0 {
            let b = UInt8(bitPattern: p[i])
            if b < 0x80 { out.append(b) } else { out.append(0xC0 | (b >> 6)); out.append(0x80 | (b & 0x3F)) }
            i += 1
        }
        return out
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
