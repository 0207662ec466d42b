import DigitCore
import DigitStudio
import Foundation

/// The application: actions and accelerators in `startup`, one window in `activate`
/// (presented again when activated twice, e.g. by a second launch), the remembered state
/// written at `shutdown`.
final class DigitApplication {
    let app: Application
    let core: AppCore
    private let trace: Trace
    private var window: MainWindow?
    /// The exhibit's options (`--kiosk`), nil for the desktop app.
    private let kiosk: KioskOptions?
    private var kioskShell: KioskShell?
    private var kioskStatus: Int32 = 0
    private let weights: String?

    init(weights: String?, fresh: Bool, kiosk: KioskOptions? = nil, trace: Trace) {
        self.trace = trace
        self.kiosk = kiosk
        self.weights = weights
        // Single instance, so that a second launch presents the running window; but a launch
        // with --weights asks for another model, which the running instance would ignore.
        app = Application(id: Resources.appID, unique: weights == nil)
        Application.setName(MainWindow.appName)
        // The exhibit remembers nothing between runs: every start is the welcome view.
        core = AppCore(clock: SystemClock(), statePath: kiosk == nil ? StateFile.path() : nil, fresh: fresh || kiosk != nil,
                       seedStream: UInt64(DispatchTime.now().uptimeNanoseconds),
                       post: { body in MainContext.invoke(body) })
        app.onStartup { [weak self] in self?.startup() }
        app.onActivate { [weak self] in self?.activate() }
        app.onShutdown { [weak self] in
            guard let self else { return }
            self.window?.destroy()
            self.kioskShell?.destroy()
            self.core.shutdown()
            self.app.disconnectAll()
        }
        // Read the weights while GTK starts up.
        core.load(weights: weights)
    }

    func run() -> Int32 {
        let status = app.run(programName: CommandLine.arguments.first ?? "digit-generator")
        window = nil
        if let shell = kioskShell { kioskStatus = shell.exitStatus }
        kioskShell = nil
        return status != 0 ? status : kioskStatus
    }

    private func startup() {
        trace.milestone("GTK started")
        Display.addCSS(Style.css)
        var seen = Set<String>()
        for dir in Resources.searchDirectories {
            for candidate in [dir + "/icons", (dir as NSString).deletingLastPathComponent + "/icons"] {
                let path = (candidate as NSString).standardizingPath
                var isDir: ObjCBool = false
                if seen.insert(path).inserted, FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                    Display.addIconSearchPath(path)
                }
            }
        }
        if kiosk != nil {
            // The exhibit: no actions, no accelerators (nothing quits, saves or opens).
            Display.forceDark()
            Display.addCSS(Style.kioskCSS)
            return
        }
        app.addAction("quit") { [weak self] in self?.app.quit() }
        app.addAction("about") { [weak self] in
            guard let window = self?.window?.window else { return }
            AboutDialog.present(parent: window, name: MainWindow.appName, icon: Resources.appID, version: Version.string,
                                developer: "The Digit Generator authors", comments: """
                Generates handwritten digits with a conditional variational autoencoder trained on MNIST. \
                Choose a digit, draw new samples, and move them along the directions the model learned.
                """)
        }
        app.setAccels("app.quit", ["<Control>q"])
        app.setAccels("win.save", ["<Control>s"])
        app.setAccels("win.save-style-row", ["<Control><Shift>s"])
        app.setAccels("win.copy-view", ["<Control><Shift>c"])
        app.setAccels("win.open-view", ["<Control>o"])
        app.setAccels("win.new-samples", ["<Control>r", "F5"])
        app.setAccels("win.toggle-fullscreen", ["F11"])
        app.setAccels("win.show-help-overlay", ["<Control>question"])
        for (i, page) in Page.allCases.enumerated() { app.setAccels("win.show-page::\(page.rawValue)", ["<Alt>\(i + 1)"]) }
    }

    private func activate() {
        if let kiosk {
            if kioskShell == nil {
                let shell = KioskShell(app: app, core: core, trace: trace, options: kiosk, weights: weights)
                shell.onDestroyed = { [weak self, unowned shell] in
                    self?.kioskStatus = shell.exitStatus
                    self?.kioskShell = nil
                }
                kioskShell = shell
                shell.present()
            }
            return
        }
        if window == nil {
            let created = MainWindow(app: app, core: core, trace: trace)
            created.onDestroyed = { [weak self] in self?.window = nil }
            window = created
        }
        window?.present()
    }
}

enum Version {
    static let string = "1.1.0"
}
