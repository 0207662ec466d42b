/// What can go wrong with the evaluation classifier, its file, its training or its use.
public enum ClassifierError: DigitCoreError, Equatable {
    case notAClassifier(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case wrongShape(path: String, name: String, shape: [Int], expected: [Int])
    case nonFinite(path: String, name: String)
    case invalidRecipe(String)
    case invalidInput(String)
    case nonFiniteLoss(epoch: Int, batch: Int)

    public var description: String {
        switch self {
        case .notAClassifier(let path, let reason):
            return "\(path) is not a digitgen classifier file: \(reason)"
        case .missingTensor(let path, let name):
            return "classifier file \(path) has no tensor \(name)"
        case .wrongShape(let path, let name, let shape, let expected):
            return "tensor \(name) has shape \(shape), expected \(expected) (in \(path))"
        case .nonFinite(let path, let name):
            return "tensor \(name) in \(path) contains NaN or infinity"
        case .invalidRecipe(let s):
            return "invalid classifier training recipe: \(s)"
        case .invalidInput(let s):
            return "invalid classifier input: \(s)"
        case .nonFiniteLoss(let e, let b):
            return "classifier loss became NaN or infinite in epoch \(e), batch \(b); training stopped"
        }
    }

    public var hint: String? {
        switch self {
        case .notAClassifier, .missingTensor, .wrongShape, .nonFinite:
            return "pass a file written by `digitgen classifier train`"
        case .nonFiniteLoss:
            return "try a smaller --lr"
        default:
            return nil
        }
    }
}
