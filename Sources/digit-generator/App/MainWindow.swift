import DigitCore
import DigitStudio
import Foundation

/// The main window: header bar, digit buttons, the images, the controls; or, when the
/// model cannot be loaded, a page that says what is wrong and how to fix it. It renders
/// the core's state and turns input into intents; it holds no state of its own beyond
/// what GTK needs to draw (focus, images uploaded to cairo surfaces).
final class MainWindow {
    static let appName = "Digit Generator"

    let window: Window
    private let core: AppCore
    private let trace: Trace
    /// The pages: samples (with the same-style row), map, morph.
    private let pages = ViewStack()
    private lazy var title = ViewSwitcherTitle(title: MainWindow.appName, stack: pages)
    private lazy var switcherBar = ViewSwitcherBar(stack: pages)
    private let digits = DigitRow()
    private let canvas = DigitCanvas()
    private let styleRow = StyleRowView()
    private let mapView = MapView()
    private let morphView = MorphView()
    private var pageRoots: [Page: Widget] = [:]
    private let handwritingView = HandwritingView()
    /// The digit buttons (the samples', map's and morph's digit; hidden on the handwriting
    /// page, whose digit comes from the drawing).
    private lazy var digitClamp = Clamp(maximum: 1100, child: digits.grid)
    private let controls = ControlsPanel()
    private let stack = Stack()
    private let errorPage = StatusPage(iconName: "dialog-error-symbolic", title: "The Model Could Not Be Loaded")
    private let toasts = ToastOverlay()
    /// The images and the controls: one above the other, or side by side.
    private let body = Box(vertical: true, spacing: 12)
    private lazy var controlsClamp = Clamp(maximum: 1100, child: controls.grid)
    private var arrangement: WindowLayout?
    private let newSamples = Button(label: "_New Samples", iconName: "view-refresh-symbolic", mnemonic: true)
    private let timeout = Timeout()
    private var observer: Int?
    private var destroyed = false
    private var shownMessages = Set<Int>()
    private var lastLayoutLine = ""
    /// Called once when the GTK window is gone.
    var onDestroyed: (() -> Void)?

