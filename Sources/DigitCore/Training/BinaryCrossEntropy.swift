import CDigitKernels

/// Bernoulli negative log-likelihood of targets t in [0, 1] under logits x, summed over
/// pixels as in the seed (`F.binary_cross_entropy(..., reduction='sum')`), computed stably
/// from logits:
///
///     BCE(x, t) = max(x, 0) - x t + log(1 + e^-|x|)
///     dBCE/dx   = sigmoid(x) - t
///
/// log(1 + e^-|x|) = -log sigmoid(|x|), and sigmoid(|x|) lies in [1/2, 1], so the logs of a
/// run of up to 100 pixels are taken as one log of their product (>= 2^-100, no underflow):
/// one log per 100 pixels instead of one per pixel.
///
/// The loop is C (`dk_bce_rows` in CDigitKernels, the decoder kernels' exp polynomial in AVX-512,
/// AVX2 or portable C): Swift's SIMD8 compiled to 4-lane SSE here.
enum BinaryCrossEntropy {
    /// The kernel that runs: the one `DIGITGEN_KERNEL` forces (`blas`: the best vector one),
    /// else the best this CPU runs.
    static let kernel: DecoderKernel = DecoderKernel.forced ?? .bestFused

    /// The loss of one row of `count` logits; with `gradient`, dBCE/dx there (may be `logits`).
    @inline(__always)
    static func row(logits: UnsafePointer<Float>, targets: UnsafePointer<Float>, count: Int,
                    gradient: UnsafeMutablePointer<Float>?) -> Float {
        Float(dk_bce_rows(kernel.cKernel, logits, targets, count, 1, Int32(count), gradient))
    }

    /// The summed loss of `rows` rows of `count` logits (contiguous), the targets' rows
    /// `targetStride` apart; each row's sum is a Float, added up in Double.
    @inline(__always)
    static func rows(logits: UnsafePointer<Float>, targets: UnsafePointer<Float>, targetStride: Int, rows: Int,
                     count: Int, gradient: UnsafeMutablePointer<Float>?) -> Double {
        dk_bce_rows(kernel.cKernel, logits, targets, targetStride, Int32(rows), Int32(count), gradient)
    }
}
