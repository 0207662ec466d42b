import DigitStudio

/// The same style, every digit: the first sample (with the sliders' offsets) drawn as each
/// digit 0-9, the shown digit framed. A click, or Left/Right then Space/Enter, switches to
/// that digit in this style.
final class StyleRowView {
    let box = Box(vertical: true, spacing: 4)
    let area = ImageArea()
    private let caption = Label("Same style, every digit")
    /// A digit was picked.
    var onPick: ((Int) -> Void)?
    /// The cells moved (for the trace).
    var onLayout: (() -> Void)?
    /// Where the cells are, in the area's coordinates.
    var cells: [CanvasLayout.Cell] { layout.cells }

    private var images: [GrayImage] = []
    private var row: StyleRow?
    private var current = 0
    /// The cell the keyboard is on.
    private var cursor = 0
    private var layout = CanvasLayout(count: 0, side: 1, width: 0, height: 0, gap: 0)
    static let gap = 6.0

    init() {
        caption.setXAlign(0)
        caption.addClass("dim-label")
        caption.addClass("caption-heading")
        box.append(caption)
        area.setExpand(horizontal: true, vertical: false)
        area.setContentSize(width: 10 * 28, height: 56)
        area.addClass("style-row")
        area.setFocusable(true)
        area.setAccessibleLabel("Same style, every digit")
        area.setAccessibleDescription("No images yet")
        area.setTooltip("The first sample's style as every digit. Click one (or Left/Right, then Space) to switch to it in this style")
        area.setDraw { [weak self] painter, width, height in self?.draw(painter, width: width, height: height) }
        area.onPointer(press: { [weak self] x, y in
            guard let self else { return }
            self.area.grabFocus()
            if let i = self.cell(atX: x, y: y) { self.onPick?(i) }
        }, move: { _, _ in })
        area.addKeyController { [weak self] press in self?.key(press) ?? false }
        box.append(area)
    }

    /// In a small window the caption goes (the tooltip and accessible name keep saying it).
    func setCompact(_ compact: Bool) {
        caption.setVisible(!compact)
        area.setContentSize(width: 10 * 28, height: compact ? 40 : 56)
    }

    func render(_ state: AppState) {
        current = state.view.digit
        guard let r = state.styleRow, r != row else {
            area.queueDraw()
            return
        }
        if images.count != r.images.count { images = (0..<r.images.count).map { _ in GrayImage(side: r.images.side) } }
        for (i, image) in images.enumerated() { image.update(r.images.gray, index: i) }
        row = r
        let source = r.view.style ?? r.view.digit
        area.setAccessibleDescription("The style of sample 1 of the digit \(source) (seed \(r.view.seed)) drawn as each digit 0 to 9; "
                                      + "the digit \(r.view.digit) is shown above")
        area.queueDraw()
    }

    private func cell(atX x: Double, y: Double) -> Int? {
        layout.cells.firstIndex { c in x >= c.x && x < c.x + c.size && y >= c.y && y < c.y + c.size }
    }

    private func key(_ press: KeyPress) -> Bool {
        guard press.plain else { return false }
        switch press.key {
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(max(images.count, 10) - 1, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = max(images.count, 10) - 1
        case .space, .enter: onPick?(cursor)
        default: return false
        }
        area.setAccessibleValueText("Digit \(cursor)")
        area.queueDraw()
        return true
    }

    private func draw(_ painter: Painter, width: Int, height: Int) {
        let count = max(images.count, 10)
        let current = CanvasLayout(count: count, side: images.first?.side ?? 28, width: Double(width),
                                   height: Double(height), gap: StyleRowView.gap)
        if current != layout {
            layout = current
            onLayout?()
        }
        for (i, cell) in current.cells.enumerated() {
            let radius = min(4, cell.size / 8)
            if i < images.count, row != nil {
                painter.paint(images[i], x: cell.x, y: cell.y, size: cell.size, radius: radius)
            } else {
                painter.fill(x: cell.x, y: cell.y, size: cell.size, gray: 0, radius: radius)
            }
            if i == self.current {
                painter.outline(x: cell.x - 3, y: cell.y - 3, width: cell.size + 6, height: cell.size + 6, lineWidth: 2,
                                color: (0.21, 0.52, 0.89))
            }
        }
        if area.hasFocus, current.cells.indices.contains(cursor) {
            let c = current.cells[cursor]
            painter.outline(x: c.x - 3, y: c.y - 3, width: c.size + 6, height: c.size + 6, lineWidth: 1,
                            color: (0.9, 0.9, 0.9))
        }
    }
}
