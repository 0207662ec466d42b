import CDigitKernels

/// The decoder's forward pass, the one used by inference (`CVAE.decode`), training and
/// evaluation:
///
///     h3  = relu([z | onehot(y)] W3^T + b3)   (B, H)
///     out = h3 W4^T + b4                      (B, P)   logits, or sigmoid(logits) for images
///
/// Two strategies, the same maths:
/// - `fused` (the C kernels, `DecoderKernel.avx512/avx2/scalar`): fc3, ReLU, fc4 and the
///   sigmoid in one pass over a packed copy of fc3 and fc4; the vector kernels take rows in
///   groups of 5 and skip the hidden units inactive in all of them (a row alone has about
///   half active, 5 rows together about 75%), the portable one skips each row's own.
///   Either way a row's pixels do not depend on the batch it is decoded in. The pack is rebuilt when the parameter store's
///   `generation` moves, so training steps need no call to invalidate it.
/// - `gemm` (`DecoderKernel.blas`): OpenBLAS sgemm for fc3 and fc4 (dense), vector ReLU and
///   sigmoid.
///
/// Rows are split over `linear.threads` threads from `parallelRows` rows on (measured, see
/// README "Performance").
final class DecoderPass {
    let config: CVAEConfig
    let capacity: Int
    let linear: ParallelLinear

    /// From this many rows the fused kernel splits the rows over the threads. Measured with
    /// `digitgen bench inference` at 2 threads: waking the second thread (about 10-20 µs here)
    /// pays from about 32 rows (a 32-row decode takes about 50 µs on one core).
    static let parallelRows = 32

    /// fc3 and fc4 packed for the fused kernel, made on first use unless shared at init.
    private var packed: PackedWeights<dk_decoder_pack>?
    /// One scratch block per thread.
    private var scratch: UnsafeMutableRawPointer?
    private var scratchStride = 0
    /// h3 when the caller does not want it (gemm strategy), (capacity, H).
    private let hiddenBuffer: UnsafeMutablePointer<Float>

    init(config: CVAEConfig, capacity: Int, linear: ParallelLinear, packed: PackedWeights<dk_decoder_pack>? = nil) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = linear
        self.packed = packed
        hiddenBuffer = .allocate(capacity: self.capacity * config.hidden)
    }

    deinit {
        scratch?.deallocate()
        hiddenBuffer.deallocate()
    }

    /// Decodes `n` <= capacity rows of x (n, L + C) into `out` (n, P): probabilities when
    /// `sigmoid`, else logits. When `hidden` is given, h3 is written there (n, H).
    /// `store` is the store `w` views (its generation keeps the fused pack current).
    func forward(_ w: CVAEWeights, store: ParameterStore, input x: UnsafePointer<Float>, count n: Int,
                 hidden: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>,
                 sigmoid: Bool, kernel: DecoderKernel) {
        precondition(n <= capacity)
        guard n > 0 else { return }
        let c = config
        // The fused kernel needs its packed copy of fc3 and fc4; if that cannot be allocated the
        // sgemm strategy computes the same maths without it.
        guard kernel != .blas, let pk = currentPack(w, store: store) else {
            let h3 = hidden ?? hiddenBuffer
            linear.forward(x: x, batch: n, inFeatures: c.latent + c.classes, outFeatures: c.hidden,
                           weight: w.fc3.weight, bias: w.fc3.bias, out: h3)
            VectorMath.relu(h3, count: n * c.hidden)
            linear.forward(x: h3, batch: n, inFeatures: c.hidden, outFeatures: c.pixels,
                           weight: w.fc4.weight, bias: w.fc4.bias, out: out)
            if sigmoid { vectorSigmoid(out, count: n * c.pixels) }
            return
        }
        let parts = n >= DecoderPass.parallelRows ? linear.threads : 1
        let s = scratchBlocks(parts, pk), stride = scratchStride
        let zin = c.latent + c.classes, pixels = c.pixels, hid = c.hidden, ck = kernel.cKernel
        Parallel.forEachPart(parts) { part in
            let lo = n * part / parts, hi = n * (part + 1) / parts
            guard hi > lo else { return }
            dk_decode(ck, pk, x + lo * zin, Int32(hi - lo), out + lo * pixels,
                      hidden.map { $0 + lo * hid }, sigmoid ? 1 : 0, s + part * stride)
        }
    }

    /// The packed fc3/fc4, refilled when the store's values changed since the last fill; nil
    /// when the pack cannot be allocated (the caller then decodes through sgemm).
    private func currentPack(_ w: CVAEWeights, store: ParameterStore) -> UnsafeMutablePointer<dk_decoder_pack>? {
        if packed == nil { packed = PackedWeights.decoder(config) }
        return packed?.refresh(w, store: store)
    }

    private func scratchBlocks(_ parts: Int, _ pk: UnsafeMutablePointer<dk_decoder_pack>) -> UnsafeMutableRawPointer {
        let stride = (dk_decode_scratch_bytes(pk) + 63) / 64 * 64
        let threads = linear.threads
        if scratch == nil || scratchStride != stride {
            scratch?.deallocate()
            scratch = .allocate(byteCount: stride * threads, alignment: 64)
            scratchStride = stride
        }
        return scratch!
    }
}