    init(app: Application, core: AppCore, trace: Trace) {
        self.core = core
        self.trace = trace
        window = Window(app: app)
        let state = core.store.state
        window.setDefaultSize(width: state.window.width, height: state.window.height)
        if state.window.maximized { window.maximize() }
        window.setIconName(Resources.appID)

        let header = HeaderBar()
        header.setTitle(title)
        newSamples.setAccessibleLabel("New samples")
        newSamples.setAction("win.new-samples")
        newSamples.addClass("flat")
        newSamples.setTooltip("Five new samples of the digit (Ctrl+R, F5)")
        header.packStart(newSamples)
        let menu = MenuButton(iconName: "open-menu-symbolic", sections: [
            [("_Save Image…", "win.save"), ("Save Same-St_yle Row…", "win.save-style-row")],
            [("_Copy View", "win.copy-view"), ("_Open View…", "win.open-view")],
            [("_Keyboard Shortcuts", "win.show-help-overlay"), ("_About Digit Generator", "app.about"), ("_Quit", "app.quit")],
        ])
        menu.setTooltip("Main Menu")
        menu.setInnerButtonLabel("Main menu")
        header.packEnd(menu)

        let page = Box(vertical: true, spacing: 12)
        page.setMargins(12)
        page.append(digitClamp)
        let samplesPage = Box(vertical: true, spacing: 10)
        samplesPage.append(canvas.area)
        samplesPage.append(styleRow.box)
        samplesPage.setAccessibleLabel(Page.samples.title)
        samplesPage.setAccessibleDescription(Page.samples.summary)
        mapView.box.setAccessibleLabel(Page.map.title)
        mapView.box.setAccessibleDescription(Page.map.summary)
        morphView.box.setAccessibleLabel(Page.morph.title)
        morphView.box.setAccessibleDescription(Page.morph.summary)
        handwritingView.box.setAccessibleLabel(Page.handwriting.title)
        handwritingView.box.setAccessibleDescription(Page.handwriting.summary)
        handwritingView.page.setAccessibleLabel("Drawing pad and your style as every digit")
        for (p, w) in [(Page.samples, samplesPage), (.map, mapView.box), (.morph, morphView.box),
                       (.handwriting, handwritingView.page)] {
            pages.add(w, name: p.rawValue, title: p.title, iconName: p.iconName)
            pageRoots[p] = w
        }
        switcherBar.setAccessibleHidden(true)
        title.hideSqueezedSwitcher()
        pages.setExpand(horizontal: true, vertical: true)
        body.append(pages)
        body.append(controlsClamp)
        body.setExpand(vertical: true)
        page.append(body)
        let scroller = ScrolledWindow(child: page)
        scroller.setAccessibleLabel("Digits, images and controls")
        stack.add(scroller, name: "main")
        stack.add(errorPage, name: "error")
        errorPage.labelDescendants(ofType: "GtkScrolledWindow", "Error details")
        stack.setExpand(vertical: true)
        toasts.setChild(stack)
        let outer = Box(vertical: true)
        outer.append(header)
        outer.append(toasts)
        outer.append(switcherBar)
        title.onTitleVisibleChanged { [weak self] in
            guard let self else { return }
            self.switcherBar.setReveal(self.title.titleVisible)
            self.switcherBar.setAccessibleHidden(!self.title.titleVisible)
            self.title.hideSqueezedSwitcher()
        }
        pages.onVisibleChanged { [weak self] in
            guard let self, let name = self.pages.visibleName, let page = Page(rawValue: name) else { return }
            self.core.store.dispatch(.showPage(page))
        }
        window.setContent(outer)
        window.setHelpOverlay(xml: ShortcutsWindow.xml, id: "help_overlay")

        installActions()
        let dispatch: (Intent) -> Void = { [weak core] intent in core?.store.dispatch(intent) }
        controls.dispatch = dispatch
        canvas.accessibleText = controls.accessibleText
        canvas.onActivate = { dispatch(.newSamples) }
        // Dragging across the images moves slider A (sideways) and B (up and down): a drag
        // across the whole area spans a slider's whole range. Handy with a finger.
        var dragStart: [Float] = []
        canvas.onDragBegin = { [weak core] in dragStart = core?.store.state.view.sliders.map(\.offset) ?? [] }
        canvas.onDrag = { [weak core] fx, fy in
            guard let core, dragStart.count == 2, fx != 0 || fy != 0 else { return }
            let span = Double(2 * ViewSettings.offsetRange)
            if fx != 0 { core.store.dispatch(.setOffset(slider: 0, dragStart[0] + Float(fx * span))) }
            if fy != 0 { core.store.dispatch(.setOffset(slider: 1, dragStart[1] + Float(fy * span))) }
        }
        styleRow.onPick = { digit in dispatch(.pickStyleDigit(digit)) }
        mapView.onPick = { a, b in dispatch(.setOffsets(a, b)) }
        mapView.onKey = { slider, key in dispatch(.sliderKey(slider: slider, key)) }
        mapView.onSize = { size in dispatch(.setMapSize(size)) }
        morphView.dispatch = dispatch
        handwritingView.dispatch = dispatch
        handwritingView.onLayout = { [weak self] in self?.traceLayout() }
        // The drawing becomes a picture here, on the main thread (cairo, about a millisecond);
        // the worker only sees the bytes.
        core.rasterize = { strokes in
            StrokeRaster.gray(strokes, side: Handwriting.rasterSide, width: Double(Handwriting.penWidth))
        }
        canvas.onDrawn = { [weak self] revision in self?.trace.frameDrawn(generation: revision) }
        canvas.onLayout = { [weak self] _ in self?.traceLayout() }
        styleRow.onLayout = { [weak self] in self?.traceLayout() }
        mapView.onLayout = { [weak self] in self?.traceLayout() }
        mapView.onDrawn = { [weak self] revision in self?.trace.frameDrawn(generation: revision) }
        morphView.onLayout = { [weak self] in self?.traceLayout() }
        window.addKeyController(capture: true) { [weak self] press in self?.globalKey(press) ?? false }
        window.onResize { [weak self] in
            // After the resize is handled: the layout may re-attach widgets.
            MainContext.idle { self?.sizeChanged() }
        }
        window.onDestroy { [weak self] in self?.tearDown() }

        core.focus = { [weak self] target in
            switch target {
            case .images: self?.canvas.area.grabFocus()
            }
        }
        core.wakeTimers = { [weak self, weak core] delay in
            guard let self else { return }
            if let delay { self.timeout.set(seconds: delay) { core?.timersDue() } } else { self.timeout.cancel() }
        }
        core.store.observers.append { [weak self] intent, old, new in self?.changed(intent, old, new) }
        render(core.store.state, previous: nil)
        canvas.area.grabFocus()
    }

