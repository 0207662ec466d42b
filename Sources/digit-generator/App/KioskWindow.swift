import DigitCore
import DigitStudio
import Foundation

/// The exhibit's window (`--kiosk`): fullscreen without a header bar or menu, one line for
/// visitors, big digit buttons, the five images as a touch pad (drag: the two directions; tap:
/// new handwriting), the attract hint, the staff's number pad and the "back soon" screen. It
/// renders the core's state and the exhibit's mode and reports input; `KioskShell` decides.
final class KioskWindow {
    static let visitorText = "Pick a digit. Drag across the pictures to change the handwriting."
    static let hintText = "Touch to explore"
    /// The staff corner: a press held here for 5 s asks for the staff exit.
    static let cornerSize = 96

    let window: Window
    let canvas = DigitCanvas()
    let digits = DigitRow()
    let pinPad = PINPad()
    /// The exhibit's page: the text, the buttons, the images.
    let content = Box(vertical: true, spacing: 18)
    let corner = Box(vertical: true)
    private let core: AppCore
    private let trace: Trace
    private let visitor = Label(KioskWindow.visitorText)
    private let hint = Label(KioskWindow.hintText)
    private let padHint = Label()
    private let seed = Label()
    private let newSamples = Button(label: "New handwriting", iconName: "view-refresh-symbolic")
    /// The exhibit or the "back soon" page; its margins move while nobody uses it (burn-in).
    private let stack = Stack()
    private let bottomStack = Stack()
    /// The pad's directions, the seed and the New button (the hint replaces it while idle).
    private let bottom = Box(vertical: false, spacing: 24)
    private let outOfOrder = StatusPage(iconName: "weather-few-clouds-symbolic", title: "Back Soon")
    private let overlay = Overlay()
    private var lastDigit = -1

    init(app: Application, core: AppCore, trace: Trace) {
        self.core = core
        self.trace = trace
        window = Window(app: app)
        window.setTitle(MainWindow.appName)
        window.setIconName(Resources.appID)
        window.setDecorated(false)
        window.setDeletable(false)
        window.addClass("kiosk")
        // Fullscreen before the first frame, and the first frame already at the screen's size:
        // cage maximizes a window only after its first frame is up, so a window at its own
        // size would be seen small for a moment.
        if let size = Display.firstMonitorSize { window.setDefaultSize(width: size.width, height: size.height) }
        window.fullscreen()

        visitor.addClass("kiosk-visitor")
        visitor.setWrap(true)
        content.append(visitor)
        digits.grid.addClass("kiosk-digits")
        content.append(digits.grid)
        canvas.area.addClass("kiosk-canvas")
        canvas.area.setTooltip("")
        canvas.area.setAccessibleLabel("Generated digits: drag to change the handwriting, tap for new handwriting")
        content.append(canvas.area)
        padHint.addClass("kiosk-pad-hint")
        padHint.setXAlign(0)
        padHint.setExpand(horizontal: true)
        bottom.append(padHint)
        seed.addClass("kiosk-seed")
        seed.setAccessibleLabel("Seed")
        bottom.append(seed)
        newSamples.addClass("kiosk-new")
        newSamples.addClass("pill")
        newSamples.setAccessibleLabel("New handwriting")
        newSamples.setAction("win.new-samples")
        newSamples.setFocusOnClick(false)
        bottom.append(newSamples)
        // While the exhibit runs itself, the hint takes the bottom row's place.
        hint.addClass("kiosk-hint")
        hint.setAlign(horizontal: .center, vertical: .center)
        bottomStack.add(bottom, name: "controls")
        bottomStack.add(hint, name: "hint")
        content.append(bottomStack)
        content.setMargins(24)

        stack.add(content, name: "exhibit")
        outOfOrder.setDescriptionMarkup("This exhibit is taking a short break.\nPlease come back in a few minutes.")
        outOfOrder.addClass("kiosk-out-of-order")
        stack.add(outOfOrder, name: "out-of-order")
        overlay.setChild(stack)
        orbit(elapsed: nil)
        showAttract(false)
        outOfOrder.setAccessibleHidden(true)

        pinPad.card.setVisible(false)
        overlay.addOverlay(pinPad.card)
        corner.setSizeRequest(width: KioskWindow.cornerSize, height: KioskWindow.cornerSize)
        corner.setAlign(horizontal: .start, vertical: .start)
        corner.setAccessibleLabel("Staff corner")
        overlay.addOverlay(corner)
        window.setContent(overlay)

        canvas.onLayout = { [weak self] _ in self?.traceLayout() }
        canvas.onActivate = { [weak core] in core?.store.dispatch(.newSamples) }
    }

