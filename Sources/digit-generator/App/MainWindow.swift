import DigitStudio
import CGtk
import CGtkShim
import DigitCore
import Foundation

/// The main window: header bar with menu, digit buttons, the images, the controls; or,
/// when the model cannot be loaded, a page that says what is wrong and how to fix it.
/// Holds the view state (digit, seed, temperature, sliders) and turns every change into
/// a render request.
final class MainWindow {
    let window: UnsafeMutablePointer<GtkWidget>
    private let trace: Trace
    private let canvas = DigitCanvas()
    private let controls = ControlsPanel()
    private let service: InferenceService
    private let stack: UnsafeMutablePointer<GtkWidget>
    private let title: UnsafeMutablePointer<GtkWidget>
    private let errorPage: UnsafeMutablePointer<GtkWidget>
    private let toasts: UnsafeMutablePointer<GtkWidget>
    private var actions: [String: OpaquePointer] = [:]
    private var destroyed = false
    /// Called once when the GTK window is destroyed (closed, or `destroy` at shutdown).
    var onDestroyed: (() -> Void)?

    private var digit = 7
    private var seed: UInt64 = 1
    private var temperature: Float = 1
    private var generation = 0
    private var model: ModelSummary?
    private var shown: RenderResult?
    /// Seeds for "New samples": one stream per session, itself seeded from the clock.
    private var seeds = Xoshiro256(seed: UInt64(DispatchTime.now().uptimeNanoseconds))
    static let sampleCount = 5
    static let appName = "Digit Generator"

    /// `service` has started loading the model already; the window shows it when it arrives.
    init(app: UnsafeMutablePointer<GtkApplication>, service: InferenceService, trace: Trace) {
        self.trace = trace
        self.service = service
        window = adw_application_window_new(app)
        gtk_window_set_default_size(cast(window), 940, 620)
        gtk_window_set_icon_name(cast(window), Resources.appID)

        // Header bar: New Samples at the start, the main menu at the end.
        let header = adw_header_bar_new()!
        title = adw_window_title_new(MainWindow.appName, "")
        adw_header_bar_set_title_widget(opaque(header), title)
        let newSamples = gtk_button_new()!
        let content = adw_button_content_new()!
        adw_button_content_set_icon_name(opaque(content), "view-refresh-symbolic")
        adw_button_content_set_label(opaque(content), "_New Samples")
        adw_button_content_set_use_underline(opaque(content), 1)
        gtk_button_set_child(cast(newSamples), content)
        gtk_actionable_set_action_name(opaque(newSamples), "win.new-samples")
        gtk_widget_set_tooltip_text(newSamples, "Five new samples of the digit (Space)")
        adw_header_bar_pack_start(opaque(header), newSamples)
        adw_header_bar_pack_end(opaque(header), MainWindow.menuButton())

        // Main page.
        let page = gtk_box_new(GTK_ORIENTATION_VERTICAL, 18)!
        for set in [gtk_widget_set_margin_start, gtk_widget_set_margin_end,
                    gtk_widget_set_margin_top, gtk_widget_set_margin_bottom] { set(page, 18) }
        gtk_box_append(cast(page), DigitRow.make())
        gtk_box_append(cast(page), canvas.widget)
        // The controls stop growing at a comfortable width; the images keep filling the window.
        let clamp = adw_clamp_new()!
        adw_clamp_set_maximum_size(opaque(clamp), 960)
        adw_clamp_set_tightening_threshold(opaque(clamp), 960)
        adw_clamp_set_child(opaque(clamp), controls.widget)
        gtk_box_append(cast(page), clamp)

        // Error page.
        errorPage = adw_status_page_new()
        adw_status_page_set_icon_name(opaque(errorPage), "dialog-error-symbolic")
        adw_status_page_set_title(opaque(errorPage), "The Model Could Not Be Loaded")

        stack = gtk_stack_new()
        gtk_widget_set_vexpand(stack, 1)
        gtk_stack_add_named(opaque(stack), page, "main")
        gtk_stack_add_named(opaque(stack), errorPage, "error")
        toasts = adw_toast_overlay_new()
        adw_toast_overlay_set_child(opaque(toasts), stack)

        let outer = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0)!
        gtk_box_append(cast(outer), header)
        gtk_box_append(cast(outer), toasts)
        adw_application_window_set_content(cast(window), outer)