    func present() {
        window.present()
        trace.milestone("window presented")
    }

    func destroy() {
        if !destroyed { window.destroy() }
    }

    /// The window is going away: disconnect every handler, stop the timer, stop rendering.
    private func tearDown() {
        destroyed = true
        timeout.cancel()
        core.focus = nil
        core.wakeTimers = nil
        core.rasterize = nil
        core.store.observers.removeAll()
        for w in [window, canvas.area, digits.grid, controls.grid, controls.temperature, controls.seed, stack, toasts,
                  pages, title, styleRow.area, mapView.area, mapView.box, morphView.box, morphView.area,
                  handwritingView.box, handwritingView.pad, handwritingView.inputArea, handwritingView.rowArea] as [GObjectRef] {
            w.disconnectAll()
        }
        morphView.setVisible(false)
        for b in digits.buttons { b.disconnectAll() }
        for s in controls.sliders { for w in [s.dropDown, s.scale, s.reset] as [GObjectRef] { w.disconnectAll() } }
        onDestroyed?()
    }

    private func installActions() {
        let dispatch: (Intent) -> Void = { [weak core] intent in core?.store.dispatch(intent) }
        window.addIntAction("select-digit", state: core.store.state.view.digit) { digit in dispatch(.selectDigit(digit)) }
        window.addAction("new-samples") { dispatch(.newSamples) }
        window.addAction("save") { [weak self] in self?.save() }
        window.addAction("save-style-row") { [weak self] in self?.saveStyleRow() }
        window.addAction("copy-view") { [weak self] in
            guard let self, self.core.store.state.info != nil, let text = self.core.store.state.viewText else { return }
            self.window.copyToClipboard(text)
            dispatch(.viewCopied(text))
        }
        window.addAction("open-view") { [weak self] in
            guard let self, self.core.store.state.info != nil else { return }
            TextPromptDialog.run(parent: self.window, heading: "Open View",
                                 body: "Paste a view text that Copy View gave (samples, map or morph).",
                                 placeholder: "digit=3 seed=42 t=0.80 slant=+1.20", confirm: "_Open") { text in
                dispatch(.openView(text))
            }
        }
        window.addAction("toggle-fullscreen") { [weak self] in self?.window.toggleFullscreen() }
        window.addStringAction("open-file") { [weak self] path in self?.window.showFile(path) }
        window.addStringAction("show-page") { name in
            if let page = Page(rawValue: name) { dispatch(.showPage(page)) }
        }
    }

    // MARK: - Input

