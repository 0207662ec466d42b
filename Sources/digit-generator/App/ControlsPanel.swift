import DigitStudio

/// The controls under the images, in one grid: the two direction sliders, the temperature
/// and the seed. Wide: one row each, the sliders' tracks sharing a left edge. Narrow: a
/// slider's label, drop-down and value on one row and its track on the next.
final class ControlsPanel {
    let grid = Grid(rowSpacing: 6, columnSpacing: 10)
    let accessibleText = AccessibleText()
    lazy var sliders = [SliderRow(index: 0, accessibleText: accessibleText), SliderRow(index: 1, accessibleText: accessibleText)]
    let temperatureLabel = Label("_Temperature", mnemonic: true)
    let temperature = Scale(min: 0, max: Double(ViewSettings.maxTemperature), step: 0.05, page: 0.25)
    let temperatureValue = Label("1.00")
    let seedLabel = Label("_Seed", mnemonic: true)
    let seed = Entry()
    var dispatch: ((Intent) -> Void)? {
        didSet { for s in sliders { s.dispatch = dispatch } }
    }
    private var compact: Bool?
    private var rendering = false

    init() {
        grid.addClass("card")
        grid.addClass("controls")
        for l in [temperatureLabel, seedLabel] {
            l.setXAlign(0)
            l.addClass("dim-label")
        }
        temperatureLabel.setMnemonicWidget(temperature)
        seedLabel.setMnemonicWidget(seed)

        temperature.setExpand(horizontal: true)
        temperature.addMark(1, above: true)
        temperature.addMark(1, above: false)
        temperature.setTooltip("Spread of the samples around the typical digit (1 = as trained)")
        temperature.onUserChange { [weak self] v in
            guard let self, !self.rendering else { return }
            self.dispatch?(.setTemperature(Float(v)))
        }
        temperature.addKeyController(capture: true) { [weak self] press in
            guard let self, press.plain, let key = SliderRow.sliderKey(press.key) else { return false }
            self.dispatch?(.temperatureKey(key))
            return true
        }
        temperatureValue.setWidthChars(5)
        temperatureValue.setXAlign(1)
        temperatureValue.addClass("value-label")

        seed.setWidthChars(11)
        seed.setMaxLength(10)
        seed.addClass("seed-entry")
        seed.setTooltip("Seed of the samples: Enter uses it, Escape goes back (the same digit, seed and settings give the same images)")
        seed.setExpand(horizontal: false)
        seed.setAlign(horizontal: .start)
        seed.onChanged { [weak self] in
            guard let self, !self.rendering else { return }
            self.dispatch?(.editSeed(self.seed.text))
        }
        seed.onActivate { [weak self] in self?.dispatch?(.commitSeed) }
        seed.addKeyController(capture: true) { [weak self] press in
            guard press.key == .escape else { return false }
            self?.dispatch?(.cancelSeedEdit)
            return true
        }
        seed.onFocusLeave { [weak self] in
            guard let self, !self.rendering else { return }
            self.dispatch?(.seedFieldLeft)
        }
        layout(compact: false)
    }

    /// Attaches every control for a wide or a narrow window.
    func layout(compact: Bool) {
        guard compact != self.compact else { return }
        self.compact = compact
        let all: [Widget] = sliders.flatMap { [$0.label, $0.dropDown, $0.scale, $0.value, $0.reset] as [Widget] }
            + [temperatureLabel, temperature, temperatureValue, seedLabel, seed]
        for w in all { grid.remove(w) }
        if compact {
            // Columns: 0-1 label and track, 1-3 drop-down, 2 value, 3 reset.
            var row = 0
            for s in sliders {
                grid.attach(s.label, column: 0, row: row)
                grid.attach(s.dropDown, column: 1, row: row, width: 3)
                grid.attach(s.scale, column: 0, row: row + 1, width: 2)
                grid.attach(s.value, column: 2, row: row + 1)
                grid.attach(s.reset, column: 3, row: row + 1)
                row += 2
            }
            grid.attach(temperatureLabel, column: 0, row: row, width: 2)
            grid.attach(temperature, column: 0, row: row + 1, width: 2)
            grid.attach(temperatureValue, column: 2, row: row + 1)
            grid.attach(seedLabel, column: 0, row: row + 2)
            grid.attach(seed, column: 1, row: row + 2, width: 3)
            grid.setRowSpacing(4)
        } else {
            // Columns: 0 label, 1 drop-down or seed, 2 track, 3 value, 4 reset.
            for (row, s) in sliders.enumerated() {
                grid.attach(s.label, column: 0, row: row)
                grid.attach(s.dropDown, column: 1, row: row)
                grid.attach(s.scale, column: 2, row: row)
                grid.attach(s.value, column: 3, row: row)
                grid.attach(s.reset, column: 4, row: row)
            }
            grid.attach(temperatureLabel, column: 0, row: 2)
            grid.attach(temperature, column: 2, row: 2)
            grid.attach(temperatureValue, column: 3, row: 2)
            grid.attach(seedLabel, column: 0, row: 3)
            grid.attach(seed, column: 1, row: 3)
            grid.setRowSpacing(6)
        }
    }

    func render(_ state: AppState) {
        rendering = true
        defer { rendering = false }
        for s in sliders { s.render(state) }
        let ready = state.info != nil
        temperature.setSensitive(ready)
        seed.setSensitive(ready)
        temperature.setValue(Double(state.view.temperature))
        let t = String(hundredths: state.view.temperature)
        temperatureValue.setText(t)
        if t != lastTemperature {
            lastTemperature = t
            accessibleText.set(temperature, .valueText, "temperature \(t)")
        }
        seed.setText(state.seedText)
    }
    private var lastTemperature = ""
}
