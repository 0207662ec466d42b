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
    /// members as `gzip` itself writes them, up to `limit` bytes of output. `path` only names
    /// the source in errors.
    public static func decompress(_ input: [UInt8], path: String, limit: Int = maxDecompressedSize) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 32: maximum window, automatic gzip/zlib header detection.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError.zlib(path: path, message: zlibMessage(stream, status)) }
        defer { inflateEnd(&stream) }

        // Inflate into a fixed scratch chunk and append each chunk to the growing output.
        let chunkSize = 1 << 18
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { scratch.deallocate() }
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count * 5, limit))

        return try input.withUnsafeBufferPointer { inp -> [UInt8] in
            var consumed = 0
            while true {
                let inChunk = min(inp.count - consumed, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress.map { $0 + consumed })
                stream.avail_in = UInt32(inChunk)
                stream.next_out = scratch
                stream.avail_out = UInt32(chunkSize)
                status = inflate(&stream, Z_NO_FLUSH)
                consumed += inChunk - Int(stream.avail_in)
                let produced = chunkSize - Int(stream.avail_out)
                // Never leave zlib holding pointers into the Swift array between calls.
                stream.next_in = nil
                stream.next_out = nil
                guard output.count + produced <= limit else {
                    throw GzipError.tooLarge(path: path, limit: limit)
                }
                output.append(contentsOf: UnsafeBufferPointer(start: scratch, count: produced))

                switch status {
                case Z_STREAM_END:
                    if consumed == inp.count { return output }
                    // gzip allows several members one after the other; anything else is garbage.
                    let next = Array(inp[consumed..<min(consumed + 2, inp.count)])
                    guard isGzip(next) else { throw GzipError.trailingData(path: path, count: inp.count - consumed) }
                    inflateReset(&stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress although output space was free: the input ended mid-stream.
                    throw GzipError.truncated(path: path)
                default:
                    throw GzipError.corrupt(path: path, message: zlibMessage(stream, status))
                }
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
