import ArgumentParser
import DigitCore
import Foundation

/// MNIST from a directory as the trainer's uint8 data sets.
enum TrainingData {
    static func load(directory: String, requireTest: Bool) throws -> (train: LabeledImages, test: LabeledImages?) {
        let mnist = try MNIST.load(directory: directory, requireTest: requireTest)
        let p = mnist.train.images.rows * mnist.train.images.columns
        let train = try LabeledImages(pixels: mnist.train.images.pixels, labels: mnist.train.labels, pixelsPerImage: p)
        var test: LabeledImages? = nil
        if let t = mnist.test {
            test = try LabeledImages(pixels: t.images.pixels, labels: t.labels,
                                     pixelsPerImage: t.images.rows * t.images.columns)
        }
        return (train, test)
    }
}

/// Checks, before any work, that a file can be created at `path`.
func checkWritable(_ path: String, option: String) throws {
    var isDir: ObjCBool = false
    guard !path.isEmpty else { throw ValidationError("\(option) needs a file name") }
    // A directory (".", "..", "dir/") is checked first: Foundation's path helpers trap on ".".
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
        throw ValidationError("\(option) \(path) is a directory")
    }
    var st = stat()
    if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
        throw ValidationError("\(option) \(path) is not a regular file")
    }
    let d = parentDirectory(of: path)
    guard FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue else {
        throw ValidationError("\(option) \(path): directory \(d) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: d) else {
        throw ValidationError("\(option) \(path): directory \(d) is not writable")
    }
}

/// The directory a file at `path` goes into: "." for a bare name, "/" for "/name".
func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
}

/// Most worker threads accepted by --threads; every part gets its own buffers, so an absurd
/// count would exhaust memory instead of doing anything useful.
let maxThreads = 256

/// Checks a --threads value (nil: the default).
func checkThreads(_ threads: Int?) throws {
    if let threads, !(1...maxThreads).contains(threads) {
        throw ValidationError("--threads must be in 1-\(maxThreads), got \(threads)")
    }
}

/// The command line as typed, quoted for a shell where needed.
var commandLineString: String {
    CommandLine.arguments.enumerated().map { i, a in
        let arg = i == 0 ? "digitgen" : a
        let safe = arg.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+".contains($0) }
        return safe && !arg.isEmpty ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
}
