import DigitCore
import DigitStudio
import Foundation

/// The exhibit's shell: turns input and time into `KioskTimeline` events and performs its
/// actions (attract loop, idle reset, staff exit, out-of-order screen), hides the pointer,
/// keeps the screen awake, talks to systemd and writes the health file. Main thread only.
final class KioskShell {
    let view: KioskWindow
    private let app: Application
    private let core: AppCore
    private let trace: Trace
    private let options: KioskOptions
    private let weights: String?
    private let clock = SystemClock()
    private let started: Double
    private var timeline: KioskTimeline
    private let wake = Timeout()
    private let coreTimers = Timeout()
    private let pointerTimer = Timeout()
    private let frames = Ticker()
    private let watchdogTicker = Ticker()
    private let healthTicker = Ticker()
    private let orbitTicker = Ticker()
    private var loop: AttractLoop?
    private var loopStart = 0.0
    private var inhibitCookie: UInt32 = 0
    private var pointerShown = true
    private var lastMotion: (x: Double, y: Double)?
    private var lastInputDate: Date?
    private var readySent = false
    private var dragStart: [Float] = []
    private var destroyed = false
    /// Attract frames drawn and the longest gap between two, per minute (for the soak).
    private var framesThisMinute = 0
    private var maxGapThisMinute = 0.0
    private var lastFrameTime: Double?
    private let frameStatsTicker = Ticker()
    /// The status `run` returns (the staff exit's).
    private(set) var exitStatus: Int32 = 0
    var onDestroyed: (() -> Void)?

    init(app: Application, core: AppCore, trace: Trace, options: KioskOptions, weights: String?) {
        self.app = app
        self.core = core
        self.trace = trace
        self.options = options
        self.weights = weights
        started = clock.now
        timeline = KioskTimeline(options: options, now: started)
        view = KioskWindow(app: app, core: core, trace: trace)
        installActions()
        wireInput()
        wirePIN()

        core.wakeTimers = { [weak self, weak core] delay in
            guard let self else { return }
            if let delay { self.coreTimers.set(seconds: delay) { core?.timersDue() } } else { self.coreTimers.cancel() }
        }
        core.focus = { [weak self] _ in self?.view.canvas.area.grabFocus() }
        core.store.observers.append { [weak self] intent, old, new in self?.changed(intent, old, new) }
        view.canvas.onDrawn = { [weak self] revision in
            guard let self else { return }
            self.trace.frameDrawn(generation: revision)
            if !self.readySent { self.sendReady() }
        }
        view.canvas.onAttractDrawn = { [weak self] in self?.attractFrameDrawn() }
        view.window.onCloseRequest { [weak self] in
            self?.log("close request refused")
            return false
        }
        view.window.onFullscreenChanged { [weak self] in
            guard let self, !self.destroyed, !self.view.window.isFullscreen else { return }
            self.log("left fullscreen: back to fullscreen")
            MainContext.idle { [weak self] in self?.view.window.fullscreen() }
        }
        view.window.onDestroy { [weak self] in self?.tearDown() }

        if let interval = SystemdNotifier.watchdogInterval {
            watchdogTicker.start(milliseconds: UInt32(max(1, interval * 1000))) { SystemdNotifier.watchdog() }
            trace.note(String(format: "kiosk watchdog every %.1f s", interval))
        }
        if options.healthFile != nil {
            healthTicker.start(milliseconds: UInt32(max(1, options.healthEvery * 1000))) { [weak self] in self?.writeHealth() }
        }
        frameStatsTicker.start(milliseconds: 60_000) { [weak self] in self?.reportFrames() }
        view.render(core.store.state)
        hidePointerLater()
        armTimeline()
    }

    func present() {
        view.window.present()
        inhibitCookie = app.inhibitIdle(window: view.window, reason: "The exhibit is running")
        if inhibitCookie == 0 {
            // GTK asks the session manager or the desktop portal over D-Bus; cage and a bare X
            // server have neither. cage blanks nothing by itself; an X server does.
            log("no session service took the request to keep the screen on; under X11 turn blanking off with `xset s off -dpms` (cage never blanks by itself)")
        }
        writeHealth()
        trace.milestone("window presented")
    }

    func destroy() {
        if !destroyed { view.window.destroy() }
    }

    private func tearDown() {
        guard !destroyed else { return }
        destroyed = true
        writeHealth()
        app.uninhibit(inhibitCookie)
        for t in [frames, watchdogTicker, healthTicker, orbitTicker, frameStatsTicker] { t.stop() }
        for t in [wake, coreTimers, pointerTimer] { t.cancel() }
        core.focus = nil
        core.wakeTimers = nil
        core.store.observers.removeAll()
        for w in [view.window, view.canvas.area, view.digits.grid, view.corner] as [GObjectRef] { w.disconnectAll() }
        for b in view.digits.buttons { b.disconnectAll() }
        for b in view.pinPad.keys { b.disconnectAll() }
        onDestroyed?()
    }

    // MARK: - Input

