#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a
/// partial write: the bytes go to a temporary file in the same directory (so the final
/// rename stays on one file system and is atomic), are fsync'ed, then renamed over the target.
/// On any failure the temporary file is removed and the target is left untouched.
///
/// A process killed mid-write (SIGKILL, power loss) cannot remove its temporary file; the
/// next write to the same target removes such leftovers (`removeStaleTemporaries`).
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
        removeStaleTemporaries(directory: directory, name: name)
        var fd: Int32 = -1
        var temp = ""
        // O_EXCL makes a clash with another writer's temporary file visible; retry with a new name.
        for _ in 0..<16 {
            temp = directory + temporaryPrefix(name) + "\(getpid())-\(uniqueSuffix())"
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

    /// Temporary files for target `name` are named `.NAME.tmp-PID-COUNTER-HEX`.
    static func temporaryPrefix(_ name: String) -> String { "." + name + ".tmp-" }

    /// Removes temporary files that an earlier writer of `directory + name` left behind when
    /// it was killed: names of exactly our pattern, regular files, written by a process that no
    /// longer exists (kill(pid, 0) says ESRCH) and last modified before this process started
    /// (so that a live writer in another PID namespace, whose pid we cannot see, keeps its
    /// file). Anything else, including other programs' files, is left alone. Best effort:
    /// failures are ignored, the write goes on.
    static func removeStaleTemporaries(directory: String, name: String) {
        guard let started = processStartTime(), let dir = opendir(directory.isEmpty ? "." : directory) else { return }
        defer { closedir(dir) }
        let prefix = temporaryPrefix(name)
        let me = getpid()
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let parts = entryName.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let pid = Int32(parts[0]), pid > 0, pid != me,
                  UInt64(parts[1]) != nil, UInt64(parts[2], radix: 16) != nil else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let full = directory + entryName
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            guard modified < started else { continue }
            unlink(full)
        }
    }

    /// When this process started, in seconds since the epoch: the realtime clock minus the
    /// process's age (CLOCK_BOOTTIME minus the start time /proc/self/stat gives in clock
    /// ticks since boot, field 22). Nil where /proc is unavailable.
    static func processStartTime() -> Double? {
        #if os(Linux)
        let fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { POSIX.readBytes(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: start after it.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        var boot = timespec(), real = timespec()
        guard hz > 0, clock_gettime(CLOCK_BOOTTIME, &boot) == 0, clock_gettime(CLOCK_REALTIME, &real) == 0 else { return nil }
        let age = Double(boot.tv_sec) + Double(boot.tv_nsec) / 1e9 - ticks / hz
        return Double(real.tv_sec) + Double(real.tv_nsec) / 1e9 - max(age, 0)
        #else
        return nil
        #endif
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
