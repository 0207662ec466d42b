#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into memory with POSIX calls, so that errors carry strerror's reason.
public enum FileBytes {
    /// Largest file read (1 GiB, as `Gzip.maxDecompressedSize`): far above any weights or data
    /// file here, and a clear error instead of exhausting memory on an endless source such as
    /// /dev/zero.
    public static let maxSize = 1 << 30

    /// Every byte of the file at `path`; more than `limit` bytes is an error.
    public static func read(path: String, limit: Int = maxSize) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.cannotRead(path: path, reason: IOError.reason(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError.cannotRead(path: path, reason: IOError.reason(errno)) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw IOError.cannotRead(path: path, reason: IOError.reason(EISDIR))
        }
        // The size is only a first guess (the file may change or be a pipe); read until EOF.
        guard Int(st.st_size) <= limit else { throw IOError.cannotRead(path: path, reason: "larger than \(limit) bytes") }
        var bytes = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                // Grow geometrically, but never past one byte more than the limit.
                bytes.append(contentsOf: repeatElement(0, count: min(max(bytes.count, 65536), limit + 1 - bytes.count)))
            }
            let n = bytes.withUnsafeMutableBytes { buf in
                POSIX.readBytes(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.cannotRead(path: path, reason: IOError.reason(errno))
            }
            if n == 0 { break }
            filled += n
            guard filled <= limit else {
                throw IOError.cannotRead(path: path, reason: "larger than \(limit) bytes")
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
