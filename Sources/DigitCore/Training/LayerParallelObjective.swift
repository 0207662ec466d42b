import CDigitKernels

/// A training step on two threads with the layers split between them instead of the batch:
/// thread c owns fc1's and fc3's hidden units `units[c]` and fc4's pixels `pixels[c]` (their
/// weights, gradients, Adam moments and packed copies) and runs them for all the batch's rows.
///
/// With the batch split (`DataParallelObjective`), every step each thread read the packs the
/// other had written, and half of the other's gradient store: 1-1.3 MB apiece crossing between
/// the cores, which made two threads 1.63x one instead of 2x (README, "What bounds the epoch").
/// Here the threads exchange only the heads' partial sums (B x 2L), fc4's partial gradient at
/// the hidden units (B x H) and the batch's inputs, at three barriers inside one hand-off; each
/// thread updates its own parameters and refills its own packs in the same hand-off. fc3's
/// forward pass and the gradient through it to z run on both threads (1.5 million multiply-adds
/// each), so that neither waits for the other's half.
///
/// The sums run in a fixed order (the heads' partial sums and fc4's input gradient added part
/// 0 then part 1, BCE per part then added), so a run is reproducible, and resumes bit for bit;
/// its values differ from one thread's in the last bits, as `DataParallelObjective`'s do.
final class LayerParallelObjective {
    let config: CVAEConfig
    let capacity: Int
    /// fc1's and fc3's hidden units, and fc4's pixels, of each part.
    let units: [Range<Int>]
    let pixels: [Range<Int>]
    /// The gradient, in the parameters' layout; each part writes its own elements.
    let gradient: ParameterStore
    private let parts: [Part]
    private let barrier: OpaquePointer
    // Shared between the parts (each writes its own rows or its own buffer).
    private let x: UnsafeMutablePointer<Float>           // (B, P + C) pixels in [0, 1], one-hot
    private let eps: UnsafeMutablePointer<Float>         // (B, L)
    private let uniforms: UnsafeMutablePointer<Double>
    private var results: [LossParts]
    /// The parameters' generation after this objective's last update (the packs hold it).
    private var packedGeneration: UInt64?
    private weak var packedStore: ParameterStore?
    let kernel: DecoderKernel

    /// One thread's layers and buffers.
    private final class Part {
        let encoderPack: UnsafeMutablePointer<dk_encoder_pack>
        let decoderPack: UnsafeMutablePointer<dk_decoder_pack>
        let scratch: UnsafeMutableRawPointer
        var buffers: [UnsafeMutablePointer<Float>] = []
        let h1, heads, meanLogvar, std, z, h3, logits, dh3Partial, dh3, dz, dHeads, dh1: UnsafeMutablePointer<Float>

        init?(config c: CVAEConfig, capacity b: Int, units: Int, pixels: Int) {
            let xin = c.pixels + c.classes, zin = c.latent + c.classes
            guard let ep = dk_encoder_pack_create(Int32(xin), Int32(units)) else { return nil }
            guard let dp = dk_decoder_pack_create(Int32(zin), Int32(c.hidden), Int32(pixels)) else {
                dk_encoder_pack_free(ep)
                return nil
            }
            encoderPack = ep
            decoderPack = dp
            let bytes = max(dk_encoder_scratch_bytes(ep, Int32(b)), dk_decode_scratch_bytes(dp))
            scratch = .allocate(byteCount: bytes, alignment: 64)
            var all: [UnsafeMutablePointer<Float>] = []
            func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
                p.initialize(repeating: 0, count: max(n, 1))
                all.append(p)
                return p
            }
            h1 = alloc(b * units)
            heads = alloc(b * 2 * c.latent)
            meanLogvar = alloc(b * 2 * c.latent)
            std = alloc(b * c.latent)
            z = alloc(b * zin)
            h3 = alloc(b * c.hidden)
            logits = alloc(b * pixels)
            dh3Partial = alloc(b * c.hidden)
            dh3 = alloc(b * c.hidden)
            dz = alloc(b * zin)
            dHeads = alloc(b * 2 * c.latent)
            dh1 = alloc(b * units)
            buffers = all
        }

