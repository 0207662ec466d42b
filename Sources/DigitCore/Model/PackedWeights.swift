import CDigitKernels

/// A layer's weights copied into the layout a C kernel reads (`dk_encoder_pack` for fc1,
/// `dk_decoder_pack` for fc3 and fc4), refilled when the parameter store's `generation` moves,
/// so training steps need no call to invalidate it.
///
/// One pack can serve several passes (`DataParallelObjective` shares one between its threads'
/// objectives and refreshes it before they run); `refresh` is then called before the threads
/// start, and the passes' own calls find it current and only read it.
final class PackedWeights<Pack> {
    let pack: UnsafeMutablePointer<Pack>
    private let fill: (UnsafeMutablePointer<Pack>, CVAEWeights) -> Void
    private let free: (UnsafeMutablePointer<Pack>) -> Void
    private var generation: UInt64 = 0
    private weak var store: ParameterStore?

    private init(pack: UnsafeMutablePointer<Pack>, fill: @escaping (UnsafeMutablePointer<Pack>, CVAEWeights) -> Void,
                 free: @escaping (UnsafeMutablePointer<Pack>) -> Void) {
        self.pack = pack
        self.fill = fill
        self.free = free
    }

    deinit { free(pack) }

    /// Whether the pack holds `store`'s current values.
    func isCurrent(for store: ParameterStore) -> Bool { self.store === store && generation == store.generation }

    /// The pack, filled from `store` (viewed by `w`) unless it already holds its current values.
    @discardableResult
    func refresh(_ w: CVAEWeights, store: ParameterStore) -> UnsafeMutablePointer<Pack> {
        if self.store !== store || generation != store.generation {
            fill(w, store: store, generation: store.generation)
        }
        return pack
    }

    /// Fills the pack from `store` now and records it as current for `generation` (the
    /// generation the store will have once the change being made is marked).
    func fill(_ w: CVAEWeights, store: ParameterStore, generation: UInt64) {
        fill(pack, w)
        self.store = store
        self.generation = generation
    }
}

extension PackedWeights where Pack == dk_encoder_pack {
    /// fc1 transposed and padded for `dk_encoder_fc1`; nil when out of memory.
    static func encoder(_ config: CVAEConfig) -> PackedWeights? {
        guard let p = dk_encoder_pack_create(Int32(config.pixels + config.classes), Int32(config.hidden)) else { return nil }
        return PackedWeights(pack: p, fill: { dk_encoder_pack_fill($0, $1.fc1.weight, $1.fc1.bias) },
                             free: { dk_encoder_pack_free($0) })
    }
}

extension PackedWeights where Pack == dk_decoder_pack {
    /// fc3 and fc4 packed for `dk_decode`; nil when out of memory.
    static func decoder(_ config: CVAEConfig) -> PackedWeights? {
        guard let p = dk_decoder_pack_create(Int32(config.latent + config.classes), Int32(config.hidden),
                                             Int32(config.pixels)) else { return nil }
        return PackedWeights(pack: p, fill: { dk_decoder_pack_fill($0, $1.fc3.weight, $1.fc3.bias, $1.fc4.weight, $1.fc4.bias) },
                             free: { dk_decoder_pack_free($0) })
    }
}
