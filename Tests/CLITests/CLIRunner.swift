import Foundation
import XCTest

/// Runs the built `digitgen` binary as a user would, capturing its output and exit status.
struct CLIRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The debug or release products directory holding this test bundle also holds digitgen.
    static var binary: URL {
        if let env = ProcessInfo.processInfo.environment["DIGITGEN_BIN"] { return URL(fileURLWithPath: env) }
        var dir = Bundle(for: BundleToken.self).bundleURL
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("digitgen")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/digitgen")
    }

    /// Repository root (for resources/ and ../shared).
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var mnistDirectory: String? {
        let dir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        return FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz") ? dir : nil
    }

    @discardableResult
    static func run(_ args: [String], environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes fully before waiting so a large output cannot block the child.
        // The box is written by the reader thread and read only after group.wait().
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = outBox.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh empty temporary directory.
    static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digitgen-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

private final class BundleToken {}