    /// Digit keys pick a digit anywhere but in the seed field (and keypad digits not on a
    /// slider, where keypad 0 resets it). Space and Enter are left to the focused control.
    private func globalKey(_ press: KeyPress) -> Bool {
        if core.store.state.page == .handwriting, !press.typing, core.store.state.info != nil {
            // On the drawing page: Ctrl+Z undoes a stroke, Delete clears, digits name the drawing.
            switch press.key {
            case .letterZ where press.control && !press.alt && !press.shift:
                core.store.dispatch(.undoStroke)
                return true
            case .delete where press.plain:
                core.store.dispatch(.clearDrawing)
                return true
            case .digit(let d) where press.plain:
                core.store.dispatch(.chooseHandwritingDigit(d))
                return true
            case .keypadDigit(let d) where press.plain:
                core.store.dispatch(.chooseHandwritingDigit(d))
                return true
            default:
                break
            }
        }
        guard press.plain, !press.typing, core.store.state.info != nil else { return false }
        switch press.key {
        case .digit(let d):
            core.store.dispatch(.selectDigit(d))
            return true
        case .keypadDigit(let d) where !press.onScale:
            core.store.dispatch(.selectDigit(d))
            return true
        default:
            return false
        }
    }

    private func sizeChanged() {
        guard !destroyed else { return }
        let size = window.size
        core.store.dispatch(.windowResized(WindowGeometry(width: size.width, height: size.height, maximized: window.isMaximized)))
        applyLayout(width: size.width, height: size.height)
    }

    private func applyLayout(width: Int, height: Int) {
        let layout = WindowLayout.choose(width: width, height: height)
        let compact = layout == .compact
        digits.layout(columns: compact ? 5 : 10, buttonHeight: WindowLayout.digitButtonHeight(windowHeight: height))
        // Beside the images the panel is narrow and tall: each slider on two lines, so
        // that its track spans the panel.
        controls.layout(compact: compact || layout == .sideBySide)
        handwritingView.setCompact(compact)
        newSamples.setIconOnly(compact)
        styleRow.setCompact(compact || height < 720)
        mapView.setCompact(compact)
        morphView.setCompact(compact)
        guard layout != arrangement else { return }
        arrangement = layout
        let beside = layout == .sideBySide
        body.setVertical(!beside)
        controlsClamp.setAlign(horizontal: beside ? .end : .fill, vertical: beside ? .center : .fill)
        controlsClamp.setSizeRequest(width: beside ? Int(WindowLayout.controlsWidth) : -1, height: -1)
        controlsClamp.setMaximum(beside ? Int(WindowLayout.controlsWidth) : 1100)
        controlsClamp.setExpand(horizontal: !beside)
    }

    private func save() {
        let state = core.store.state
        guard state.info != nil else { return }
        if state.page == .morph {
            saveMorph(state)
            return
        }
        if state.page == .handwriting {
            saveHandwriting(state)
            return
        }
        if let path = ProcessInfo.processInfo.environment["DIGITGEN_SAVE_PATH"], !path.isEmpty {
            core.store.dispatch(.save(path: path, scale: nil))
            return
        }
        let page: SavedPage = state.page == .map ? .map(size: state.mapSize) : .samples
        let side = state.page == .map ? 28 * state.mapSize : 0
        SaveDialog.run(parent: window, title: state.page == .map ? "Save Map" : "Save Image",
                       suggestedName: ViewExport.suggestedName(state.view, page: page),
                       scales: [1, 2, 4, 8, 16], defaultScale: state.saveScale,
                       baseSize: side > 0 ? (side, side) : (140, 28)) { [weak core] path, scale in
            core?.store.dispatch(.save(path: path, scale: scale))
        }
    }

    /// The first sample as every digit, with the view in the PNG's text chunks.
    private func saveStyleRow() {
        let state = core.store.state
        guard state.info != nil else { return }
        if let path = ProcessInfo.processInfo.environment["DIGITGEN_SAVE_PATH"], !path.isEmpty {
            core.store.dispatch(.saveStyleRow(path: path, scale: nil))
            return
        }
        SaveDialog.run(parent: window, title: "Save Same-Style Row", suggestedName: ViewExport.suggestedName(state.view, page: .sameStyle),
                       scales: [1, 2, 4, 8, 16], defaultScale: state.saveScale, baseSize: (280, 28)) { [weak core] path, scale in
            core?.store.dispatch(.saveStyleRow(path: path, scale: scale))
        }
    }