        deinit {
            dk_encoder_pack_free(encoderPack)
            dk_decoder_pack_free(decoderPack)
            scratch.deallocate()
            for p in buffers { p.deallocate() }
        }
    }

    /// Nil when a pack or buffer cannot be allocated, or the sizes give a part nothing to do
    /// (the caller then splits the batch instead).
    init?(config: CVAEConfig, capacity: Int, layout: ParameterStore) {
        let c = config
        self.config = config
        self.capacity = max(1, capacity)
        // Half the units each (fc1's kernel pads each part's 200 to 240, its chunk of 80: that
        // costs less than the waiting of a 160/240 split in whole chunks, median epoch 0.942
        // and 0.933 s against 0.950 s in two sets of `bench/train-ab.sh`), and 51% of fc4's
        // pixels to part 0 (400 of 784; with 392, an even split, 0.952 against 0.933 s; with the
        // 160/240 split and timers in both builds, 384 gave 0.994 against 0.985 s).
        let firstUnits = max(1, c.hidden / 2)
        let firstPixels = min(max(1, (c.pixels * 51 / 100 + 8) / 16 * 16), c.pixels - 1)
        units = [0..<firstUnits, firstUnits..<c.hidden]
        pixels = [0..<firstPixels, firstPixels..<c.pixels]
        guard units.allSatisfy({ !$0.isEmpty }), pixels.allSatisfy({ !$0.isEmpty }) else { return nil }
        var built: [Part] = []
        for p in 0..<2 {
            guard let part = Part(config: c, capacity: self.capacity, units: units[p].count, pixels: pixels[p].count) else {
                return nil
            }
            built.append(part)
        }
        parts = built
        guard let b = dk_barrier_create(2) else { return nil }
        barrier = b
        gradient = ParameterStore(specs: layout.views.map { ($0.name, $0.shape) })
        let xin = c.pixels + c.classes
        x = .allocate(capacity: self.capacity * xin)
        x.initialize(repeating: 0, count: self.capacity * xin)
        eps = .allocate(capacity: self.capacity * c.latent)
        eps.initialize(repeating: 0, count: self.capacity * c.latent)
        uniforms = .allocate(capacity: self.capacity * c.latent + 2)
        uniforms.initialize(repeating: 0, count: self.capacity * c.latent + 2)
        results = [LossParts(), LossParts()]
        kernel = DecoderKernel.forced ?? .bestFused
    }

    deinit {
        dk_barrier_free(barrier)
        x.deallocate(); eps.deallocate(); uniforms.deallocate()
    }

    /// Loss of the first `n` rows and, when it is finite, Adam's step on its gradient (every
    /// parameter trained), on two threads. `example(r)` gives row r's image (uint8 pixels) and
    /// label. Returns the batch's BCE and KL; with a non-finite loss the parameters and Adam are
    /// left as they were. Must run inside `Parallel.withSpinningWorkers(2)`: the parts wait for
    /// each other. `clearingGradient: false` (the tests) leaves the whole gradient in `gradient` afterwards;
    /// the next step then needs fc1's rows zeroed first.
    func step(parameters p: ParameterStore, count n: Int, klWeight: Float, adam: Adam, lr: Double, weightDecay: Double,
              rng: inout Xoshiro256, clearingGradient: Bool = true,
              example: (Int) -> (pixels: UnsafePointer<UInt8>, label: Int)) -> LossParts {
        precondition(n > 0 && n <= capacity && p.count == gradient.count)
        precondition(Parallel.runsPartsAtOnce(2), "the parts wait for each other: run inside Parallel.withSpinningWorkers(2)")
        let c = config, latent = c.latent
        rng.drawGaussianUniforms(uniforms, count: n * latent)
        let constants = adam.constants(step: adam.step + 1, lr: lr, weightDecay: weightDecay)
        let repack = packedStore !== p || packedGeneration != p.generation
        let w = CVAEWeights(p, config: c), g = CVAEWeights(gradient, config: c)
        results.withUnsafeMutableBufferPointer { results in
            Parallel.forEachPart(2) { part in
                run(part: part, n: n, w: w, g: g, p: p, klWeight: klWeight, adam: adam, constants: constants,
                    repack: repack, clearing: clearingGradient, results: results, example: example)
            }
        }
        let total = LossParts(bce: results[0].bce + results[1].bce, kl: results[0].kl)
        if total.total.isFinite {
            adam.step += 1
            p.markChanged()
            packedStore = p
            packedGeneration = p.generation
        }
        return total
    }

    /// Part `pc` of a step: its share of the forward and backward passes, with the three
    /// barriers where the parts exchange rows and partial sums, then its update and packs.
    private func run(part pc: Int, n: Int, w: CVAEWeights, g: CVAEWeights, p: ParameterStore, klWeight: Float,
                     adam: Adam, constants: dk_adam_constants, repack: Bool, clearing: Bool,
                     results: UnsafeMutableBufferPointer<LossParts>,
                     example: (Int) -> (pixels: UnsafePointer<UInt8>, label: Int)) {
        let c = config, me = parts[pc], other = parts[1 - pc]
        let xin = c.pixels + c.classes, zin = c.latent + c.classes, hidden = c.hidden, latent = c.latent, l2 = 2 * latent
        let u = units[pc], px = pixels[pc], nu = u.count, np = px.count
        let ck = kernel.cKernel
        // fc3's half updated by the other part last step, so this part's copy of fc3 is refilled
        // here; its own fc1 units and fc4 pixels were refilled at the end of its last update.
        dk_decoder_pack_fill_fc3(me.decoderPack, w.fc3.weight, w.fc3.bias)
        if repack {
            dk_encoder_pack_fill(me.encoderPack, w.fc1.weight + u.lowerBound * xin, w.fc1.bias + u.lowerBound)
            dk_decoder_pack_fill_fc4(me.decoderPack, w.fc4.weight + px.lowerBound * hidden, w.fc4.bias + px.lowerBound)
        }

        // The batch's rows and noise, half each.
        let rows = ParallelLinear.range(part: pc, parts: 2, of: n)
        for r in rows.prefix(4) { dk_prefetch(example(r).pixels, c.pixels) }
        for r in rows {
            if r + 4 < rows.upperBound { dk_prefetch(example(r + 4).pixels, c.pixels) }
            let e = example(r), dst = x + r * xin
            dk_unit_pixels(ck, e.pixels, c.pixels, dst)
            (dst + c.pixels).update(repeating: 0, count: c.classes)
            dst[c.pixels + e.label] = 1
        }
        Xoshiro256.gaussians(fromUniforms: uniforms, values: (rows.lowerBound * latent)..<(rows.upperBound * latent), into: eps)
        dk_barrier_wait(barrier)

        // Encoder: this part's units of h1, and their share of the heads' sums.
        dk_encoder_fc1(ck, UnsafePointer(me.encoderPack), x, Int32(n), me.h1, 1, me.scratch)
        BLAS.gemm(transA: false, transB: true, m: n, n: latent, k: nu, a: me.h1, lda: nu,
                  b: w.fc21.weight + u.lowerBound, ldb: hidden, beta: 0, c: me.heads, ldc: l2)
        BLAS.gemm(transA: false, transB: true, m: n, n: latent, k: nu, a: me.h1, lda: nu,
                  b: w.fc22.weight + u.lowerBound, ldb: hidden, beta: 0, c: me.heads + latent, ldc: l2)
        dk_barrier_wait(barrier)

        // mean | logvar = part 0's sums + part 1's + bias; reparameterise; KL (part 0 keeps it).
        let h0 = pc == 0 ? me.heads : other.heads, h1s = pc == 0 ? other.heads : me.heads
        var kl: Double = 0
        for i in 0..<n {
            var rowKL: Float = 0
            let ml = me.meanLogvar + i * l2, zr = me.z + i * zin
            for j in 0..<latent {
                let k = i * l2 + j
                let mu = (h0[k] + h1s[k]) + w.fc21.bias[j]
                let lv = (h0[k + latent] + h1s[k + latent]) + w.fc22.bias[j]
                ml[j] = mu
                ml[j + latent] = lv
                let sd = (0.5 * lv).exp
                me.std[i * latent + j] = sd
                zr[j] = mu + sd * eps[i * latent + j]
                rowKL += 1 + lv - mu * mu - sd * sd
            }
            kl += Double(-0.5 * rowKL)
            (zr + latent).update(from: x + i * xin + c.pixels, count: c.classes)
        }

        // Decoder: h3 in full, logits of this part's pixels, their BCE and its gradient.
        dk_decode(ck, UnsafePointer(me.decoderPack), me.z, Int32(n), me.logits, me.h3, 0, me.scratch)
        let bce = dk_bce_rows(ck, me.logits, x + px.lowerBound, xin, Int32(n), Int32(np), me.logits)
        results[pc] = LossParts(bce: bce, kl: pc == 0 ? kl : 0)
        // fc4's weight gradient for these pixels (beta 0: no clearing needed) and bias.
        BLAS.gemm(transA: true, transB: false, m: np, n: hidden, k: n, a: me.logits, lda: np, b: me.h3, ldb: hidden,
                  beta: 0, c: g.fc4.weight + px.lowerBound * hidden, ldc: hidden)
        columnSums(me.logits, rows: n, columns: np, into: g.fc4.bias + px.lowerBound)
        // This part's share of dh3 = dlogits W4, from its own rows of fc4 where they are.
        dk_input_gradient(ck, w.fc4.weight + px.lowerBound * hidden, Int32(hidden), Int32(np), me.logits, Int32(n), nil,
                          me.dh3Partial)
        dk_barrier_wait(barrier)
        guard (results[0].bce + results[1].bce + results[0].kl).isFinite else { return }

        // dh3 = part 0's share + part 1's, through the ReLU.
        let d0 = pc == 0 ? me.dh3Partial : other.dh3Partial, d1 = pc == 0 ? other.dh3Partial : me.dh3Partial
        LayerParallelObjective.addMasked(d0, d1, mask: me.h3, count: n * hidden, into: me.dh3)
        // fc3's gradient for this part's units; dz through all of fc3 (this part's own copy).
        BLAS.gemm(transA: true, transB: false, m: nu, n: zin, k: n, a: me.dh3 + u.lowerBound, lda: hidden,
                  b: me.z, ldb: zin, beta: 0, c: g.fc3.weight + u.lowerBound * zin, ldc: zin)
        columnSums(me.dh3 + u.lowerBound, rows: n, columns: nu, stride: hidden, into: g.fc3.bias + u.lowerBound)
        BLAS.gemm(transA: false, transB: true, m: n, n: zin, k: hidden, a: me.dh3, lda: hidden,
                  b: me.decoderPack.pointee.w3t, ldb: Int(me.decoderPack.pointee.hidden16), beta: 0, c: me.dz, ldc: zin)
        // Through z = mu + exp(logvar / 2) eps and the KL term (see CVAEObjective).
        for i in 0..<n {
            for j in 0..<latent {
                let k = i * latent + j, dzj = me.dz[i * zin + j], sd = me.std[k]
                me.dHeads[i * l2 + j] = dzj + klWeight * me.meanLogvar[i * l2 + j]
                me.dHeads[i * l2 + latent + j] = 0.5 * dzj * eps[k] * sd + klWeight * 0.5 * (sd * sd - 1)
            }
        }
        // The heads' gradient for this part's units (columns); their biases on part 0.
        BLAS.gemm(transA: true, transB: false, m: latent, n: nu, k: n, a: me.dHeads, lda: l2, b: me.h1, ldb: nu,
                  beta: 0, c: g.fc21.weight + u.lowerBound, ldc: hidden)
        BLAS.gemm(transA: true, transB: false, m: latent, n: nu, k: n, a: me.dHeads + latent, lda: l2, b: me.h1, ldb: nu,
                  beta: 0, c: g.fc22.weight + u.lowerBound, ldc: hidden)
        if pc == 0 {
            columnSums(me.dHeads, rows: n, columns: latent, stride: l2, into: g.fc21.bias)
            columnSums(me.dHeads + latent, rows: n, columns: latent, stride: l2, into: g.fc22.bias)
        }
        // dh1 for this part's units, through the ReLU; fc1's gradient (the kernel adds to
        // zeros: the update clears these rows as it reads them).
        BLAS.gemm(transA: false, transB: false, m: n, n: nu, k: latent, a: me.dHeads, lda: l2,
                  b: w.fc21.weight + u.lowerBound, ldb: hidden, beta: 0, c: me.dh1, ldc: nu)
        BLAS.gemm(transA: false, transB: false, m: n, n: nu, k: latent, a: me.dHeads + latent, lda: l2,
                  b: w.fc22.weight + u.lowerBound, ldb: hidden, beta: 1, c: me.dh1, ldc: nu)
        VectorMath.reluBackward(me.dh1, output: me.h1, count: n * nu)
        columnSums(me.dh1, rows: n, columns: nu, into: g.fc1.bias + u.lowerBound)
        dk_encoder_fc1_gradient(ck, UnsafePointer(me.encoderPack), x, Int32(n), me.dh1,
                                g.fc1.weight + u.lowerBound * xin, me.scratch)

        // Adam on this part's parameters, then its packs from them.
        func update(_ start: UnsafeMutablePointer<Float>, _ count: Int, clearing: Bool = false) {
            let o = p.data.distance(to: start)
            adam.update(constants: constants, parameters: p, gradient: gradient, elements: o..<(o + count), clearing: clearing)
        }
        update(w.fc1.weight + u.lowerBound * xin, nu * xin, clearing: clearing)
        update(w.fc1.bias + u.lowerBound, nu)
        for j in 0..<latent {
            update(w.fc21.weight + j * hidden + u.lowerBound, nu)
            update(w.fc22.weight + j * hidden + u.lowerBound, nu)
        }
        if pc == 0 {
            update(w.fc21.bias, latent)
            update(w.fc22.bias, latent)
        }
        update(w.fc3.weight + u.lowerBound * zin, nu * zin)
        update(w.fc3.bias + u.lowerBound, nu)
        update(w.fc4.weight + px.lowerBound * hidden, np * hidden)
        update(w.fc4.bias + px.lowerBound, np)
        dk_encoder_pack_fill(me.encoderPack, w.fc1.weight + u.lowerBound * xin, w.fc1.bias + u.lowerBound)
        dk_decoder_pack_fill_fc4(me.decoderPack, w.fc4.weight + px.lowerBound * hidden, w.fc4.bias + px.lowerBound)
    }

    /// out[j] = sum over the rows of m[r * stride + j], rows in ascending order.
    private func columnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int? = nil,
                            into out: UnsafeMutablePointer<Float>) {
        let s = stride ?? columns
        out.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = m + r * s
            var j = 0
            while j + 8 <= columns {
                VectorMath.store(VectorMath.load(out + j) + VectorMath.load(row + j), out + j)
                j += 8
            }
            while j < columns { out[j] += row[j]; j += 1 }
        }
    }

    /// out = a + b where mask > 0, else 0.
    private static func addMasked(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                  count: Int, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let s = VectorMath.load(a + i) + VectorMath.load(b + i)
            VectorMath.store(s.replacing(with: 0, where: VectorMath.load(mask + i) .<= 0), out + i)
            i += 8
        }
        while i < count { out[i] = mask[i] > 0 ? a[i] + b[i] : 0; i += 1 }
    }
}
