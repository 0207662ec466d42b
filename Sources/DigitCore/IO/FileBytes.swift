#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into memory with POSIX calls, so that errors carry strerror's reason.
public enum FileBytes {
    /// Every byte of the file at `path`.
    public static func read(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.cannotRead(path: path, reason: IOError.reason(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError.cannotRead(path: path, reason: IOError.reason(errno)) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw IOError.cannotRead(path: path, reason: IOError.reason(EISDIR))
        }
        // The size is only a first guess (the file may change or be a pipe); read until EOF.
        var bytes = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 65536))) }
            let n = bytes.withUnsafeMutableBytes { buf in
                POSIX.readBytes(fd, buf.baseAddress! + filled, buf.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.cannotRead(path: path, reason: IOError.reason(errno))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