    /// The morph as an animated GIF, with its view text in the GIF's comment.
    private func saveMorph(_ state: AppState) {
        if let path = ProcessInfo.processInfo.environment["DIGITGEN_SAVE_PATH"], !path.isEmpty {
            core.store.dispatch(.exportMorph(path: path, scale: nil))
            return
        }
        let m = state.currentMorph
        SaveDialog.run(parent: window, title: "Export Morph", suggestedName: "morph-\(m.fromDigit)-to-\(m.toDigit).gif",
                       scales: [1, 2, 4, 8, 16], defaultScale: min(state.saveScale, 16), baseSize: (28, 28)) { [weak core] path, scale in
            core?.store.dispatch(.exportMorph(path: path, scale: scale))
        }
    }

    /// The ten restyled digits as PNG, with the drawing's input and digit in its text chunks.
    private func saveHandwriting(_ state: AppState) {
        if let path = ProcessInfo.processInfo.environment["DIGITGEN_SAVE_PATH"], !path.isEmpty {
            core.store.dispatch(.saveHandwriting(path: path, scale: nil))
            return
        }
        guard let result = state.handwriting.result, !state.handwriting.isEmpty else {
            core.store.dispatch(.saveHandwriting(path: "", scale: nil))  // says what is missing
            return
        }
        SaveDialog.run(parent: window, title: "Save Image", suggestedName: HandwritingExport.suggestedName(digit: result.digit),
                       scales: [1, 2, 4, 8, 16], defaultScale: state.saveScale) { [weak core] path, scale in
            core?.store.dispatch(.saveHandwriting(path: path, scale: scale))
        }
    }

    // MARK: - Rendering

    private func changed(_ intent: Intent, _ old: AppState, _ new: AppState) {
        guard !destroyed else { return }
        if trace.enabled { traceIntent(intent, old, new) }
        render(new, previous: old)
    }

    private func render(_ s: AppState, previous: AppState?) {
        switch s.model {
        case .loading, .ready:
            stack.show("main")
        case .failed(let failure):
            if previous?.model != s.model { showError(failure) }
        }
        let ready = s.info != nil
        for name in ["select-digit", "new-samples", "save", "save-style-row", "open-view"] {
            window.setActionEnabled(name, ready)
        }
        window.setActionEnabled("copy-view", ready && s.viewText != nil)
        window.setActionState("select-digit", int: s.view.digit)
        if ready {
            window.setTitle("\(MainWindow.appName) — \(s.view.digit)")
            title.setSubtitle("Digit \(s.view.digit) · seed \(s.view.seed)")
        }
        if previous == nil { applyLayout(width: s.window.width, height: s.window.height) }
        digits.render(selected: s.view.digit)
        pages.show(s.page.rawValue)
        if previous?.page != s.page {
            // GTK 4.8 keeps the hidden pages in the accessibility tree: take them out.
            for (p, w) in pageRoots { w.setAccessibleHidden(p != s.page) }
            // A toast belongs to the page it answered; it would cover the new page's images.
            if previous != nil { toasts.dismissLast() }
        }
        if trace.enabled, previous?.page != s.page { MainContext.idle { [weak self] in self?.traceLayout() } }
        controlsClamp.setVisible(s.page != .morph && s.page != .handwriting)
        digitClamp.setVisible(s.page != .handwriting)
        canvas.render(s)
        styleRow.render(s)
        if s.page == .map { mapView.render(s) }
        morphView.setVisible(s.page == .morph && ready)
        if s.page == .morph { morphView.render(s) }
        // Off screen, the page's content is hidden, not only covered: GTK 4.8's accessibility
        // tree would otherwise report its widgets at their last positions as showing.
        handwritingView.box.setVisible(s.page == .handwriting)
        if s.page == .handwriting { handwritingView.render(s) }
        controls.render(s)
        for m in s.messages where !shownMessages.contains(m.id) {
            shownMessages.insert(m.id)
            toasts.show(m.text, button: m.openPath.map { ("Open", "win.open-file", $0) })
            core.store.dispatch(.messageShown(m.id))
        }
    }

