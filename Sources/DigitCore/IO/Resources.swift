import Foundation

/// Finds the files shipped in `resources/`, both from a source checkout (`swift run`,
/// `make run`) and from an installed location (`make install PREFIX=...`).
public enum Resources {
    /// Reverse-DNS application ID, used for the desktop file, metainfo, icons and data dir.
    public static let appID = "io.github.digitgen.DigitGenerator"
    /// File name of the shipped CVAE weights.
    public static let weightsFileName = "cvae-mnist.safetensors"
    /// File name of the shipped evaluation classifier.
    public static let classifierFileName = "classifier-mnist.safetensors"

    /// Directories searched, in order:
    /// 1. `$DIGITGEN_RESOURCES` when set;
    /// 2. `<prefix>/share/digit-generator` next to the executable's `bin/` (installed layout);
    /// 3. `resources/` of the source tree this binary was built from (swift build / swift run);
    /// 4. `resources/` under the current directory.
    public static var searchDirectories: [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["DIGITGEN_RESOURCES"], !env.isEmpty {
            dirs.append(env)
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        if let real = Bundle.main.executableURL?.resolvingSymlinksInPath() ?? Optional(exe) {
            let prefix = real.deletingLastPathComponent().deletingLastPathComponent()
            dirs.append(prefix.appendingPathComponent("share/digit-generator").path)
        }
        // Sources/DigitCore/IO/Resources.swift -> repository root
        let source = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(source.appendingPathComponent("resources").path)
        dirs.append(FileManager.default.currentDirectoryPath + "/resources")
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }
    }

    /// Full path of the first existing `name` in `searchDirectories`, or nil.
    public static func find(_ name: String) -> String? {
        for d in searchDirectories {
            let p = (d as NSString).appendingPathComponent(name)
            if FileManager.default.isReadableFile(atPath: p) { return p }
        }
        return nil
    }

    /// The shipped weights, or an error that lists where it looked.
    public static func defaultWeightsPath() throws -> String {
        if let p = find(weightsFileName) { return p }
        throw ResourceError.notFound(name: weightsFileName, searched: searchDirectories)
    }

    public static func defaultClassifierPath() throws -> String {
        if let p = find(classifierFileName) { return p }
        throw ResourceError.notFound(name: classifierFileName, searched: searchDirectories)
    }
}

public enum ResourceError: DigitCoreError, Equatable {
    case notFound(name: String, searched: [String])

    public var description: String {
        switch self {
        case .notFound(let name, let searched):
            return "no \(name) found; looked in " + searched.joined(separator: ", ")
        }
    }

    public var hint: String? {
        "pass --weights FILE, set DIGITGEN_RESOURCES, or run `make install`"
    }
}
