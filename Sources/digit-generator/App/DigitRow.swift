/// The digit buttons 0-9 on the stateful `win.select-digit` action: one Tab stop (only one
/// button at a time is focusable), Left/Right move within the row, Space/Enter pick the
/// focused digit. Ten in a row, or two rows of five when the window is narrow.
final class DigitRow {
    let grid = Grid(rowSpacing: 6, columnSpacing: 6)
    private(set) var buttons: [ToggleButton] = []
    private var roving = 0
    private var columns = 0

    init(classes: Int = 10) {
        grid.addClass("digit-row")
        grid.setColumnHomogeneous(true)
        grid.setExpand(horizontal: true)
        for digit in 0..<classes {
            let b = ToggleButton(label: "\(digit)")
            b.setAction("win.select-digit(\(digit))")
            b.setTooltip("Five samples of \(digit) (key \(digit))")
            b.setAccessibleLabel("Digit \(digit)")
            b.setFocusOnClick(false)
            b.setExpand(horizontal: true)
            buttons.append(b)
        }
        grid.addKeyController(capture: true) { [weak self] press in self?.key(press) ?? false }
        layout(columns: classes, buttonHeight: 48)
        setRoving(0)
    }

    /// Places the buttons `columns` per row, each `buttonHeight` high.
    func layout(columns: Int, buttonHeight: Int) {
        for b in buttons { b.setSizeRequest(width: 48, height: buttonHeight) }
        guard columns != self.columns else { return }
        self.columns = columns
        for b in buttons { grid.remove(b) }
        for (i, b) in buttons.enumerated() { grid.attach(b, column: i % columns, row: i / columns) }
    }

    /// The selected digit is the row's Tab stop (unless the focus is inside the row).
    func render(selected: Int) {
        if !grid.containsFocus { setRoving(selected) }
    }

    private func setRoving(_ index: Int) {
        guard buttons.indices.contains(index) else { return }
        roving = index
        for (i, b) in buttons.enumerated() { b.setFocusable(i == index) }
    }

    private func key(_ press: KeyPress) -> Bool {
        guard press.plain else { return false }
        let step: Int
        switch press.key {
        case .left: step = -1
        case .right: step = 1
        case .up where columns < buttons.count: step = -columns
        case .down where columns < buttons.count: step = columns
        case .home: step = -roving
        case .end: step = buttons.count - 1 - roving
        default: return false
        }
        let next = roving + step
        guard buttons.indices.contains(next) else { return true }
        setRoving(next)
        buttons[next].grabFocus()
        return true
    }
}
