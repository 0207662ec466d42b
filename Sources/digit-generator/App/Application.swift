import DigitStudio
import CGtk
import DigitCore
import Foundation

/// The AdwApplication: actions and accelerators in `startup`, one window in `activate`
/// (presented again when activated twice, e.g. by a second launch).
final class Application {
    let app: UnsafeMutablePointer<GtkApplication>
    private let options: Options
    private let trace: Trace
    private var window: MainWindow?
    private let service = InferenceService()

    init(options: Options, trace: Trace) {
        self.options = options
        self.trace = trace
        // Single instance, so that a second launch presents the running window; but a launch
        // with --weights asks for another model, which the running instance would ignore, so
        // it runs on its own.
        let flags = options.weightsPath == nil ? G_APPLICATION_DEFAULT_FLAGS : G_APPLICATION_NON_UNIQUE
        app = cast(adw_application_new(Resources.appID, flags))
        g_set_application_name(MainWindow.appName)
        Signal.connect(rawPointer(app), "startup") { [weak self] in self?.startup() }
        Signal.connect(rawPointer(app), "activate") { [weak self] in self?.activate() }
        // Teardown: the window (and with it every handler and draw function of its widgets)
        // goes before the application.
        Signal.connect(rawPointer(app), "shutdown") { [weak self] in
            let window = self?.window
            window?.destroy()
        }
        // Read the weights while GTK starts up.
        service.load(path: options.weightsPath)
    }

    /// Runs the main loop until the last window closes or app.quit; returns the exit status.
    func run() -> Int32 {
        // GTK sees only argv[0]: our options were read before.
        let name = strdup(CommandLine.arguments.first ?? "digit-generator")
        defer { free(name) }
        var argv: [UnsafeMutablePointer<CChar>?] = [name, nil]
        let status = argv.withUnsafeMutableBufferPointer { g_application_run(cast(app), 1, $0.baseAddress) }
        window = nil
        g_object_unref(rawPointer(app))
        return status
    }

    private func startup() {
        trace.milestone("GTK started")
        Style.install()
        Icons.addSearchPaths()
        let map = rawPointer(app)
        Actions.add(to: map, "quit") { [weak self] in
            guard let self else { return }
            g_application_quit(cast(self.app))
        }
        Actions.add(to: map, "about") { [weak self] in
            guard let self, let window = self.window else { return }
            AboutWindow.present(parent: window.window)
        }
        Actions.setAccels(app, "app.quit", ["<Control>q"])
        Actions.setAccels(app, "win.save", ["<Control>s"])
        Actions.setAccels(app, "win.toggle-fullscreen", ["F11"])
        Actions.setAccels(app, "win.show-help-overlay", ["<Control>question"])
    }

    private func activate() {
        if window == nil {
            let created = MainWindow(app: app, service: service, trace: trace)
            created.onDestroyed = { [weak self] in self?.window = nil }
            window = created
        }
        window?.present()
    }
}
