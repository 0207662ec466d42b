import DigitCore
import Foundation

/// Why the model could not be loaded, worded for the window and for stderr.
public struct LoadFailure: Error, Sendable, Equatable {
    /// The file that was tried, if one was found.
    public let path: String?
    /// What is wrong, naming the file (the library's description).
    public let problem: String
    /// What the user can do about it.
    public let fix: String

    public init(path: String?, problem: String, fix: String) {
        self.path = path
        self.problem = problem
        self.fix = fix
    }

    /// One line for stderr: the problem, then the fix.
    public var message: String { "\(problem). \(fix)" }
}


public enum ModelLoader {
    /// Loads `path`, or the shipped weights when nil. Never throws: every failure becomes a
    /// problem and a fix the window can show.
    public static func load(path: String?) -> Result<(model: CVAE, path: String), LoadFailure> {
        let resolved: String
        if let path {
            resolved = path
        } else {
            do { resolved = try Resources.defaultWeightsPath() } catch {
                return .failure(LoadFailure(path: nil, problem: describe(error),
                                            fix: sentence(hint(error) ?? "pass `--weights FILE`")))
            }
        }
        do {
            let model = try WeightsFile.load(path: resolved)
            let c = model.config
            guard c.side * c.side == c.pixels else {
                return .failure(failure(path: path, resolved: resolved, hint: nil,
                    problem: "\(resolved): the model's \(c.pixels) pixels are not a square image"))
            }
            return .success((model, resolved))
        } catch {
            // Library messages usually name the file already; make sure the window does.
            let text = describe(error)
            return .failure(failure(path: path, resolved: resolved, hint: hint(error),
                                    problem: text.contains(resolved) ? text : "\(resolved): \(text)"))
        }
    }

    /// A failure for a file that was found (or named with --weights) but not loaded. The fix
    /// starts with the library's hint and says how to get a working model: for a file given
    /// with --weights the shipped model, for the shipped weights a reinstall.
    private static func failure(path: String?, resolved: String, hint: String?, problem: String) -> LoadFailure {
        let fix: String
        if path != nil {
            if !FileManager.default.fileExists(atPath: resolved) {
                fix = "Check the file name, or start without `--weights` to use the shipped model."
            } else if let hint {
                fix = sentence(hint) + " To use the shipped model instead, start without `--weights`."
            } else {
                fix = "Pass `--weights FILE` with weights saved by `digitgen train`, or start without `--weights` to use the shipped model."
            }
        } else {
            fix = (hint.map { sentence($0) + " " } ?? "")
                + "Reinstall the app (`make install`) to restore the shipped weights, or pass `--weights FILE`."
        }
        return LoadFailure(path: resolved, problem: problem, fix: fix)
    }

    private static func describe(_ error: Error) -> String {
        if let e = error as? DigitCoreError { return e.description }
        return String(describing: error)
    }

    private static func hint(_ error: Error) -> String? { (error as? DigitCoreError)?.hint }

    /// "is this a safetensors file?" -> "Is this a safetensors file?"; adds a full stop.
    private static func sentence(_ text: String) -> String {
        let s = text.prefix(1).uppercased() + text.dropFirst()
        return s.hasSuffix(".") || s.hasSuffix("?") ? s : s + "."
    }
}
