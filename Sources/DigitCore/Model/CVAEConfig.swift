/// Sizes of a conditional VAE in the seed's architecture:
///
///     encoder: fc1  Linear(pixels + classes -> hidden), ReLU
///              fc21 Linear(hidden -> latent)   mean
///              fc22 Linear(hidden -> latent)   log-variance
///     decoder: fc3  Linear(latent + classes -> hidden), ReLU
///              fc4  Linear(hidden -> pixels), sigmoid
///
/// Sizes are read from the weights' tensor shapes, never assumed.
public struct CVAEConfig: Sendable, Equatable, Codable {
    public var pixels: Int
    public var classes: Int
    public var hidden: Int
    public var latent: Int

    public static let mnist = CVAEConfig(pixels: 784, classes: 10, hidden: 400, latent: 20)

    public init(pixels: Int = 784, classes: Int = 10, hidden: Int = 400, latent: Int = 20) {
        self.pixels = pixels
        self.classes = classes
        self.hidden = hidden
        self.latent = latent
    }

    /// Side of the square image (28 for MNIST).
    public var side: Int { Int(Double(pixels).squareRoot().rounded()) }

    /// Parameter tensors in PyTorch's state_dict order, with nn.Linear's [out, in] shapes.
    public var tensorSpecs: [(name: String, shape: [Int])] {
        [
            ("fc1.weight", [hidden, pixels + classes]), ("fc1.bias", [hidden]),
            ("fc21.weight", [latent, hidden]), ("fc21.bias", [latent]),
            ("fc22.weight", [latent, hidden]), ("fc22.bias", [latent]),
            ("fc3.weight", [hidden, latent + classes]), ("fc3.bias", [hidden]),
            ("fc4.weight", [pixels, hidden]), ("fc4.bias", [pixels]),
        ]
    }

    public var parameterCount: Int { tensorSpecs.reduce(0) { $0 + $1.shape.reduce(1, *) } }
}
