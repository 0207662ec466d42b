#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a
/// partial write: the bytes go to a temporary file in the same directory (so the final
/// rename stays on one file system and is atomic), are fsync'ed, then renamed over the target.
/// On any failure the temporary file is removed and the target is left untouched.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        // Renaming over a device, pipe or socket (say `--out /dev/stdout` run as root) would
        // replace that node in its directory with a regular file; refuse instead.
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            let reason = (st.st_mode & S_IFMT) == S_IFDIR ? IOError.reason(EISDIR) : "not a regular file"
            throw IOError.cannotWrite(path: path, reason: reason)
        }
        let (directory, name) = split(path)
        var fd: Int32 = -1
        var temp = ""
        // O_EXCL makes a clash with another writer's temporary file visible; retry with a new name.
        for _ in 0..<16 {
            temp = directory + "." + name + ".tmp-\(getpid())-\(uniqueSuffix())"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw IOError.cannotWrite(path: path, reason: IOError.reason(errno)) }

        func fail(_ code: Int32) -> IOError {
            close(fd)
            unlink(temp)
            return IOError.cannotWrite(path: path, reason: IOError.reason(code))
        }

        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                POSIX.writeBytes(fd, buf.baseAddress! + written, buf.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw fail(errno) }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temp)
            throw IOError.cannotWrite(path: path, reason: IOError.reason(code))
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw IOError.cannotWrite(path: path, reason: IOError.reason(code))
        }
        // Make the rename itself durable; failure here does not undo a completed write.
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// ("dir/", "name") for "dir/name"; ("", "name") for a bare name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    private static let counter = Counter()

    /// Unique within this process (a counter) and unlikely to repeat across processes with the
    /// same pid (the clock). Not model randomness, so it does not go through Xoshiro256.
    private static func uniqueSuffix() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let mixed = UInt64(truncatingIfNeeded: ts.tv_nsec) &* 0x9E37_79B9_7F4A_7C15
            ^ UInt64(truncatingIfNeeded: ts.tv_sec)
        return String(counter.next()) + "-" + String(mixed & 0xFFFF_FFFF, radix: 16)
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private var mutex = pthread_mutex_t()
        init() { pthread_mutex_init(&mutex, nil) }
        func next() -> Int {
            pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }
            value += 1
            return value
        }
    }
}