        installActions()
        ShortcutsWindow.attach(to: window)
        KeyController.attachCapture(to: window) { [weak self] keyval, state, typing in
            self?.handleKey(keyval, state: state, typing: typing) ?? false
        }
        connectParts()
        FrameClock.onBeforePaint(window) { [weak self] in self?.service.latchFrame() }
        controls.showSeed(seed)
        controls.setSensitive(false)
        updateTitle()
        service.onLoaded = { [weak self] outcome in self?.loaded(outcome) }
        Signal.connect(rawPointer(window), "destroy") { [weak self] in self?.tearDown() }
    }

    func present() {
        gtk_window_present(cast(window))
        trace.milestone("window presented")
    }

    /// Destroys the window, which disconnects every handler of its widgets and releases
    /// their closures; does nothing when it is gone already.
    func destroy() {
        if !destroyed { gtk_window_destroy(cast(window)) }
    }

    /// The window is going away: results still in flight have nowhere to go.
    private func tearDown() {
        destroyed = true
        service.onResult = nil
        service.onLoaded = nil
        onDestroyed?()
    }

    // MARK: - Building

    private static func menuButton() -> UnsafeMutablePointer<GtkWidget> {
        let menu = g_menu_new()!
        let file = g_menu_new()!
        g_menu_append(file, "_Save Image…", "win.save")
        let help = g_menu_new()!
        g_menu_append(help, "_Keyboard Shortcuts", "win.show-help-overlay")
        g_menu_append(help, "_About Digit Generator", "app.about")
        g_menu_append(help, "_Quit", "app.quit")
        g_menu_append_section(menu, nil, cast(file))
        g_menu_append_section(menu, nil, cast(help))
        let button = gtk_menu_button_new()!
        gtk_menu_button_set_icon_name(opaque(button), "open-menu-symbolic")
        gtk_menu_button_set_menu_model(opaque(button), cast(menu))
        gtk_menu_button_set_primary(opaque(button), 1)
        gtk_widget_set_tooltip_text(button, "Main Menu")
        dg_accessible_set_label(button, "Main menu")
        for m in [menu, file, help] { g_object_unref(rawPointer(m)) }
        return button
    }

    private func installActions() {
        let map = rawPointer(window)
        actions["select-digit"] = Actions.addInt32(to: map, "select-digit", state: Int32(digit)) { [weak self] d in
            self?.select(digit: Int(d))
        }
        actions["new-samples"] = Actions.add(to: map, "new-samples") { [weak self] in self?.newSamples() }
        actions["save"] = Actions.add(to: map, "save") { [weak self] in self?.save() }
        actions["toggle-fullscreen"] = Actions.add(to: map, "toggle-fullscreen") { [weak self] in
            guard let self else { return }
            if gtk_window_is_fullscreen(cast(self.window)) != 0 {
                gtk_window_unfullscreen(cast(self.window))
            } else {
                gtk_window_fullscreen(cast(self.window))
            }
        }
        setModelActionsEnabled(false)
    }

    private func setModelActionsEnabled(_ on: Bool) {
        for name in ["select-digit", "new-samples", "save"] {
            if let a = actions[name] { Actions.setEnabled(a, on) }
        }
    }

    private func connectParts() {
        service.onResult = { [weak self] result in self?.show(result) }
        canvas.onDrawn = { [weak self] generation in self?.trace.frameDrawn(generation: generation) }
        canvas.onLayout = { [weak self] layout in self?.traceLayout(layout) }
        controls.onSliderChange = { [weak self] moved in self?.render(fromSlider: moved) }
        controls.onTemperatureChange = { [weak self] t in
            self?.temperature = t
            self?.render(fromSlider: true)
        }
        controls.onSeedChange = { [weak self] s in
            self?.seed = s
            self?.updateTitle()
            self?.render(fromSlider: false)
        }
    }

    // MARK: - Model

    private func loaded(_ result: Result<ModelSummary, LoadFailure>) {
        trace.milestone("model loaded")
        switch result {
        case .success(let summary):
            model = summary
            for (i, slider) in controls.sliders.enumerated() { slider.configure(latent: summary.latent, dimension: i) }
            setModelActionsEnabled(true)
            render(fromSlider: false)
            let me = MainThreadRef(self)
            service.worker.measureEffects { effects in
                MainContext.invoke { me.value.effectsMeasured(effects) }
            }
        case .failure(let failure):
            showError(failure)
        }
    }

    /// Points the sliders at the two dimensions that change the images most.
    private func effectsMeasured(_ effects: [Float]) {
        // The measurement may finish after the window was closed: its widgets are gone.
        guard !destroyed, let model else { return }
        let ranked = LatentEffect.ranked(effects)
        for (i, slider) in controls.sliders.enumerated() where i < ranked.count {
            slider.configure(latent: model.latent, dimension: ranked[i])
        }
        controls.setSensitive(true)
        if trace.enabled {
            trace.note("latent dimensions by effect: " + ranked.prefix(5).map {
                String(format: "%d (%.3f)", $0, effects[$0]) }.joined(separator: ", "))
        }
    }

    private func showError(_ failure: LoadFailure) {
        FileHandle.standardError.write("digit-generator: \(failure.message)\n".data(using: .utf8) ?? Data())
        // Library messages start in lower case to fit after "digit-generator: " on stderr.
        let problem = failure.problem.prefix(1).uppercased() + failure.problem.dropFirst()
        var text = MainWindow.markup(problem)
        if let path = failure.path { text += "\n\n<b>File:</b> " + Markup.escape(path) }
        text += "\n\n<b>How to fix:</b> " + MainWindow.markup(failure.fix)
        adw_status_page_set_description(opaque(errorPage), text)
        gtk_stack_set_visible_child_name(opaque(stack), "error")
        gtk_window_set_title(cast(window), "\(MainWindow.appName) — error")
        adw_window_title_set_subtitle(opaque(title), "No model loaded")
        setModelActionsEnabled(false)
        controls.setSensitive(false)
    }

    /// Pango markup for a message: escaped, with `code` spans in monospace.
    static func markup(_ text: String) -> String {
        var out = ""
        for (i, part) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            let escaped = Markup.escape(String(part))
            out += i % 2 == 1 ? "<tt>\(escaped)</tt>" : escaped
        }
        return out
    }

    // MARK: - State changes

    /// Every pick of a digit, the selected one included, shows five new samples of it (a new
    /// seed, shown in the seed field, so the view can be typed back).
    private func select(digit d: Int) {
        guard model != nil else { return }
        if d != digit {
            digit = d
            if let a = actions["select-digit"] { Actions.setState(a, int32: Int32(d)) }
        }
        newSamples()
    }

    private func newSamples() {
        guard model != nil else { return }
        seed = seeds.next() % UInt64(ControlsPanel.maxSeed + 1)
        controls.showSeed(seed)
        updateTitle()
        render(fromSlider: false)
    }

    private func render(fromSlider: Bool) {
        guard model != nil else { return }
        generation += 1
        let request = RenderRequest(generation: generation, digit: digit, seed: seed, temperature: temperature,
                                    count: MainWindow.sampleCount,
                                    overrides: controls.sliders.compactMap(\.override))
        if fromSlider { trace.sliderChanged(generation: generation) }
        service.render(request)
    }

    private func show(_ result: RenderResult) {
        if let error = result.error {
            FileHandle.standardError.write("digit-generator: \(error)\n".data(using: .utf8) ?? Data())
            return
        }
        shown = result
        canvas.show(result)
    }

    private func updateTitle() {
        gtk_window_set_title(cast(window), "\(MainWindow.appName) — \(digit)")
        adw_window_title_set_subtitle(opaque(title), "Digit \(digit) · seed \(seed)")
    }

    private func handleKey(_ keyval: UInt32, state: GdkModifierType, typing: Bool) -> Bool {
        let modifiers = GDK_CONTROL_MASK.rawValue | GDK_ALT_MASK.rawValue | GDK_SUPER_MASK.rawValue
        guard !typing, state.rawValue & modifiers == 0, model != nil else { return false }
        switch keyval {
        case UInt32(GDK_KEY_0)...UInt32(GDK_KEY_9):
            select(digit: Int(keyval - UInt32(GDK_KEY_0)))
        case UInt32(GDK_KEY_KP_0)...UInt32(GDK_KEY_KP_9):
            select(digit: Int(keyval - UInt32(GDK_KEY_KP_0)))
        case UInt32(GDK_KEY_space), UInt32(GDK_KEY_KP_Space):
            newSamples()
        default:
            return false
        }
        return true
    }

    // MARK: - Saving

    private func save() {
        guard let shown else { return }
        if let path = ProcessInfo.processInfo.environment["DIGITGEN_SAVE_PATH"], !path.isEmpty {
            write(shown, to: path)
            return
        }
        SaveDialog.run(parent: window, title: "Save Image", suggestedName: ImageExport.suggestedName(shown.request)) {
            [weak self] path in self?.write(shown, to: path)
        }
    }

    private func write(_ result: RenderResult, to path: String) {
        do {
            try ImageExport.save(result, to: path)
            toast("Saved \((path as NSString).lastPathComponent)")
        } catch {
            let message = (error as? DigitCoreError)?.userMessage ?? String(describing: error)
            FileHandle.standardError.write("digit-generator: cannot save \(path): \(message)\n".data(using: .utf8) ?? Data())
            toast("Could not save the image: \(message)")
        }
    }

    private func toast(_ text: String) {
        guard !destroyed else { return }
        adw_toast_overlay_add_toast(opaque(toasts), adw_toast_new(Markup.escape(text)))
    }

    // MARK: - Trace

    private func traceLayout(_ layout: CanvasLayout) {
        guard trace.enabled, let area = WidgetGeometry.surfaceBounds(of: canvas.widget) else { return }
        var parts = ["cells=" + layout.cells.map { c in
            "\(area.x + Int(c.x)),\(area.y + Int(c.y)),\(Int(c.size))" }.joined(separator: ";")]
        for (i, slider) in controls.sliders.enumerated() {
            if let b = WidgetGeometry.surfaceBounds(of: slider.scale) {
                parts.append("slider\(i)=\(b.x),\(b.y),\(b.width),\(b.height)")
            }
        }
        trace.layout(parts.joined(separator: " "))
    }
}
