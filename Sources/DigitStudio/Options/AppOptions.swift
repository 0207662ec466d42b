import ArgumentParser

/// The app's command line (swift-argument-parser): `--help` lists the options; a bad option
/// is one line on stderr and exit status 2.
public struct AppOptions: ParsableCommand {
    @Option(name: .long, help: ArgumentHelp("CVAE weights (.safetensors) to load instead of the shipped model.",
                                            valueName: "file"))
    public var weights: String?

    @Flag(name: .long, help: "Start from the welcome view, not the view and window size remembered from the last run.")
    public var fresh = false

    @Flag(name: .long, help: "Show the version and exit.")
    public var version = false

    @Flag(name: .long, help: ArgumentHelp("Run as an unattended exhibit: fullscreen, locked, touch-first, running itself when idle.",
                                          discussion: "Settings also come from $XDG_CONFIG_HOME/digit-generator/kiosk.conf ([kiosk] group); options win."))
    public var kiosk = false

    @Option(name: .long, help: ArgumentHelp("Kiosk: seconds without input before the exhibit runs itself (default 60).", valueName: "seconds"))
    public var attractAfter: Double?

    @Option(name: .long, help: ArgumentHelp("Kiosk: seconds without input before the view goes back to the welcome view (default 45).",
                                            valueName: "seconds"))
    public var resetAfter: Double?

    @Option(name: .long, help: ArgumentHelp("Kiosk: digits staff type on the number pad to leave the exhibit (default: none).",
                                            valueName: "digits"))
    public var staffPin: String?

    @Option(name: .long, help: ArgumentHelp("Kiosk: JSON health report written every minute.", valueName: "file"))
    public var healthFile: String?

    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "digit-generator",
        abstract: "Generates handwritten digits with a conditional VAE.",
        discussion: """
            Environment:
              DIGITGEN_TRACE=1         frame timings on stderr, a summary on exit
              DIGITGEN_SAVE_PATH=FILE  Ctrl+S writes the PNG to FILE without a dialog
              XDG_STATE_HOME           where the last view and window size are kept
              GSK_RENDERER             GTK's renderer; without a GPU the app uses cairo
            """)

    public enum Outcome: Equatable {
        /// `kiosk`: the exhibit's options from the command line (nil: the desktop app).
        case run(weights: String?, fresh: Bool, kiosk: KioskOverrides?)
        /// Print `text` (to stdout when `status` is 0, else stderr) and exit with `status`.
        case exit(text: String, status: Int32)
    }

    /// Parses `arguments` (without argv[0]).
    public static func outcome(_ arguments: [String], version: String) -> Outcome {
        do {
            let options = try parse(arguments)
            if options.version { return .exit(text: "digit-generator \(version)", status: 0) }
            if let w = options.weights, w.isEmpty { return .exit(text: "digit-generator: --weights needs a file name", status: 2) }
            let overrides = KioskOverrides(attractAfter: options.attractAfter, resetAfter: options.resetAfter,
                                           staffPIN: options.staffPin, healthFile: options.healthFile)
            if !options.kiosk, let name = overrides.givenOption {
                return .exit(text: "digit-generator: --\(name) is a kiosk setting: use it with --kiosk", status: 2)
            }
            return .run(weights: options.weights, fresh: options.fresh, kiosk: options.kiosk ? overrides : nil)
        } catch {
            let status = exitCode(for: error).rawValue
            if status == 0 { return .exit(text: fullMessage(for: error), status: 0) }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            return .exit(text: "digit-generator: \(line) (see --help)", status: 2)
        }
    }
}
