/// Sizes of the evaluation classifier, a ReLU multilayer perceptron:
///
///     fc1  Linear(inputs -> hidden[0]), ReLU
///     ...
///     fcN  Linear(hidden[N-2] -> classes)        logits
///
/// Tensors are named `mlp.fc1.weight`, `mlp.fc1.bias`, ... in nn.Linear's [out, in] layout, so
/// they never collide with the CVAE's names. Sizes are read back from the shapes.
public struct ClassifierConfig: Sendable, Equatable {
    public var inputs: Int
    public var hidden: [Int]
    public var classes: Int

    /// The tag written to `__metadata__["architecture"]`; `ClassifierFile.load` requires it.
    public static let architectureTag = "mlp-relu"

    /// Largest layer width and layer count a file may ask for: the network allocates
    /// 500-row workspaces per layer at load, so a crafted [1, 2^28] weight would otherwise
    /// ask for half a terabyte.
    public static let maxWidth = 1 << 16, maxLayers = 64

    public static let mnist = ClassifierConfig(inputs: 784, hidden: [512, 256], classes: 10)

    public init(inputs: Int = 784, hidden: [Int] = [512, 256], classes: Int = 10) {
        self.inputs = inputs
        self.hidden = hidden
        self.classes = classes
    }

    /// Widths of every layer's input and output: [inputs, hidden..., classes].
    public var widths: [Int] { [inputs] + hidden + [classes] }

    public var layerCount: Int { hidden.count + 1 }

    public static func weightName(_ layer: Int) -> String { "mlp.fc\(layer + 1).weight" }
    public static func biasName(_ layer: Int) -> String { "mlp.fc\(layer + 1).bias" }

    public var tensorSpecs: [(name: String, shape: [Int])] {
        let w = widths
        return (0..<layerCount).flatMap { l in
            [(ClassifierConfig.weightName(l), [w[l + 1], w[l]]), (ClassifierConfig.biasName(l), [w[l + 1]])]
        }
    }

    /// "mlp-relu 784-512-256-10", the metadata's architecture entry.
    public var architecture: String {
        ClassifierConfig.architectureTag + " " + widths.map(String.init).joined(separator: "-")
    }

    public var parameterCount: Int { tensorSpecs.reduce(0) { $0 + $1.shape.reduce(1, *) } }
}
