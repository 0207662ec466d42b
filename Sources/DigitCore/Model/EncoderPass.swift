import CDigitKernels

/// The encoder's forward pass, the one used by inference (`CVAE.encode`), training and
/// evaluation:
///
///     h1     = relu([x | onehot(y)] W1^T + b1)   (B, H)
///     mean   = h1 W21^T + b21                    (B, L)
///     logvar = h1 W22^T + b22                    (B, L)
///
/// An MNIST image has about 150 non-zero pixels of 784 (and its one-hot condition one of 10),
/// so fc1 runs per row on that row's non-zero inputs only (`dk_encoder_fc1`, CDigitKernels
/// encoder.c): a packed copy of W1, transposed (P + C, H) and refreshed when the parameter
/// store's `generation` moves, gives each input's weights as one contiguous row. Training's fc1 weight
/// gradient is the same sparse sum the other way round (`backwardFC1`). The kernel is the
/// decoder's (`DecoderKernel.forced`, else the best this CPU runs); every path gives the same
/// bits. Buffers are allocated once for `capacity` rows and freed in deinit.
final class EncoderPass {
    let config: CVAEConfig
    let capacity: Int
    let linear: ParallelLinear
    let kernel: DecoderKernel

    /// fc1 packed for the kernels (W1 transposed and padded); may be shared with other passes.
    /// Nil when it could not be allocated: fc1 then runs as a dense OpenBLAS product (the same
    /// maths, summed in another order).
    let packed: PackedWeights<dk_encoder_pack>?
    /// Kernel scratch: one block per thread for the forward; the first block for the gradient.
    private let scratch: UnsafeMutableRawPointer
    private let scratchStride: Int
    /// The two heads side by side, [W21; W22] (2L, H) and [b21; b22] (2L), copied when the
    /// store's generation moves, so that mean and log-variance come from one product and their
    /// gradients go back through one (two small sgemm calls fewer per pass).
    private let heads: UnsafeMutablePointer<Float>
    private let headsBias: UnsafeMutablePointer<Float>
    private var headsGeneration: UInt64 = 0
    private weak var headsStore: ParameterStore?
    /// [mean | logvar] or their gradients per row, (capacity, 2L).
    private let both: UnsafeMutablePointer<Float>

    /// `kernel`: the path (`blas` runs the best vector kernel); by default the one
    /// `DIGITGEN_KERNEL` forces, else the best this CPU runs. `usePack: false` runs fc1 as the
    /// dense product it falls back to when the pack cannot be allocated (the tests).
    init(config: CVAEConfig, capacity: Int, linear: ParallelLinear, packed: PackedWeights<dk_encoder_pack>? = nil,
         kernel: DecoderKernel = DecoderKernel.forced ?? .bestFused, usePack: Bool = true) {
        self.config = config
        self.capacity = max(1, capacity)
        self.linear = linear
        self.kernel = kernel
        let rows = max(1, capacity)
        let pk = usePack ? packed ?? PackedWeights.encoder(config) : nil
        self.packed = pk
        scratchStride = pk.map { (dk_encoder_scratch_bytes($0.pack, Int32(rows)) + 63) / 64 * 64 } ?? 64
        scratch = .allocate(byteCount: scratchStride * linear.threads, alignment: 64)
        let l2 = 2 * config.latent
        heads = .allocate(capacity: l2 * config.hidden)
        heads.initialize(repeating: 0, count: l2 * config.hidden)
        headsBias = .allocate(capacity: l2)
        headsBias.initialize(repeating: 0, count: l2)
        both = .allocate(capacity: self.capacity * l2)
        both.initialize(repeating: 0, count: self.capacity * l2)
    }

    deinit {
        scratch.deallocate()
        heads.deallocate(); headsBias.deallocate(); both.deallocate()
    }

    /// [W21; W22] and [b21; b22] from `store` unless already copied for its generation.
    private func refreshHeads(_ w: CVAEWeights, store: ParameterStore) {
        guard headsStore !== store || headsGeneration != store.generation else { return }
        let c = config, n = c.latent * c.hidden
        heads.update(from: w.fc21.weight, count: n)
        (heads + n).update(from: w.fc22.weight, count: n)
        headsBias.update(from: w.fc21.bias, count: c.latent)
        (headsBias + c.latent).update(from: w.fc22.bias, count: c.latent)
        headsStore = store
        headsGeneration = store.generation
    }

