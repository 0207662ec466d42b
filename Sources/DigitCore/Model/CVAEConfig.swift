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

    /// The decoder's tensors (fc3, fc4): all that sampling and the app's images depend on.
    public static let decoderTensorNames: Set<String> = ["fc3.weight", "fc3.bias", "fc4.weight", "fc4.bias"]

    public var parameterCount: Int { tensorSpecs.reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Largest sizes a model may have. Inference allocates workspaces of up to 256 rows of
    /// pixels + classes, latent + classes and hidden values, so the sizes themselves (not only
    /// the tensors' bytes) must be bounded: a file with a tensor of shape [1, 2^26] would
    /// otherwise ask for 64 GB at the first decode. Hidden and latent match the training limits.
    public static let maxPixels = 1 << 16, maxClasses = 1 << 12
    public static let maxHidden = TrainingRecipe.maxHidden, maxLatent = TrainingRecipe.maxLatent

    /// Why these sizes cannot be a model, or nil when they can: every size positive and within
    /// its limit. Checked before anything is allocated for them.
    public var layoutProblem: String? {
        for (name, value, limit) in [("pixels", pixels, CVAEConfig.maxPixels), ("classes", classes, CVAEConfig.maxClasses),
                                     ("hidden", hidden, CVAEConfig.maxHidden), ("latent", latent, CVAEConfig.maxLatent)] {
            guard value > 0 else { return "\(name) size \(value) must be positive" }
            guard value <= limit else { return "\(name) size \(value) is above the limit of \(limit)" }
        }
        return nil
    }
}