    private func installActions() {
        let dispatch: (Intent) -> Void = { [weak core] intent in core?.store.dispatch(intent) }
        view.window.addIntAction("select-digit", state: core.store.state.view.digit) { digit in dispatch(.selectDigit(digit)) }
        view.window.addAction("new-samples") { dispatch(.newSamples) }
    }

    private func wireInput() {
        view.window.watchInput { [weak self] event in self?.input(event) ?? false }
        // The images are a 2-D pad: a drag across the whole area moves each direction over
        // its typical range (-2...+2 standard deviations); a tap draws new handwriting.
        view.canvas.onDragBegin = { [weak self] in
            guard let self else { return }
            self.dragStart = self.core.store.state.view.sliders.map(\.offset)
        }
        view.canvas.onDrag = { [weak self] fx, fy in
            guard let self, self.dragStart.count == 2, fx != 0 || fy != 0 else { return }
            let span = Double(2 * ViewSettings.typicalRange)
            self.core.store.dispatch(.setOffsets(self.dragStart[0] + Float(fx * span), self.dragStart[1] + Float(fy * span)))
        }
        view.canvas.onDragEnd = { [weak self] moved in
            if !moved { self?.core.store.dispatch(.newSamples) }
        }
        view.corner.onPointer(press: { [weak self] _, _ in self?.handle(.staffCornerPressed) }, move: { _, _ in },
                              end: { [weak self] in self?.handle(.staffCornerReleased) })
    }

    private func wirePIN() {
        view.pinPad.onDigit = { [weak self] d in self?.handle(.pinDigit(d)) }
        view.pinPad.onDelete = { [weak self] in self?.handle(.pinBackspace) }
        view.pinPad.onSubmit = { [weak self] in self?.handle(.pinSubmit) }
        view.pinPad.onCancel = { [weak self] in self?.handle(.pinCancel) }
    }

    /// Every input event, before any widget: returns whether it is swallowed.
    private func input(_ event: InputWatch.Event) -> Bool {
        switch event {
        case .motion(let x, let y, let emulated):
            // GTK repeats the last position when widgets change under a still pointer.
            if let last = lastMotion, last.x == x, last.y == y { return false }
            lastMotion = (x, y)
            if !emulated { showPointer() }
            return visitorInput(swallowIfStopping: false)
        case .press(let x, let y, _):
            let inCorner = x < Double(KioskWindow.cornerSize) && y < Double(KioskWindow.cornerSize)
            return visitorInput(swallowIfStopping: !inCorner)
        case .touch:
            return visitorInput(swallowIfStopping: false)
        case .scroll:
            return visitorInput(swallowIfStopping: true)
        case .release:
            return false
        case .key(let key, let control, let alt, let shift, let q, let function):
            if control && alt && shift && q {
                handle(.staffChord)
                return true
            }
            if case .staffPIN = timeline.mode {
                pinKey(key)
                return true
            }
            let swallowed = visitorInput(swallowIfStopping: true)
            // No shortcuts in the exhibit: Ctrl+Q, Ctrl+W, Ctrl+S, Alt+F4, F11 and the rest do nothing.
            if control || alt || function { return true }
            if swallowed { return true }
            switch key {
            case .digit(let d), .keypadDigit(let d):
                // A digit key picks that digit, wherever the focus is (there is no text field).
                core.store.dispatch(.selectDigit(d))
                return true
            default:
                return false
            }
        }
    }

    /// A visitor did something: the timeline hears of it. The press that stops the attract
    /// loop only stops it (it does not also press what is under the finger).
    private func visitorInput(swallowIfStopping: Bool) -> Bool {
        lastInputDate = Date()
        // The "back soon" page has nothing to press; the staff corner and chord still work.
        if timeline.mode == .outOfOrder { return false }
        let wasAttract = timeline.mode == .attract
        handle(.input)
        return wasAttract && swallowIfStopping
    }

    private func pinKey(_ key: KeyPress.Key) {
        switch key {
        case .digit(let d), .keypadDigit(let d): handle(.pinDigit(d))
        case .backspace, .delete: handle(.pinBackspace)
        case .enter: handle(.pinSubmit)
        case .escape: handle(.pinCancel)
        default: handle(.input)
        }
    }

    // MARK: - The timeline

    private func handle(_ event: KioskTimeline.Event) {
        guard !destroyed else { return }
        let actions = timeline.handle(event, now: clock.now)
        perform(actions)
        if case .staffPIN(let entered) = timeline.mode { view.showPINPad(true, entered: entered.count) }
        armTimeline()
    }

    private func armTimeline() {
        guard !destroyed else { return }
        if let deadline = timeline.nextDeadline {
            wake.set(seconds: max(0.01, deadline - clock.now)) { [weak self] in self?.handle(.tick) }
        } else {
            wake.cancel()
        }
    }

