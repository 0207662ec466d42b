import DigitCore
import Foundation

/// Why the model could not be loaded, worded for the window and for stderr.
struct LoadFailure: Error, Sendable {
    /// The file that was tried, if one was found.
    let path: String?
    /// What is wrong and how to fix it (`DigitCoreError.userMessage`).
    let message: String
}

/// What the window needs to know about a loaded model.
struct ModelSummary: Sendable {
    let path: String
    let latent: Int
    let classes: Int
    let side: Int
    let fittedPrior: Bool
}

enum ModelLoader {
    /// Loads `path`, or the shipped weights when nil. Never throws: every failure becomes a
    /// message the window can show.
    static func load(path: String?) -> Result<CVAE, LoadFailure> {
        let resolved: String
        if let path {
            resolved = path
        } else {
            do { resolved = try Resources.defaultWeightsPath() } catch {
                return .failure(LoadFailure(path: nil, message: message(for: error)))
            }
        }
        do {
            let model = try WeightsFile.load(path: resolved)
            let c = model.config
            guard c.side * c.side == c.pixels else {
                return .failure(LoadFailure(path: resolved, message:
                    "\(resolved): the model's \(c.pixels) pixels are not a square image (pass --weights with an image model)"))
            }
            return .success(model)
        } catch {
            let text = message(for: error)
            // Library messages usually name the file already; make sure the window does.
            return .failure(LoadFailure(path: resolved, message: text.contains(resolved) ? text : "\(resolved): \(text)"))
        }
    }

    private static func message(for error: Error) -> String {
        if let e = error as? DigitCoreError { return e.userMessage }
        return String(describing: error)
    }
}
