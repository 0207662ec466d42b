import DigitCore
import Foundation

/// The remembered state in `$XDG_STATE_HOME/digit-generator/state.json` (default
/// `~/.local/state`), written atomically. A missing file is a first launch; a file that
/// cannot be read or parsed is ignored with a warning.
public enum StateFile {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let dir = environment["XDG_STATE_HOME"], dir.hasPrefix("/") { return dir + "/digit-generator/state.json" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.local/state/digit-generator/state.json"
    }

    public enum Loaded: Equatable {
        case firstLaunch
        case remembered(RememberedState)
        /// The file exists but is unusable: the warning says which and why.
        case ignored(warning: String)
    }

    public static func load(path: String) -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else { return .firstLaunch }
        do {
            let bytes = try FileBytes.read(path: path)
            return .remembered(try decode(Data(bytes)))
        } catch {
            let why = (error as? DigitCoreError)?.userMessage ?? "\(error)"
            return .ignored(warning: "ignoring the remembered state in \(path): \(why)")
        }
    }

    public static func decode(_ data: Data) throws -> RememberedState {
        let state: RememberedState
        do {
            state = try JSONDecoder().decode(RememberedState.self, from: data)
        } catch {
            throw StateFileError.malformed
        }
        guard state.version == 1 else { throw StateFileError.version(state.version) }
        guard (100...100_000).contains(state.window.width), (100...100_000).contains(state.window.height) else {
            throw StateFileError.window(state.window.width, state.window.height)
        }
        return state
    }

    public static func encode(_ state: RememberedState) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(state)) + [10]
    }

    public static func save(_ state: RememberedState, path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(encode(state), to: path)
    }
}

public enum StateFileError: DigitCoreError, Equatable {
    case malformed
    case version(Int)
    case window(Int, Int)

    public var description: String {
        switch self {
        case .malformed: return "not the JSON this version writes"
        case .version(let v): return "format version \(v) is not supported"
        case .window(let w, let h): return "window size \(w)x\(h) is out of range"
        }
    }
}