    private func perform(_ actions: [KioskTimeline.Action]) {
        for action in actions {
            switch action {
            case .resetToWelcome:
                trace.note("kiosk reset to welcome")
                core.store.dispatch(.kioskWelcome)
            case .startAttract:
                startAttract()
            case .stopAttract:
                stopAttract()
            case .showPINPad:
                trace.note("kiosk pin pad shown")
                view.showPINPad(true)
            case .hidePINPad:
                view.showPINPad(false)
                view.canvas.area.grabFocus()
            case .exit(let status):
                exitStatus = status
                trace.note("kiosk staff exit")
                view.window.destroy()
                app.quit()
            case .showOutOfOrder:
                trace.note("kiosk mode out-of-order")
                view.showOutOfOrder(true)
                startOrbit()
                writeHealth()
                SystemdNotifier.status("out of order: \(timeline.lastError ?? "model not loaded")")
                // systemd waits for READY=1: the calm screen is the exhibit's state now.
                if !readySent { sendReady() }
            case .hideOutOfOrder:
                view.showOutOfOrder(false)
                stopOrbit()
                writeHealth()
            case .retryLoad:
                log("trying to load the model again")
                core.load(weights: weights)
            case .log(let line):
                log(line)
            }
        }
    }

    // MARK: - Attract loop

    private func startAttract() {
        trace.note("kiosk mode attract")
        let start = core.store.state.view
        loop = AttractLoop(start: start)
        loopStart = clock.now
        lastFrameTime = nil
        view.showAttract(true)
        startOrbit()
        frames.start(milliseconds: 16) { [weak self] in self?.attractTick() }
        writeHealth()
    }

    private func startOrbit() {
        let start = clock.now
        view.orbit(elapsed: 0)
        orbitTicker.start(milliseconds: UInt32(AttractLoop.orbitStepSeconds * 1000)) { [weak self] in
            guard let self else { return }
            self.view.orbit(elapsed: self.clock.now - start)
        }
    }

    private func stopOrbit() {
        orbitTicker.stop()
        view.orbit(elapsed: nil)
    }

    private func attractTick() {
        guard let loop, !destroyed else { return }
        core.store.dispatch(.attractFrame(loop.frame(at: clock.now - loopStart)))
    }

    private func stopAttract() {
        trace.note("kiosk mode visitor")
        frames.stop()
        stopOrbit()
        view.showAttract(false)
        lastFrameTime = nil
        if let loop { core.store.dispatch(.attractStopped(loop.handover(at: clock.now - loopStart))) }
        loop = nil
        writeHealth()
    }

    private func attractFrameDrawn() {
        let now = clock.now
        if let last = lastFrameTime { maxGapThisMinute = max(maxGapThisMinute, now - last) }
        lastFrameTime = now
        framesThisMinute += 1
    }

    private func reportFrames() {
        trace.note(String(format: "kiosk frames %d max-gap %.1f ms", framesThisMinute, maxGapThisMinute * 1000))
        framesThisMinute = 0
        maxGapThisMinute = 0
    }

    // MARK: - The core

    private func changed(_ intent: Intent, _ old: AppState, _ new: AppState) {
        guard !destroyed else { return }
        switch intent {
        case .modelLoaded:
            // A fresh seed and the exhibit's directions from the start (the store runs it
            // right after this change); back from out of order, the timeline's reset does it.
            if timeline.mode == .outOfOrder { handle(.modelLoaded) } else { core.store.dispatch(.kioskWelcome) }
        case .modelFailed(let failure):
            handle(.modelFailed(failure.message))
        default:
            break
        }
        view.render(new)
    }

    private func sendReady() {
        readySent = true
        SystemdNotifier.ready(status: "exhibit running")
        trace.note("kiosk ready")
    }

    // MARK: - Pointer

    private func showPointer() {
        if !pointerShown {
            pointerShown = true
            view.window.setCursor(nil)
        }
        hidePointerLater()
    }

    private func hidePointerLater() {
        pointerTimer.set(seconds: KioskOptions.pointerHideSeconds) { [weak self] in
            guard let self, !self.destroyed else { return }
            self.pointerShown = false
            self.view.window.setCursor("none")
            self.trace.note("kiosk pointer hidden")
        }
    }

    // MARK: - Health

    private func writeHealth() {
        guard let path = options.healthFile else { return }
        let report = HealthReport(version: Version.string, uptimeSeconds: clock.now - started,
                                  imagesGenerated: core.store.state.imagesGenerated, attractCycles: timeline.attractCycles,
                                  lastInput: lastInputDate, lastError: timeline.lastError,
                                  mode: HealthReport.modeName(timeline.mode), written: Date())
        let text = report.json()
        let log = core.log
        // fsync can take a while on an SD card: never on the main thread.
        core.lanes.enqueue {
            do { try AtomicFile.write(Array(text.utf8), to: path) } catch {
                let message = (error as? DigitCoreError)?.userMessage ?? "\(error)"
                MainContext.invoke { log("kiosk: cannot write the health file: \(message)") }
            }
        }
    }

    private func log(_ line: String) {
        core.log("kiosk: " + line)
    }
}
