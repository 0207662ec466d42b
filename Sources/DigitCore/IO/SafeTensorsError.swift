/// What can be wrong with a safetensors file. Every case names the file, and the tensor
/// where one is at fault, so that a user can tell which file to replace.
public enum SafeTensorsError: DigitCoreError, Equatable {
    /// Fewer than the 8 bytes of the header length.
    case tooShort(path: String, size: Int)
    /// The header length is beyond any sane header (likely not a safetensors file at all).
    case headerLengthAbsurd(path: String, length: UInt64)
    /// The header lists more tensors than `SafeTensors.maxTensorCount`.
    case tooManyTensors(path: String, limit: Int)
    /// The header's JSON is nested too deeply or holds too many values to be a tensor list.
    case headerTooComplex(path: String, reason: String)
    /// The header length points past the end of the file.
    case headerBeyondFile(path: String, length: UInt64, fileSize: Int)
    /// The JSON header cannot be parsed or does not have the expected structure.
    case malformedHeader(path: String, reason: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case negativeDimension(path: String, tensor: String, shape: [Int])
    /// The byte range does not hold exactly shape's element count times the dtype's size.
    case sizeMismatch(path: String, tensor: String, shape: [Int], dtype: String, bytes: Int)
    /// data_offsets reach past the byte buffer or begin after they end.
    case offsetsOutOfRange(path: String, tensor: String, begin: Int, end: Int, bufferSize: Int)
    case overlappingTensors(path: String, first: String, second: String)
    /// Bytes between tensors that belong to none of them.
    case unaccountedBytes(path: String, begin: Int, end: Int)
    /// Bytes after the last tensor.
    case trailingBytes(path: String, count: Int)
    /// A tensor given to `write` whose values do not fill its shape, or a duplicate/reserved name.
    case invalidTensor(name: String, reason: String)

    public var description: String {
        switch self {
        case .tooShort(let path, let size):
            return "\(path) is too short for a safetensors file (\(size) bytes, need at least 8)"
        case .headerLengthAbsurd(let path, let length):
            return "\(path) declares a \(length)-byte safetensors header, more than the limit of \(SafeTensors.maxHeaderSize) bytes (16 MiB)"
        case .tooManyTensors(let path, let limit):
            return "\(path) lists more than \(limit) tensors in its safetensors header, more than any model this program reads"
        case .headerTooComplex(let path, let reason):
            return "\(path) has a safetensors header that cannot be a tensor list: \(reason)"
        case .headerBeyondFile(let path, let length, let size):
            return "\(path) declares a \(length)-byte safetensors header but the file has only \(size) bytes"
        case .malformedHeader(let path, let reason):
            return "\(path) has a malformed safetensors header: \(reason)"
        case .unsupportedDType(let path, let tensor, let dtype):
            return "tensor \(tensor) in \(path) has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .negativeDimension(let path, let tensor, let shape):
            return "tensor \(tensor) in \(path) has a negative dimension in shape \(shape)"
        case .sizeMismatch(let path, let tensor, let shape, let dtype, let bytes):
            return "tensor \(tensor) in \(path) has shape \(shape) of \(dtype) but \(bytes) bytes of data"
        case .offsetsOutOfRange(let path, let tensor, let begin, let end, let size):
            return "tensor \(tensor) in \(path) has data_offsets [\(begin), \(end)] outside the \(size)-byte data buffer"
        case .overlappingTensors(let path, let first, let second):
            return "tensors \(first) and \(second) in \(path) overlap"
        case .unaccountedBytes(let path, let begin, let end):
            return "\(path) has unaccounted bytes \(begin)..<\(end) between tensors"
        case .trailingBytes(let path, let count):
            return "\(path) has \(count) trailing bytes after the last tensor"
        case .invalidTensor(let name, let reason):
            return "cannot write tensor \(name): \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidTensor: return nil
        case .tooShort, .headerLengthAbsurd, .headerBeyondFile:
            return "is this a safetensors file?"
        default:
            return "the file is damaged or was not written by a safetensors writer"
        }
    }
}
