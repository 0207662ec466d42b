import CDigitKernels

/// The training objective on a batch cut into one block of rows per thread: each thread fills,
/// runs forward and backward on its own rows with its own single-threaded `CVAEObjective` and
/// its own gradient store, and the update adds the blocks' gradients (`Adam.update(gradientParts:)`).
///
/// One hand-off per step instead of one per matrix product: splitting each product across the
/// threads (`ParallelLinear`) woke the second thread about fifteen times per batch, and the
/// steps between the products (reparameterisation, KL, bias sums, packing the weights) ran on
/// one thread. The noise is drawn for the whole batch in the order one objective draws it (the
/// generator's uniforms on the calling thread, their Box-Muller transform by each part for its
/// rows), so it does not depend on the thread count; the gradient's summation order does (as
/// with `ParallelLinear`), so runs are reproducible for a given count.
final class DataParallelObjective {
    let parts: Int
    let objectives: [CVAEObjective]
    let gradients: [ParameterStore]
    let config: CVAEConfig
    private let noise: UnsafeMutablePointer<Float>
    /// The noise's uniform pairs, drawn on the calling thread in the generator's order and
    /// turned into Gaussians by each part for its own rows.
    private let uniforms: UnsafeMutablePointer<Double>
    private let capacity: Int
    private var results: [LossParts]
    /// Whether every gradient store holds zeros (at start, and after an update that cleared
    /// them: `gradientsWereCleared`); otherwise each part zeroes its store before its block.
    private var gradientsAreZero = true
    /// fc1 and fc3/fc4 packed for the kernels, one copy for all parts, refreshed before the
    /// parts run (two threads fill one each).
    private let encoderPack: PackedWeights<dk_encoder_pack>?
    private let decoderPack: PackedWeights<dk_decoder_pack>?

    init(config: CVAEConfig, capacity: Int, threads: Int, layout: ParameterStore) {
        self.config = config
        self.capacity = max(1, capacity)
        // Blocks of 16 rows (ParallelLinear.range): no more parts than blocks.
        let rows = max(1, capacity), parts = max(1, min(threads, (rows + 15) / 16))
        self.parts = parts
        let largest = (0..<parts).map { ParallelLinear.range(part: $0, parts: parts, of: rows).count }.max() ?? 1
        let encoderPack = PackedWeights.encoder(config), decoderPack = PackedWeights.decoder(config)
        self.encoderPack = encoderPack
        self.decoderPack = decoderPack
        objectives = (0..<parts).map { _ in
            CVAEObjective(config: config, capacity: max(1, largest), threads: 1,
                          encoderPack: encoderPack, decoderPack: decoderPack)
        }
        gradients = (0..<parts).map { _ in ParameterStore(specs: layout.views.map { ($0.name, $0.shape) }) }
        noise = .allocate(capacity: self.capacity * config.latent)
        noise.initialize(repeating: 0, count: self.capacity * config.latent)
        uniforms = .allocate(capacity: self.capacity * config.latent + 2)
        uniforms.initialize(repeating: 0, count: self.capacity * config.latent + 2)
        results = Array(repeating: LossParts(), count: parts)
    }

    deinit { noise.deallocate(); uniforms.deallocate() }

    /// The rows of a batch of `n` that part `part` takes.
    func rows(part: Int, of n: Int) -> Range<Int> { ParallelLinear.range(part: part, parts: parts, of: n) }

    /// Loss and gradient of the first `n` rows: `fill(part, objective, rows)` sets the rows
    /// `rows` of the batch into `objective` (row r at r - rows.lowerBound), on the part's thread.
    /// Afterwards `gradients` hold the blocks' gradients (zero for an empty block); their sum is
    /// the batch's. Returns the batch's summed BCE and KL (added in part order).
    func lossAndGradient(parameters p: ParameterStore, count n: Int, klWeight: Float, decoderGradients: Bool,
                         rng: inout Xoshiro256,
                         fill: (_ part: Int, _ objective: CVAEObjective, _ rows: Range<Int>) -> Void) -> LossParts {
        precondition(n <= capacity)
        rng.drawGaussianUniforms(uniforms, count: n * config.latent)
        refreshPacks(p)
        let latent = config.latent, noise = self.noise, uniforms = self.uniforms
        // Each part writes only its own objective, gradient store and result slot.
        let zero = !gradientsAreZero
        gradientsAreZero = false
        results.withUnsafeMutableBufferPointer { results in
            Parallel.forEachPart(parts) { part in
                let r = rows(part: part, of: n), o = objectives[part], g = gradients[part]
                if zero { g.zero() }
                guard !r.isEmpty else { results[part] = LossParts(); return }
                Xoshiro256.gaussians(fromUniforms: uniforms, values: (r.lowerBound * latent)..<(r.upperBound * latent),
                                     into: noise)
                fill(part, o, r)
                var unused = Xoshiro256(seed: 0)
                results[part] = o.lossAndGradient(parameters: p, gradients: g, count: r.count, klWeight: klWeight,
                                                  noise: noise + r.lowerBound * latent,
                                                  decoderGradients: decoderGradients, rng: &unused)
            }
        }
        var total = LossParts()
        for r in results { total += r }
        return total
    }

    /// Declares that the gradient stores hold zeros again (`Adam.update(clearingGradients:)`
    /// over all of them).
    func gradientsWereCleared() { gradientsAreZero = true }

    /// Fills the shared packs from `p` if it changed since the last fill: the encoder's on one
    /// thread, the decoder's on another.
    private func refreshPacks(_ p: ParameterStore) {
        // Usually the update's parts refilled both (`packsAfterUpdate`): then no hand-off.
        if encoderPack?.isCurrent(for: p) ?? true, decoderPack?.isCurrent(for: p) ?? true { return }
        let w = objectives[0].weights(p)
        let encoderPack = self.encoderPack, decoderPack = self.decoderPack
        Parallel.forEachPart(min(parts, 2)) { part in
            if part == 0 { encoderPack?.refresh(w, store: p) }
            if part == 1 || parts == 1 { decoderPack?.refresh(w, store: p) }
        }
    }

    /// For `Adam.update(afterPart:)`: after a part of the update has changed the elements `range`
    /// of `p`, fills the packs whose tensors lie wholly in it (on that thread, from its cache),
    /// as current for the generation `p` will have once the update is marked. A pack not filled
    /// here is filled before the next step's parts run.
    func packsAfterUpdate(of p: ParameterStore, range: Range<Int>) {
        let next = p.generation &+ 1
        let w = objectives[0].weights(p)
        if DataParallelObjective.holds(range, w.fc1, in: p) { encoderPack?.fill(w, store: p, generation: next) }
        if DataParallelObjective.holds(range, w.fc3, in: p) && DataParallelObjective.holds(range, w.fc4, in: p) {
            decoderPack?.fill(w, store: p, generation: next)
        }
    }

    /// Whether the elements `range` of `store`'s flat buffer include all of `layer`'s.
    static func holds(_ range: Range<Int>, _ layer: LinearWeights, in store: ParameterStore) -> Bool {
        let weight = store.data.distance(to: layer.weight), bias = store.data.distance(to: layer.bias)
        let lastWeight = weight + layer.outFeatures * layer.inFeatures - 1, lastBias = bias + layer.outFeatures - 1
        return range.contains(weight) && range.contains(lastWeight) && range.contains(bias) && range.contains(lastBias)
    }
}
