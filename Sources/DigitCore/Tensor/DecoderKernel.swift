import CDigitKernels
import Foundation

/// Which code decodes: the fused sparse C kernel for an instruction set, or OpenBLAS sgemm.
///
/// Chosen once per process: `DIGITGEN_KERNEL=avx512|avx2|scalar|blas` forces a path (the tests
/// and benchmarks use it); otherwise `automatic` picks the fastest fused kernel the CPU runs
/// (`__builtin_cpu_supports`) and lets `CVAE` decide per batch size (see `DecoderPass`).
public enum DecoderKernel: String, CaseIterable, Sendable {
    case avx512, avx2, scalar, blas

    /// The C kernel's identifier (the vector code for `blas`'s sigmoid is the best fused one).
    var cKernel: Int32 {
        switch self {
        case .avx512: return Int32(DK_KERNEL_AVX512)
        case .avx2: return Int32(DK_KERNEL_AVX2)
        case .scalar: return Int32(DK_KERNEL_SCALAR)
        case .blas: return DecoderKernel.bestFused.cKernel
        }
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool {
        switch self {
        case .blas: return true
        default: return dk_kernel_supported(cKernel) != 0
        }
    }

    /// Every path this CPU can run.
    public static var supported: [DecoderKernel] { allCases.filter(\.isSupported) }

    /// The fastest fused kernel this CPU runs.
    public static let bestFused: DecoderKernel = {
        switch Int(dk_kernel_best()) {
        case Int(DK_KERNEL_AVX512): return .avx512
        case Int(DK_KERNEL_AVX2): return .avx2
        default: return .scalar
        }
    }()

    /// The automatic choice for a decode of `rows` rows: the best fused kernel at every size
    /// (measured against OpenBLAS sgemm at batch 5, 625 and 1000, see README "Performance").
    public static func automatic(rows: Int) -> DecoderKernel { bestFused }

    /// Training's and evaluation's decoder path when none is forced.
    public static let training: DecoderKernel = bestFused

    public static let environmentVariable = "DIGITGEN_KERNEL"

    /// The path forced by `DIGITGEN_KERNEL`, nil when unset or empty; throws for an unknown
    /// name or one this CPU cannot run.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> DecoderKernel? {
        guard let raw = env[environmentVariable], !raw.isEmpty else { return nil }
        guard let k = DecoderKernel(rawValue: raw.lowercased()) else {
            throw ModelError.invalidKernel(
                "\(environmentVariable)=\(raw) is not a kernel; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard k.isSupported else {
            throw ModelError.invalidKernel(
                "\(environmentVariable)=\(raw): this CPU cannot run it; it runs \(supported.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }

    /// The forced path, if any, read once. An invalid value is reported by `fromEnvironment()`
    /// (the command-line tool checks it first); here it falls back to the automatic choice.
    public static let forced: DecoderKernel? = (try? fromEnvironment()) ?? nil
}

/// x = 1 / (1 + e^-x) in place with the vector code of the best fused kernel.
@inline(__always)
func vectorSigmoid(_ x: UnsafeMutablePointer<Float>, count: Int, kernel: DecoderKernel = .bestFused) {
    dk_sigmoid(kernel.cKernel, x, count)
}
