import CZlib

/// gzip and zlib streams through zlib.
public enum Gzip {
    /// Largest decompressed size accepted, so that a corrupt or hostile file cannot exhaust memory.
    public static let maxDecompressedSize = 1 << 30

    /// True when `bytes` starts with gzip's magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The file's bytes, decompressed when the file is gzip'ed (detected by its magic, not its name).
    public static func readFileMaybeGzip(path: String) throws -> [UInt8] {
        let bytes = try FileBytes.read(path: path)
        return isGzip(bytes) ? try decompress(bytes, path: path) : bytes
    }

    /// Inflates a gzip or zlib stream (the header is detected), or several concatenated gzip
    /// members as `gzip` itself writes them. `path` only names the source in errors.
    public static func decompress(_ input: [UInt8], path: String) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(input.count * 4, 1 << 16))
        var produced = 0
        var stream = z_stream()
        // windowBits 15 + 32: maximum window, automatic gzip/zlib header detection.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError.zlib(path: path, message: zlibMessage(stream, status)) }
        defer { inflateEnd(&stream) }

        var consumed = 0
        while true {
            if produced == output.count {
                guard output.count < maxDecompressedSize else { throw GzipError.tooLarge(path: path, limit: maxDecompressedSize) }
                output.append(contentsOf: repeatElement(0, count: min(output.count, maxDecompressedSize - output.count)))
            }
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            let outChunk = min(output.count - produced, Int(UInt32.max))
            status = input.withUnsafeBufferPointer { inp in
                output.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(inChunk)
                    stream.next_out = out.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(outChunk)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    consumed += inChunk - Int(stream.avail_in)
                    produced += outChunk - Int(stream.avail_out)
                    // Never keep pointers into Swift arrays beyond this closure.
                    stream.next_in = nil
                    stream.next_out = nil
                    return r
                }
            }
            switch status {
            case Z_STREAM_END:
                if consumed == input.count {
                    output.removeSubrange(produced...)
                    return output
                }
                let rest = Array(input[consumed..<min(consumed + 2, input.count)])
                guard isGzip(rest) else {
                    throw GzipError.trailingData(path: path, count: input.count - consumed)
                }
                // Another gzip member follows.
                inflateReset(&stream)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either output is full (grown above) or input ran out.
                if produced == output.count { continue }
                throw GzipError.truncated(path: path)
            default:
                throw GzipError.corrupt(path: path, message: zlibMessage(stream, status))
            }
        }
    }

    /// Compresses `input` into a gzip stream (level 6, no file name, mtime 0, so the output is
    /// deterministic). Used for writing test fixtures and compressed exports.
    public static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: gzip wrapper; memLevel 8 is zlib's default.
        var status = deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError.zlib(path: "<memory>", message: zlibMessage(stream, status)) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound + 64)
        status = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                stream.avail_in = UInt32(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let r = deflate(&stream, Z_FINISH)
                stream.next_in = nil
                stream.next_out = nil
                return r
            }
        }
        guard status == Z_STREAM_END else { throw GzipError.zlib(path: "<memory>", message: zlibMessage(stream, status)) }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    private static func zlibMessage(_ stream: z_stream, _ status: Int32) -> String {
        if let msg = stream.msg { return String(cString: msg) }
        return "zlib error \(status)"
    }
}

public enum GzipError: DigitCoreError, Equatable {
    case corrupt(path: String, message: String)
    case truncated(path: String)
    case trailingData(path: String, count: Int)
    case tooLarge(path: String, limit: Int)
    case zlib(path: String, message: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let message): return "\(path) is not valid gzip data: \(message)"
        case .truncated(let path): return "\(path) is truncated: the gzip stream ends early"
        case .trailingData(let path, let count): return "\(path) has \(count) bytes of garbage after the gzip stream"
        case .tooLarge(let path, let limit): return "\(path) decompresses to more than \(limit) bytes"
        case .zlib(let path, let message): return "zlib failed on \(path): \(message)"
        }
    }

    public var hint: String? {
        switch self {
        case .corrupt, .truncated, .trailingData: return "download the file again"
        default: return nil
        }
    }
}