    /// Shows the core's state: the images (or the attract loop's frame), the digit, the seed.
    func render(_ s: AppState) {
        let ready = s.info != nil
        window.setActionEnabled("select-digit", ready)
        window.setActionEnabled("new-samples", ready)
        // While the loop runs, the buttons follow the digit on screen.
        let view = s.attract.map { frame in KioskWindow.nearest(frame.frame) } ?? s.view
        if view.digit != lastDigit {
            lastDigit = view.digit
            window.setActionState("select-digit", int: view.digit)
        }
        digits.render(selected: view.digit)
        seed.setText("Seed \(view.seed)")
        padHint.setText(KioskWelcome.padHint(view))
        canvas.render(s)
    }

    /// The view of a frame's nearer stop.
    static func nearest(_ frame: AttractLoop.Frame) -> ViewSettings {
        switch frame {
        case .stop(let v): return v
        case .between(let a, let b, let t): return t < 0.5 ? a : b
        }
    }

    func showOutOfOrder(_ on: Bool) {
        stack.show(on ? "out-of-order" : "exhibit")
        content.setAccessibleHidden(on)
        outOfOrder.setAccessibleHidden(!on)
        window.setClass("out-of-order", on)
        window.setTitle(on ? "\(MainWindow.appName) — back soon" : MainWindow.appName)
    }

    /// The attract loop's look: the hint instead of the bottom row, still parts dimmed.
    func showAttract(_ on: Bool) {
        bottomStack.show(on ? "hint" : "controls")
        // GTK 4.8 keeps a stack's hidden child in the accessibility tree: take it out.
        hint.setAccessibleHidden(!on)
        bottom.setAccessibleHidden(on)
        window.setClass("attract", on)
    }

    func showPINPad(_ on: Bool, entered: Int = 0) {
        pinPad.render(entered: entered)
        pinPad.card.setVisible(on)
        content.setSensitive(!on)
        if on { pinPad.keys.first?.grabFocus() }
    }

    /// Moves the page to the orbit position of `elapsed` seconds without a visitor (nil: the
    /// resting centre): text and buttons never stand still for long on an idle exhibit.
    func orbit(elapsed: Double?) {
        let p = AttractLoop.orbit(at: elapsed)
        let r2 = 2 * Int(AttractLoop.orbitRadius)
        stack.setMargins(start: p.left, top: p.top, end: r2 - p.left, bottom: r2 - p.top)
    }

    /// Where the cells, digit buttons, staff corner and the New button are, for tests.
    func traceLayout() {
        guard trace.enabled else { return }
        let size = window.size
        var parts = ["window=\(size.width)x\(size.height)"]
        if let area = canvas.area.surfaceBounds {
            let layout = CanvasLayout(count: ViewSettings.sampleCount, side: 28, width: Double(area.width),
                                      height: Double(area.height), gap: DigitCanvas.gap)
            parts.append("cells=" + layout.cells.map { c in "\(area.x + Int(c.x)),\(area.y + Int(c.y)),\(Int(c.size))" }
                .joined(separator: ";"))
            parts.append("pad=\(area.x),\(area.y),\(area.width),\(area.height)")
        }
        let buttons = digits.buttons.compactMap(\.surfaceBounds)
        if buttons.count == digits.buttons.count {
            parts.append("digits=" + buttons.map { "\($0.x),\($0.y),\($0.width),\($0.height)" }.joined(separator: ";"))
        }
        if let b = newSamples.surfaceBounds { parts.append("new=\(b.x),\(b.y),\(b.width),\(b.height)") }
        parts.append("corner=0,0,\(KioskWindow.cornerSize),\(KioskWindow.cornerSize)")
        trace.layout(parts.joined(separator: " "))
    }
}
