import Foundation

/// The safetensors format (https://github.com/huggingface/safetensors):
///
///     8 bytes   N, little-endian u64
///     N bytes   JSON header: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
///                             "__metadata__": {str: str}}, padded with spaces
///     rest      byte buffer; each tensor's little-endian data at [begin, end) of it
///
/// Reads F32, F16 and BF16 (converted to Float); writes F32. Reading validates the file as
/// strictly as the reference implementation does (every byte of the buffer belongs to exactly
/// one tensor), so damaged files fail with an error naming the file and the tensor.
public enum SafeTensors {
    /// Largest JSON header read (16 MiB). Our weights have headers of about 3 KB and a
    /// checkpoint's grows by its per-epoch history (about 150 bytes an epoch); a larger
    /// header is a sign of a file in another format or a hostile one. The reference allows
    /// 100 MB, but parsing that much JSON into Foundation objects takes seconds and gigabytes.
    public static let maxHeaderSize: UInt64 = 16 << 20
    /// Most tensors a header may list. Our files hold 10 (CVAE), 13 (with a prior) or 30
    /// (a checkpoint); a PyTorch state_dict of a large model a few thousand.
    public static let maxTensorCount = 10_000
    /// Most JSON values (objects, arrays and their elements) in a header: 10,000 tensors of
    /// 4-dimensional shape need about 100,000. Checked by a scan before the JSON is parsed,
    /// so that a header of a million tiny entries fails at once instead of after seconds of
    /// parsing and gigabytes of memory.
    public static let maxHeaderValues = 250_000
    /// Deepest nesting in a valid header: the root, a tensor entry, its shape list.
    static let maxHeaderDepth = 8

    public static func read(path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try parse(FileBytes.read(path: path), path: path)
    }

