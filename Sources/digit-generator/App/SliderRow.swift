import DigitStudio

/// One direction slider: a drop-down choosing the direction (each entry with a preview
/// strip), the slider over +-3 standard deviations (striped beyond +-2), the offset as text
/// and a reset button. It renders a slider of the state and emits intents.
final class SliderRow {
    let index: Int
    let name: String
    let label: Label
    let dropDown = DropDown()
    let scale = Scale(min: -Double(ViewSettings.offsetRange), max: Double(ViewSettings.offsetRange),
                      step: Double(ViewSettings.offsetRange) / 10, page: Double(ViewSettings.offsetRange) / 2)
    let value = Label("+0.0")
    let reset = Button(iconName: "edit-undo-symbolic")
    var dispatch: ((Intent) -> Void)?
    let accessibleText: AccessibleText

    /// Directions in the drop-down, in order, for `shownDigit`.
    private var entries: [Direction] = []
    private var shownDigit = -1
    private var previews: Previews?
    private var rendering = false

    init(index: Int, accessibleText: AccessibleText) {
        self.index = index
        self.accessibleText = accessibleText
        name = index == 0 ? "A" : "B"
        label = Label("Slider _\(name)", mnemonic: true)
        label.setXAlign(0)
        label.addClass("dim-label")
        label.setMnemonicWidget(scale)

        dropDown.setTooltip("Direction slider \(name) moves the samples along")
        dropDown.setAccessibleLabel("Direction of slider \(name)")
        dropDown.labelDescendants(ofType: "GtkScrolledWindow", "Directions for slider \(name)")
        dropDown.labelDescendants(ofType: "GtkListView", "Directions for slider \(name)")
        dropDown.setListRows(title: { [weak self] i in self?.entryTitle(i) ?? "" },
                             subtitle: { [weak self] i in self?.entrySubtitle(i) ?? "" },
                             stripSize: (5 * 56, 56)) { [weak self] i, painter, w, h in
            self?.drawStrip(i, painter, width: w, height: h)
        }
        dropDown.onSelectedChanged { [weak self] in
            guard let self, !self.rendering, self.entries.indices.contains(self.dropDown.selected) else { return }
            self.dispatch?(.chooseDirection(slider: self.index, self.entries[self.dropDown.selected].id))
        }

        scale.addClass("offset")
        scale.setExpand(horizontal: true)
        for v in [-2.0, 2.0] {
            scale.addMark(v, above: true)
            scale.addMark(v, above: false)
        }
        scale.addMark(0, above: true)
        scale.addMark(0, above: false)
        scale.onUserChange { [weak self] v in
            guard let self, !self.rendering else { return }
            self.dispatch?(.setOffset(slider: self.index, Float(v)))
        }
        scale.addKeyController(capture: true) { [weak self] press in
            guard let self, press.plain, let key = SliderRow.sliderKey(press.key) else { return false }
            self.dispatch?(.sliderKey(slider: self.index, key))
            return true
        }

        value.setWidthChars(5)
        value.setXAlign(1)
        value.addClass("value-label")
        value.addClass("numeric")

        reset.addClass("flat")
        reset.setAlign(vertical: .center)
        reset.setTooltip("Back to the sampled images (Delete)")
        reset.setAccessibleLabel("Slider \(name): back to the sampled images")
        reset.onClicked { [weak self] in
            guard let self else { return }
            // The button turns insensitive at 0: keep the keyboard on the slider.
            let focused = self.reset.hasFocus
            self.dispatch?(.resetOffset(slider: self.index))
            if focused { self.scale.grabFocus() }
        }
    }

    /// Arrow keys, Page Up/Down, Home/End, Delete and keypad 0 (Insert without Num Lock).
    static func sliderKey(_ key: KeyPress.Key) -> SliderKey? {
        switch key {
        case .right, .up: return .stepUp
        case .left, .down: return .stepDown
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        case .home: return .minimum
        case .end: return .maximum
        case .delete, .keypadDigit(0), .keypadInsert: return .reset
        default: return nil
        }
    }

    func render(_ state: AppState) {
        rendering = true
        defer { rendering = false }
        let ready = state.info != nil
        for w in [dropDown, scale, reset] as [Widget] { w.setSensitive(ready) }
        guard let catalog = state.catalog, state.view.sliders.indices.contains(index) else { return }
        let digit = state.view.digit
        if digit != shownDigit || entries.isEmpty {
            shownDigit = digit
            entries = catalog.entries[digit]
            dropDown.setItems(entries.map { $0.id.title })
        }
        let setting = state.view.sliders[index]
        if let i = entries.firstIndex(where: { $0.id == setting.direction }) { dropDown.setSelected(i) }
        previews = state.previews
        scale.setValue(Double(setting.offset))
        let text = String(signedTenths: setting.offset)
        value.setText(text)
        let spoken = state.offsetText(slider: index)
        if spoken != lastSpoken {
            lastSpoken = spoken
            accessibleText.set(scale, .valueText, spoken)
            accessibleText.set(scale, .description,
                               "Moves the five samples \(spoken); the typical range is within 2 standard deviations")
            accessibleText.set(value, .tooltip, spoken)
        }
        if setting.direction != labelledDirection {
            labelledDirection = setting.direction
            dropDown.setInnerButtonLabel("Direction of slider \(name): \(setting.direction.title)")
        }
        reset.setSensitive(setting.offset != 0)
    }
    private var lastSpoken = ""
    private var labelledDirection: DirectionID?

    private func entryTitle(_ i: Int) -> String { entries.indices.contains(i) ? entries[i].id.title : "" }
    private func entrySubtitle(_ i: Int) -> String { entries.indices.contains(i) ? entries[i].subtitle : "" }

    private func drawStrip(_ i: Int, _ painter: Painter, width: Int, height: Int) {
        guard entries.indices.contains(i), let previews, previews.digit == shownDigit,
              let strip = previews.strip(entries[i].id) else {
            for k in 0..<5 { painter.fill(x: Double(k * height), y: 0, size: Double(height), gray: 0.15) }
            return
        }
        let size = Double(height)
        for k in 0..<strip.count {
            let image = GrayImage(side: strip.side)
            image.update(strip.gray, index: k)
            painter.paint(image, x: Double(k) * size, y: 0, size: size)
        }
    }
}
