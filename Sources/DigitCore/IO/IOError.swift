#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors about reading or writing a file as a whole (before its format is looked at).
public enum IOError: DigitCoreError, Equatable {
    /// The file could not be opened or read; `reason` is strerror's text.
    case cannotRead(path: String, reason: String)
    /// The file could not be created, written or renamed into place.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }

    /// strerror's text for an errno value.
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