    /// Writes `tensors` in the given order as F32, atomically. The same input always gives
    /// the same bytes (metadata keys are sorted).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                             to path: String) throws {
        try AtomicFile.write(serialize(tensors, metadata: metadata), to: path)
    }

    // MARK: - Reading

    enum DType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        var size: Int { self == .f32 ? 4 : 2 }
    }

    struct Entry {
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// Parses a whole safetensors file held in memory; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard bytes.count >= 8 else { throw SafeTensorsError.tooShort(path: path, size: bytes.count) }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= maxHeaderSize else { throw SafeTensorsError.headerLengthAbsurd(path: path, length: n) }
        guard n <= UInt64(bytes.count - 8) else {
            throw SafeTensorsError.headerBeyondFile(path: path, length: n, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(n)
        try scanHeader(bytes[8..<headerEnd], path: path)
        let (entries, metadata) = try parseHeader(Data(bytes[8..<headerEnd]), path: path)
        let bufferSize = bytes.count - headerEnd

        for e in entries {
            guard e.begin <= e.end, e.end <= bufferSize else {
                throw SafeTensorsError.offsetsOutOfRange(path: path, tensor: e.name, begin: e.begin,
                                                         end: e.end, bufferSize: bufferSize)
            }
            var count = 1
            var overflow = false
            for d in e.shape where !overflow {
                (count, overflow) = count.multipliedReportingOverflow(by: d)
            }
            let (needed, o2) = count.multipliedReportingOverflow(by: e.dtype.size)
            guard !overflow, !o2, needed == e.end - e.begin else {
                throw SafeTensorsError.sizeMismatch(path: path, tensor: e.name, shape: e.shape,
                                                    dtype: e.dtype.rawValue, bytes: e.end - e.begin)
            }
        }

        // Every byte of the buffer must belong to exactly one tensor, as the reference requires.
        let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var cursor = 0
        var previous: String?
        for e in sorted {
            if e.begin < cursor, let previous {
                throw SafeTensorsError.overlappingTensors(path: path, first: previous, second: e.name)
            }
            if e.begin > cursor { throw SafeTensorsError.unaccountedBytes(path: path, begin: cursor, end: e.begin) }
            cursor = e.end
            previous = e.name
        }
        if cursor < bufferSize { throw SafeTensorsError.trailingBytes(path: path, count: bufferSize - cursor) }

        var tensors: [String: Tensor] = [:]
        bytes.withUnsafeBytes { raw in
            let buffer = raw.baseAddress! + headerEnd
            for e in entries {
                tensors[e.name] = Tensor(shape: e.shape, values: decode(buffer + e.begin, count: (e.end - e.begin) / e.dtype.size,
                                                                        dtype: e.dtype))
            }
        }
        return (tensors, metadata)
    }

    private static func decode(_ p: UnsafeRawPointer, count: Int, dtype: DType) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case .f32:
                #if _endian(little)
                // The file's little-endian F32 is the in-memory layout: copy it as it is.
                if let base = out.baseAddress { UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: 4 * count) }
                #else
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                #endif
            case .f16:
                for i in 0..<count {
                    out[i] = HalfFloat.floatFromF16(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bf16:
                for i in 0..<count {
                    out[i] = HalfFloat.floatFromBF16(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
            initialized = count
        }
    }

    /// Counts the header's top-level members, JSON values and nesting depth without building
    /// anything, and throws when one is beyond its limit. Only brackets, braces and commas
    /// outside strings are looked at; the JSON parser judges everything else afterwards.
    static func scanHeader(_ header: ArraySlice<UInt8>, path: String) throws {
        var depth = 0, members = 0, values = 0
        var inString = false, escaped = false, sawTopLevelContent = false
        for byte in header {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 { sawTopLevelContent = true }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                values += 1
                if depth > maxHeaderDepth {
                    throw SafeTensorsError.headerTooComplex(path: path, reason: "it nests deeper than \(maxHeaderDepth) levels")
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                values += 1
                if depth == 1 { members += 1 }
            default:
                break
            }
            if members + (sawTopLevelContent ? 1 : 0) > maxTensorCount + 1 {
                // + 1: the __metadata__ entry is a member but no tensor.
                throw SafeTensorsError.tooManyTensors(path: path, limit: maxTensorCount)
            }
            if values > maxHeaderValues {
                throw SafeTensorsError.headerTooComplex(path: path, reason: "it holds more than \(maxHeaderValues) JSON values")
            }
        }
    }

    private static func parseHeader(_ data: Data, path: String) throws -> (entries: [Entry], metadata: [String: String]) {
        func malformed(_ reason: String) -> SafeTensorsError { .malformedHeader(path: path, reason: reason) }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw malformed("not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw malformed("the header is not a JSON object") }
        // The scan allowed one member more for __metadata__; now the exact count is known.
        guard object.count - (object["__metadata__"] == nil ? 0 : 1) <= maxTensorCount else {
            throw SafeTensorsError.tooManyTensors(path: path, limit: maxTensorCount)
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for key in object.keys.sorted() {
            let value = object[key]
            if key == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw malformed("__metadata__ is not an object") }
                for (k, v) in dict {
                    guard let s = v as? String else { throw malformed("metadata value for \"\(k)\" is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any] else { throw malformed("entry for tensor \(key) is not an object") }
            guard let dtypeName = entry["dtype"] as? String else { throw malformed("tensor \(key) has no string dtype") }
            guard let shapeList = entry["shape"] as? [Any] else { throw malformed("tensor \(key) has no shape list") }
            let shape = try shapeList.map { d -> Int in
                guard let i = integer(d) else { throw malformed("tensor \(key) has a non-integer dimension in its shape") }
                return i
            }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = integer(offsets[0]), let end = integer(offsets[1])
            else { throw malformed("tensor \(key) has no data_offsets [begin, end]") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw SafeTensorsError.unsupportedDType(path: path, tensor: key, dtype: dtypeName)
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw SafeTensorsError.negativeDimension(path: path, tensor: key, shape: shape)
            }
            guard begin >= 0, end >= 0 else {
                throw SafeTensorsError.offsetsOutOfRange(path: path, tensor: key, begin: begin, end: end,
                                                         bufferSize: 0)
            }
            entries.append(Entry(name: key, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        return (entries, metadata)
    }

    /// A JSON number that is an exact integer (JSONSerialization hands numbers over as NSNumber).
    private static func integer(_ value: Any) -> Int? {
        if let i = value as? Int { return i }
        if let d = value as? Double, d.rounded() == d, abs(d) < 9.0e15 { return Int(d) }
        return nil
    }

    // MARK: - Writing

    /// The file's bytes for `tensors` (F32) and `metadata`. The header is padded with spaces to
    /// a multiple of 8 bytes, as the reference writer does, so the data starts 8-byte aligned.
    public static func serialize(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws -> [UInt8] {
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var seen = Set<String>()
        var offset = 0
        for (name, t) in tensors {
            guard name != "__metadata__" else { throw SafeTensorsError.invalidTensor(name: name, reason: "the name is reserved") }
            guard seen.insert(name).inserted else {
                throw SafeTensorsError.invalidTensor(name: name, reason: "the name appears twice")
            }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.elementCount == t.values.count else {
                throw SafeTensorsError.invalidTensor(
                    name: name, reason: "shape \(t.shape) does not hold \(t.values.count) values")
            }
            let end = offset + 4 * t.values.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        let n = UInt64(headerBytes.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out.append(contentsOf: headerBytes)
        for (_, t) in tensors {
            #if _endian(little)
            // In-memory Floats already are little-endian F32: copy them as they are.
            t.values.withUnsafeBytes { out.append(contentsOf: $0) }
            #else
            for v in t.values {
                let bits = v.bitPattern
                for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: bits >> shift)) }
            }
            #endif
        }
        return out
    }

    /// A JSON string literal escaped as serde_json (the reference writer's JSON library) does.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