    private func showError(_ failure: LoadFailure) {
        FileHandle.standardError.write("digit-generator: \(failure.message)\n".data(using: .utf8) ?? Data())
        let problem = failure.problem.prefix(1).uppercased() + failure.problem.dropFirst()
        var text = MainWindow.markup(problem)
        if let path = failure.path { text += "\n\n<b>File:</b> " + Markup.escape(path) }
        text += "\n\n<b>How to fix:</b> " + MainWindow.markup(failure.fix)
        errorPage.setDescriptionMarkup(text)
        stack.show("error")
        window.setTitle("\(MainWindow.appName) — error")
        title.setSubtitle("No model loaded")
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

    // MARK: - Trace

    private func traceIntent(_ intent: Intent, _ old: AppState, _ new: AppState) {
        switch intent {
        case .setOffset, .setOffsets, .setTemperature, .sliderKey, .temperatureKey:
            if new.viewRevision != old.viewRevision { trace.sliderChanged(generation: new.viewRevision) }
        case .modelLoaded(let info):
            trace.milestone("model, its digest and directions loaded")
            let list = info.catalog.entries[new.view.digit].prefix(4).map { "\($0.id.title) (\($0.subtitle))" }
            trace.note("directions ready; digit \(new.view.digit): " + list.joined(separator: ", "))
        case .rendered(.handwriting, _, _), .renderFailed(.handwriting, _, _):
            let h = new.handwriting
            if let r = h.result, r != old.handwriting.result {
                trace.note("handwriting restyled: revision \(r.revision), digit \(r.digit)")
            } else if let p = h.problem, p != old.handwriting.problem {
                trace.note("handwriting not read: \(p)")
            }
        case .rendered(.sweep(let target), _, _):
            if new.sweeps[target] != old.sweeps[target] { trace.note("sweep \(Lane.sweep(target)) ready") }
        default:
            break
        }
    }

    private func traceLayout() {
        guard trace.enabled else { return }
        var parts: [String] = []
        if core.store.state.page == .samples, let area = canvas.area.surfaceBounds {
            let layout = CanvasLayout(count: ViewSettings.sampleCount, side: 28, width: Double(area.width),
                                      height: Double(area.height), gap: DigitCanvas.gap)
            parts.append("cells=" + layout.cells.map { c in "\(area.x + Int(c.x)),\(area.y + Int(c.y)),\(Int(c.size))" }
                .joined(separator: ";"))
        }
        for (i, slider) in controls.sliders.enumerated() {
            if let b = slider.scale.surfaceBounds { parts.append("slider\(i)=\(b.x),\(b.y),\(b.width),\(b.height)") }
        }
        if core.store.state.page == .samples, let b = styleRow.area.surfaceBounds, !styleRow.cells.isEmpty {
            parts.append("stylerow=" + styleRow.cells.map { c in "\(b.x + Int(c.x)),\(b.y + Int(c.y)),\(Int(c.size))" }
                .joined(separator: ";"))
        }
        if core.store.state.page == .map, let b = mapView.area.surfaceBounds {
            let g = mapView.grid
            if g.cells > 0, g.size > 0 { parts.append("map=\(b.x + Int(g.x)),\(b.y + Int(g.y)),\(Int(g.size)),\(g.cells)") }
        }
        if core.store.state.page == .morph, let b = morphView.area.surfaceBounds {
            let q = morphView.square
            if q.size > 0 { parts.append("morph=\(b.x + Int(q.x)),\(b.y + Int(q.y)),\(Int(q.size))") }
        }
        if core.store.state.page == .handwriting {
            if let p = handwritingView.padBounds { parts.append("pad=\(p.x),\(p.y),\(p.size)") }
            if let cells = handwritingView.cellsText { parts.append("handwriting=" + cells) }
        }
        trace.layout(parts.joined(separator: " "))
    }
}
