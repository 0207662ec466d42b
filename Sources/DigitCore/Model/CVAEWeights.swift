/// One nn.Linear inside a `ParameterStore`: weight (out, in) row-major, as PyTorch stores it,
/// and bias (out).
public struct LinearWeights: @unchecked Sendable {
    public let weight: UnsafeMutablePointer<Float>
    public let bias: UnsafeMutablePointer<Float>
    public let outFeatures: Int
    public let inFeatures: Int
}

/// The CVAE's five layers as typed views into a `ParameterStore`, resolved once (by position in
/// `CVAEConfig.tensorSpecs`, checked against the names and shapes), so that inference, training
/// and evaluation never look a tensor up by name in their loops. The same type views a
/// gradient store (it has the parameters' layout).
///
/// The views point into the store: keep the store alive while they are used.
public struct CVAEWeights: @unchecked Sendable {
    public let fc1: LinearWeights   // (H, P + C)  encoder hidden layer
    public let fc21: LinearWeights  // (L, H)      posterior mean
    public let fc22: LinearWeights  // (L, H)      posterior log-variance
    public let fc3: LinearWeights   // (H, L + C)  decoder hidden layer
    public let fc4: LinearWeights   // (P, H)      decoder output (logits)

    /// Views of `store`, which must have `config`'s layout (`CVAE.init` checks it).
    public init(_ store: ParameterStore, config: CVAEConfig) {
        let specs = config.tensorSpecs
        precondition(store.views.count == specs.count, "parameter store does not have the CVAE layout")
        func layer(_ index: Int) -> LinearWeights {
            let w = store.views[2 * index], b = store.views[2 * index + 1]
            precondition(w.name == specs[2 * index].name && w.shape == specs[2 * index].shape
                         && b.name == specs[2 * index + 1].name && b.shape == specs[2 * index + 1].shape,
                         "parameter store does not have the CVAE layout")
            return LinearWeights(weight: store.data + w.offset, bias: store.data + b.offset,
                                 outFeatures: w.shape[0], inFeatures: w.shape[1])
        }
        fc1 = layer(0); fc21 = layer(1); fc22 = layer(2); fc3 = layer(3); fc4 = layer(4)
    }
}
