/// Sizes of the evaluation classifier: zero or more convolution stages, then a ReLU
/// multilayer perceptron.
///
///     stage l  conv 3x3 (same padding, channels[l]), ReLU, max-pool 2x2     (CNN only)
///     fc1      Linear(flattened -> hidden[0]), ReLU
///     ...
///     fcN      Linear(hidden[N-2] -> classes)        logits
///
/// With `channels` empty this is the MLP of the first evaluation classifier (tensors
/// `mlp.fc1.weight`, `mlp.fc1.bias`, ... in nn.Linear's [out, in] layout, architecture
/// "mlp-relu 784-512-256-10"). With channels it is a CNN: `cnn.conv1.weight` [C1, 3, 3, C0]
/// (output channel, kernel row, kernel column, input channel: the order of the im2col
/// columns), `cnn.conv1.bias` [C1], ..., then `cnn.fc1.weight` [H1, S*S*CL], ... where the
/// flattened input of fc1 is the last pooled map in (row, column, channel) order; architecture
/// "cnn-relu 28x28-c32-c64-128-10". The names never collide with the CVAE's. Sizes are read
/// back from the shapes.
public struct ClassifierConfig: Sendable, Equatable {
    public var inputs: Int
    public var hidden: [Int]
    public var classes: Int
    /// Output channels of the convolution stages; empty for an MLP.
    public var channels: [Int]

    /// The architecture tag of an MLP (`__metadata__["architecture"]` starts with it).
    public static let architectureTag = "mlp-relu"
    /// The architecture tag of a CNN.
    public static let cnnArchitectureTag = "cnn-relu"
    /// Side of every convolution kernel.
    public static let kernel = 3

    /// Largest layer width and layer count a file may ask for: the network allocates
    /// 500-row workspaces per layer at load, so a crafted [1, 2^28] weight would otherwise
    /// ask for half a terabyte.
    public static let maxWidth = 1 << 16, maxLayers = 64

    /// The first evaluation classifier (issue 4), kept loadable.
    public static let mnist = ClassifierConfig(inputs: 784, hidden: [512, 256], classes: 10)
    /// The shipped evaluation classifier (issue 12).
    public static let mnistCNN = ClassifierConfig(inputs: 784, hidden: [128], classes: 10, channels: [32, 64])

    public init(inputs: Int = 784, hidden: [Int] = [512, 256], classes: Int = 10, channels: [Int] = []) {
        self.inputs = inputs
        self.hidden = hidden
        self.classes = classes
        self.channels = channels
    }

    public var isConvolutional: Bool { !channels.isEmpty }

    /// Side of the square input image (inputs = side * side).
    public var side: Int { Int(Double(inputs).squareRoot().rounded()) }

    /// One convolution stage: a side x side x inChannels map in, (side/2) x (side/2) x
    /// outChannels out (the pool drops an odd last row and column, as nn.MaxPool2d does).
    public struct Stage: Sendable, Equatable {
        public let side: Int
        public let inChannels: Int
        public let outChannels: Int
        public var pooledSide: Int { side / 2 }
        /// Columns of the im2col matrix: kernel * kernel * inChannels.
        public var patch: Int { ClassifierConfig.kernel * ClassifierConfig.kernel * inChannels }
    }

    public var stages: [Stage] {
        var s = side, c = 1
        return channels.map { out in
            defer { s /= 2; c = out }
            return Stage(side: s, inChannels: c, outChannels: out)
        }
    }

    /// Inputs of the first fully connected layer.
    public var flattened: Int {
        guard let last = stages.last else { return inputs }
        return last.pooledSide * last.pooledSide * last.outChannels
    }

    /// Widths of every fully connected layer's input and output: [flattened, hidden..., classes].
    public var widths: [Int] { [flattened] + hidden + [classes] }

    public var layerCount: Int { hidden.count + 1 }

    /// Names of the MLP's tensors (the first classifier's file format).
    public static func weightName(_ layer: Int) -> String { "mlp.fc\(layer + 1).weight" }
    public static func biasName(_ layer: Int) -> String { "mlp.fc\(layer + 1).bias" }
    public static func convWeightName(_ stage: Int) -> String { "cnn.conv\(stage + 1).weight" }
    public static func convBiasName(_ stage: Int) -> String { "cnn.conv\(stage + 1).bias" }
    public static func cnnWeightName(_ layer: Int) -> String { "cnn.fc\(layer + 1).weight" }
    public static func cnnBiasName(_ layer: Int) -> String { "cnn.fc\(layer + 1).bias" }

    /// Name of fully connected layer `layer`'s weight in this architecture.
    public func fcWeightName(_ layer: Int) -> String {
        isConvolutional ? ClassifierConfig.cnnWeightName(layer) : ClassifierConfig.weightName(layer)
    }
    public func fcBiasName(_ layer: Int) -> String {
        isConvolutional ? ClassifierConfig.cnnBiasName(layer) : ClassifierConfig.biasName(layer)
    }

    public var tensorSpecs: [(name: String, shape: [Int])] {
        let k = ClassifierConfig.kernel
        let conv: [(name: String, shape: [Int])] = stages.enumerated().flatMap { l, s in
            [(ClassifierConfig.convWeightName(l), [s.outChannels, k, k, s.inChannels]),
             (ClassifierConfig.convBiasName(l), [s.outChannels])]
        }
        let w = widths
        return conv + (0..<layerCount).flatMap { l in
            [(fcWeightName(l), [w[l + 1], w[l]]), (fcBiasName(l), [w[l + 1]])]
        }
    }

    /// "mlp-relu 784-512-256-10" or "cnn-relu 28x28-c32-c64-128-10", the metadata's
    /// architecture entry.
    public var architecture: String {
        if isConvolutional {
            return ClassifierConfig.cnnArchitectureTag + " \(side)x\(side)-"
                + (channels.map { "c\($0)" } + (hidden + [classes]).map(String.init)).joined(separator: "-")
        }
        return ClassifierConfig.architectureTag + " " + widths.map(String.init).joined(separator: "-")
    }

    /// A readable description for help and logs.
    public var summary: String {
        guard isConvolutional else { return architecture }
        let convs = channels.map { "conv 3x3x\($0), ReLU, max-pool 2x2" }.joined(separator: " -> ")
        return "CNN \(side)x\(side): \(convs) -> " + (hidden.map { "fc \($0), ReLU" } + ["fc \(classes)"]).joined(separator: " -> ")
    }

    public var parameterCount: Int { tensorSpecs.reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Whether a safetensors file with these tensor names and metadata holds a classifier.
    public static func looksLikeClassifier(tensorNames: Set<String>, architecture: String?) -> Bool {
        if tensorNames.contains(weightName(0)) || tensorNames.contains(cnnWeightName(0)) { return true }
        guard let architecture else { return false }
        return architecture.hasPrefix(architectureTag) || architecture.hasPrefix(cnnArchitectureTag)
    }
}
