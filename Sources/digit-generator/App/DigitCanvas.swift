import DigitStudio

/// The five images: white ink on black as in MNIST in every theme, scaled by whole numbers
/// with nearest-neighbour filtering. Focusable: Space or Enter draws new samples. The draw
/// function only paints the images of the last `render`.
final class DigitCanvas {
    let area = ImageArea()
    /// Called from the draw function with the revision of the images it painted.
    var onDrawn: ((Int) -> Void)?
    /// Called from the draw function when the cells move.
    var onLayout: ((CanvasLayout) -> Void)?
    /// Space or Enter while focused.
    var onActivate: (() -> Void)?
    var accessibleText: AccessibleText?
    /// A drag on the images, as offsets from its start in fractions of the area's size
    /// (right and up positive); nil at its end.
    var onDrag: ((_ dx: Double, _ dy: Double) -> Void)?
    var onDragBegin: (() -> Void)?
    /// The press ended; `moved`: it was a drag (beyond `tapSlop` pixels), not a tap.
    var onDragEnd: ((_ moved: Bool) -> Void)?
    /// Called from the draw function when it painted a frame of the attract loop.
    var onAttractDrawn: (() -> Void)?
    /// A press that moves less than this many pixels is a tap.
    static let tapSlop = 12.0

    private var images: [GrayImage] = []
    private var shown: ShownImages?
    /// The attract loop's frame painted instead of `shown` (the kiosk, when idle).
    private var attract: AttractShown?
    private var dragMoved = false
    private var layout = CanvasLayout(count: 0, side: 1, width: 0, height: 0, gap: 0)
    static let gap = 8.0

    init() {
        area.setExpand(horizontal: true, vertical: true)
        // A drawing area's content size is its minimum too: keep it small, it expands.
        area.setContentSize(width: 5 * 28 + 4 * Int(DigitCanvas.gap), height: 84)
        area.addClass("digit-canvas")
        area.setFocusable(true)
        area.setAccessibleLabel("Generated digits")
        area.setAccessibleDescription("No images yet")
        area.setTooltip("Space or Enter: new samples. Drag: sideways moves slider A, up and down slider B")
        area.setDraw { [weak self] painter, width, height in self?.draw(painter, width: width, height: height) }
        area.addKeyController { [weak self] press in
            guard press.plain, press.key == .space || press.key == .enter else { return false }
            self?.onActivate?()
            return true
        }
        area.onPressed { [weak self] in self?.area.grabFocus() }
        area.onDrag(begin: { [weak self] in
            self?.dragMoved = false
            self?.onDragBegin?()
        }, update: { [weak self] dx, dy in
            guard let self, self.area.width > 0, self.area.height > 0 else { return }
            if (dx * dx + dy * dy).squareRoot() > DigitCanvas.tapSlop { self.dragMoved = true }
            self.onDrag?(dx / Double(self.area.width), -dy / Double(self.area.height))
        }, end: { [weak self] in
            guard let self else { return }
            self.onDragEnd?(self.dragMoved)
        })
    }

    static let attractDescription = "The exhibit is running by itself: handwritten digits turning into the next digit. Touch to explore."

    func render(_ state: AppState) {
        if let a = state.attract {
            guard a != attract else { return }
            upload(a.images)
            if attract == nil { area.setAccessibleDescription(DigitCanvas.attractDescription) }
            attract = a
            area.queueDraw()
            return
        }
        let leftAttract = attract != nil
        attract = nil
        guard let s = state.shown, s != shown || leftAttract else { return }
        upload(s.images)
        if shown?.view != s.view || leftAttract {
            if let accessibleText { accessibleText.set(area, .description, AppState.describe(s.view)) } else {
                area.setAccessibleDescription(AppState.describe(s.view))
            }
        }
        shown = s
        area.queueDraw()
    }

    private func upload(_ r: Rendered) {
        if images.count != r.count || images.first?.side != r.side {
            images = (0..<r.count).map { _ in GrayImage(side: r.side) }
        }
        for (i, image) in images.enumerated() { image.update(r.gray, index: i) }
    }

    private func draw(_ painter: Painter, width: Int, height: Int) {
        let count = max(images.count, ViewSettings.sampleCount)
        let current = CanvasLayout(count: count, side: images.first?.side ?? 28, width: Double(width),
                                   height: Double(height), gap: DigitCanvas.gap)
        if current != layout {
            layout = current
            onLayout?(current)
        }
        for (i, cell) in current.cells.enumerated() {
            let radius = min(6, cell.size / 8)
            if i < images.count, shown != nil || attract != nil {
                painter.paint(images[i], x: cell.x, y: cell.y, size: cell.size, radius: radius)
            } else {
                painter.fill(x: cell.x, y: cell.y, size: cell.size, gray: 0, radius: radius)
            }
        }
        if attract != nil { onAttractDrawn?() } else if let shown { onDrawn?(shown.revision) }
    }
}
