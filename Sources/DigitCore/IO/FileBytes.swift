#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files into memory with POSIX calls, so that errors carry strerror's reason.
public enum FileBytes {
    /// Largest file read (1 GiB, as `Gzip.maxDecompressedSize`): far above any weights or data
    /// file here, and a clear error instead of exhausting memory on a file that keeps growing.
    public static let maxSize = 1 << 30

    /// Every byte of the regular file at `path`; more than `limit` bytes is an error.
    ///
    /// Only regular files are read. A FIFO would block `open` until a writer appears (forever,
    /// for a stray `--weights` naming one), a device such as /dev/zero never ends, and a
    /// directory or socket holds no bytes at all; each is refused with an error naming what
    /// it is. The file is opened with O_NONBLOCK so that even a FIFO swapped in between the
    /// check and the open cannot block, and the type is checked again on the open descriptor.
    public static func read(path: String, limit: Int = maxSize) throws -> [UInt8] {
        var st = stat()
        if stat(path, &st) == 0, let kind = specialKind(st.st_mode) {
            throw IOError.cannotRead(path: path, reason: notRegular(kind))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            // open(2) fails on a socket with ENXIO ("No such device or address"): name it.
            if stat(path, &st) == 0, let kind = specialKind(st.st_mode) {
                throw IOError.cannotRead(path: path, reason: notRegular(kind))
            }
            throw IOError.cannotRead(path: path, reason: IOError.reason(code))
        }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw IOError.cannotRead(path: path, reason: IOError.reason(errno)) }
        if let kind = specialKind(st.st_mode) { throw IOError.cannotRead(path: path, reason: notRegular(kind)) }
        // A regular file never blocks; clear the flag anyway so reads behave as usual.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }

        // The size is only a first guess (the file may grow while it is read); read until EOF.
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

    /// What a file of this mode is, in words, when it is not a regular file.
    static func specialKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    private static func notRegular(_ kind: String) -> String {
        kind.hasPrefix("not ") ? kind : "is \(kind), not a regular file"
    }
}
