/// What can be wrong with a weights file beyond its safetensors container. Every case names the file.
public enum WeightsFileError: DigitCoreError, Equatable {
    case missingTensor(path: String, name: String)
    /// A tensor the model's sizes are read from is not the expected [out, in] matrix.
    case notAMatrix(path: String, name: String, shape: [Int])
    /// Sizes derived from the shapes make no sense (e.g. no room for the class one-hot).
    case invalidLayout(path: String, reason: String)
    case wrongShape(path: String, name: String, shape: [Int], expected: [Int])
    case nonFinite(path: String, name: String)
    /// prior.weights holds a negative mixture weight (weights are probabilities).
    case negativePriorWeight(path: String, digit: Int, component: Int, value: Float)
    /// The tensors were read but the model rejected them.
    case invalidModel(path: String, error: ModelError)
    /// `save` refuses a model whose parameters hold NaN or infinity.
    case nonFiniteParameter(path: String, name: String)
    /// The file is the evaluation classifier (`ClassifierFile`), not a CVAE.
    case classifierFile(path: String)

    public var description: String {
        switch self {
        case .missingTensor(let path, let name):
            return "weights file \(path) has no tensor \(name)"
        case .notAMatrix(let path, let name, let shape):
            return "tensor \(name) in \(path) has shape \(shape), expected a 2-dimensional [out, in] matrix"
        case .invalidLayout(let path, let reason):
            return "weights file \(path) does not describe a CVAE: \(reason)"
        case .wrongShape(let path, let name, let shape, let expected):
            return "tensor \(name) has shape \(shape), expected \(expected) (in \(path))"
        case .nonFinite(let path, let name):
            return "tensor \(name) in \(path) contains NaN or infinity"
        case .negativePriorWeight(let path, let digit, let component, let value):
            return "tensor prior.weights in \(path) has a negative mixture weight \(value) (digit \(digit), component \(component)); mixture weights must be >= 0"
        case .invalidModel(let path, let error):
            return "weights file \(path): \(error.description)"
        case .nonFiniteParameter(let path, let name):
            return "refusing to write \(path): parameter \(name) contains NaN or infinity"
        case .classifierFile(let path):
            return "\(path) is the evaluation classifier, not CVAE weights"
        }
    }

    public var hint: String? {
        switch self {
        case .nonFiniteParameter: return "training diverged; lower the learning rate"
        case .classifierFile:
            return "it is read by `digitgen eval --classifier`; --weights takes weights saved by `digitgen train` or exported from the PyTorch model"
        default: return "pass weights saved by `digitgen train` or exported from the PyTorch model"
        }
    }
}
