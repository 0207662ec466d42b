/// Errors of training, checkpointing and evaluation.
public enum TrainingError: DigitCoreError, Equatable {
    case invalidRecipe(String)
    case nonFiniteLoss(epoch: Int, batch: Int, checkpoint: String?)
    case malformedCheckpoint(String)
    case checkpointMismatch(String)
    case invalidData(String)
    case invalidEvaluation(String)

    public var description: String {
        switch self {
        case .invalidRecipe(let s): return "invalid training recipe: \(s)"
        case .nonFiniteLoss(let e, let b, _):
            return "loss became NaN or infinite in epoch \(e), batch \(b); training stopped"
        case .malformedCheckpoint(let s): return "malformed checkpoint: \(s)"
        case .checkpointMismatch(let s): return "checkpoint does not match this run: \(s)"
        case .invalidData(let s): return "invalid training data: \(s)"
        case .invalidEvaluation(let s): return "invalid evaluation request: \(s)"
        }
    }

    public var hint: String? {
        switch self {
        case .nonFiniteLoss(_, _, let checkpoint?):
            return "the last good checkpoint is \(checkpoint); try a smaller --lr"
        case .nonFiniteLoss:
            return "try a smaller --lr"
        case .malformedCheckpoint:
            return "pass a file written by `digitgen train --checkpoint`"
        case .checkpointMismatch:
            return "resume with the data and options the checkpoint was made with"
        default:
            return nil
        }
    }
}