    /// Runs the encoder on `n` <= capacity rows of x (n, P + C). `store` is the store `w`
    /// views (its generation keeps the packed fc1 current).
    func forward(_ w: CVAEWeights, store: ParameterStore, input x: UnsafePointer<Float>, count n: Int,
                 hidden h1: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                 logvar: UnsafeMutablePointer<Float>) {
        precondition(n <= capacity)
        guard n > 0 else { return }
        let c = config, xin = c.pixels + c.classes, hid = c.hidden
        if let packed {
            let pk = UnsafePointer(packed.refresh(w, store: store))
            // Rows split over the threads from DecoderPass.parallelRows rows on (a row costs
            // about what a decoded row does).
            let parts = n >= DecoderPass.parallelRows ? linear.threads : 1
            let s = scratch, stride = scratchStride, ck = kernel.cKernel
            Parallel.forEachPart(parts) { part in
                let r = ParallelLinear.range(part: part, parts: parts, of: n)
                guard !r.isEmpty else { return }
                dk_encoder_fc1(ck, pk, x + r.lowerBound * xin, Int32(r.count), h1 + r.lowerBound * hid, 1,
                               s + part * stride)
            }
        } else {
            linear.forward(x: x, batch: n, inFeatures: xin, outFeatures: hid, weight: w.fc1.weight, bias: w.fc1.bias, out: h1)
            VectorMath.relu(h1, count: n * hid)
        }
        refreshHeads(w, store: store)
        let l = c.latent
        linear.forward(x: h1, batch: n, inFeatures: c.hidden, outFeatures: 2 * l, weight: heads, bias: headsBias, out: both)
        for i in 0..<n {
            (mean + i * l).update(from: both + i * 2 * l, count: l)
            (logvar + i * l).update(from: both + i * 2 * l + l, count: l)
        }
    }

    /// Training's backward through the two heads after `forward` on the same rows: dW21, db21,
    /// dW22, db22 += their gradients from dMean and dLogvar (n, L each), and dh1 (n, H) =
    /// dMean W21 + dLogvar W22 in one product.
    func backwardHeads(dMean: UnsafePointer<Float>, dLogvar: UnsafePointer<Float>, hidden h1: UnsafePointer<Float>,
                       count n: Int, gradient g: CVAEWeights, dHidden dh1: UnsafeMutablePointer<Float>) {
        let c = config, l = c.latent, l2 = 2 * l
        for i in 0..<n {
            (both + i * l2).update(from: dMean + i * l, count: l)
            (both + i * l2 + l).update(from: dLogvar + i * l, count: l)
        }
        linear.backward(dout: both, x: h1, batch: n, inFeatures: c.hidden, outFeatures: l2,
                        weight: heads, dWeight: nil, dBias: nil, dx: dh1)
        linear.backward(dout: dMean, x: h1, batch: n, inFeatures: c.hidden, outFeatures: l,
                        weight: heads, dWeight: g.fc21.weight, dBias: g.fc21.bias, dx: nil)
        linear.backward(dout: dLogvar, x: h1, batch: n, inFeatures: c.hidden, outFeatures: l,
                        weight: heads + l * c.hidden, dWeight: g.fc22.weight, dBias: g.fc22.bias, dx: nil)
    }

    /// Training's fc1 backward for the rows x (n, P + C) of the last `forward`: db1 += sum dh1
    /// and dW1 (H, P + C) += dh1^T x on the inputs non-zero in some row (the others' gradient
    /// is zero).
    func backwardFC1(dHidden dh1: UnsafePointer<Float>, input x: UnsafePointer<Float>, count n: Int,
                     gradient g: CVAEWeights) {
        precondition(n <= capacity)
        guard n > 0 else { return }
        let hidden = config.hidden, xin = config.pixels + config.classes, db = g.fc1.bias
        guard let packed else {
            linear.backward(dout: dh1, x: x, batch: n, inFeatures: xin, outFeatures: hidden, weight: g.fc1.weight,
                            dWeight: g.fc1.weight, dBias: db, dx: nil)
            return
        }
        for i in 0..<n {
            let row = dh1 + i * hidden
            for k in 0..<hidden { db[k] += row[k] }
        }
        dk_encoder_fc1_gradient(kernel.cKernel, UnsafePointer(packed.pack), x, Int32(n), dh1, g.fc1.weight, scratch)
    }
}
