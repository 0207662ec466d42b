import DigitStudio
/// One latent dimension set to the same value for every sample.
struct LatentOverride: Sendable, Equatable {
    let dimension: Int
    let value: Float
}

/// Everything that determines the images on screen. Equal requests give equal images.
struct RenderRequest: Sendable, Equatable {
    /// Increases with every request; results and trace events are matched by it.
    var generation: Int
    var digit: Int
    var seed: UInt64
    var temperature: Float
    var count: Int
    var overrides: [LatentOverride]
}

/// The images for one request: `count` images of `side` x `side` probabilities in [0, 1].
struct RenderResult: Sendable {
    let request: RenderRequest
    let side: Int
    let pixels: [Float]
    /// Set instead of pixels when the model rejected the request.
    let error: String?
}
