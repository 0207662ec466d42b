#if canImport(Glibc)
import Glibc
#endif

/// Makes OpenBLAS use the vector kernels the CPU has.
///
/// Debian 12's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels from the CPU model number at
/// load time. A CPU newer than the library (seen here: family 6 model 207, an AVX-512 Xeon) is
/// not in its table and falls back to "Prescott", the SSE3 kernels: measured on the 2-core
/// development VM, a training epoch ran at about 17,500 images/s with them and 2.5 times
/// faster with OPENBLAS_CORETYPE=SkylakeX, with the same losses to 3 decimals. The kernel
/// family can only be chosen before the library initialises, through that environment variable,
/// so a program that finds the fallback on a CPU with AVX2 or AVX-512 sets it and executes
/// itself again, once. A user's own OPENBLAS_CORETYPE is always kept.
public enum BLASCoreSelection {
    /// Kernel families by what they need: 0 without AVX, 1 AVX, 2 AVX2 + FMA, 3 AVX-512.
    static let level: [String: Int] = [
        "Prescott": 0, "Core2": 0, "Penryn": 0, "Dunnington": 0, "Nehalem": 0, "Atom": 0, "Katmai": 0,
        "Coppermine": 0, "Northwood": 0, "Banias": 0, "Opteron": 0, "Barcelona": 0,
        "Sandybridge": 1, "Bulldozer": 1, "Piledriver": 1, "Steamroller": 1, "Excavator": 1,
        "Haswell": 2, "Zen": 2, "SkylakeX": 3, "Cooperlake": 3, "SapphireRapids": 3,
    ]

    /// The OPENBLAS_CORETYPE to ask for, or nil when OpenBLAS already uses the best family the
    /// CPU supports (or the user chose one).
    public static func preferredCoreType(detected: String, cpuFlags: Set<String>, userChoice: String?) -> String? {
        guard userChoice == nil, let have = level[detected] else { return nil }
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(cpuFlags.contains)
        let avx2 = cpuFlags.contains("avx2") && cpuFlags.contains("fma")
        if avx512 && have < 3 { return "SkylakeX" }
        if avx2 && have < 2 { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags from /proc/cpuinfo (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                let list = text.split(separator: ":", maxSplits: 1).last ?? ""
                return Set(list.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
            }
        }
        return []
    }

    /// Call first thing in `main`: when OpenBLAS fell back to kernels below the CPU's, sets
    /// OPENBLAS_CORETYPE and executes the program again (it does not return then). Does nothing
    /// when already re-executed, when the user set the variable, or when exec fails.
    public static func reexecWithBestKernels() {
        guard getenv("DIGITGEN_BLAS_REEXEC") == nil else { return }
        let user = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        guard let choice = preferredCoreType(detected: BLAS.coreName, cpuFlags: cpuFlags(), userChoice: user) else { return }
        setenv("OPENBLAS_CORETYPE", choice, 1)
        setenv("DIGITGEN_BLAS_REEXEC", "1", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // exec failed: carry on with the kernels we have.
        unsetenv("OPENBLAS_CORETYPE")
        for p in argv { free(p) }
    }
}
