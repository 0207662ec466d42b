import DigitStudio
import Foundation

/// Command-line options, read before GTK sees argv.
struct Options {
    /// `--weights FILE`; nil means the shipped weights.
    var weightsPath: String?

    static let usage = """
        Usage: digit-generator [--weights FILE]

        Generates handwritten digits with a conditional VAE.

        Options:
          --weights FILE   CVAE weights (.safetensors) to load instead of the shipped model
          -h, --help       show this help
          --version        show the version

        Environment:
          DIGITGEN_TRACE=1          print frame timings to stderr, and a summary on exit
          DIGITGEN_SAVE_PATH=FILE   Ctrl+S writes the PNG straight to FILE, without a dialog
        """

    enum Outcome { case run(Options), exit(Int32) }

    /// Parses `arguments` (without argv[0]). Prints help or one error line itself.
    static func parse(_ arguments: [String]) -> Outcome {
        var options = Options()
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "-h", "--help":
                print(usage)
                return .exit(0)
            case "--version":
                print("digit-generator \(Version.string)")
                return .exit(0)
            case "--weights":
                guard i + 1 < arguments.count, !arguments[i + 1].isEmpty else {
                    return fail("--weights needs a file name")
                }
                options.weightsPath = arguments[i + 1]
                i += 1
            default:
                if a.hasPrefix("--weights=") {
                    let value = String(a.dropFirst("--weights=".count))
                    guard !value.isEmpty else { return fail("--weights needs a file name") }
                    options.weightsPath = value
                } else {
                    return fail("unknown argument '\(a)' (see --help)")
                }
            }
            i += 1
        }
        return .run(options)
    }

    private static func fail(_ message: String) -> Outcome {
        FileHandle.standardError.write("digit-generator: \(message)\n".data(using: .utf8) ?? Data())
        return .exit(2)
    }
}

enum Version {
    static let string = "1.0.0"
}
