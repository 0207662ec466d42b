import DigitStudio

/// The latent map: the first sample of the digit over the sliders' two directions, -2 to +2
/// standard deviations (slider A across, slider B up), the current offsets framed. A click
/// or a drag sets both offsets; arrow keys move them. The whole map is one decoded batch,
/// painted as one image.
final class MapView {
    let box = Box(vertical: true, spacing: 8)
    let area = ImageArea()
    private let caption = Label()
    private let sizes = DropDown()
    /// Both offsets picked on the map.
    var onPick: ((Float, Float) -> Void)?
    /// Arrow keys: slider 0 (left/right) or 1 (up/down), one step.
    var onKey: ((Int, SliderKey) -> Void)?
    var onSize: ((Int) -> Void)?
    /// Called from the draw function with the view revision whose offsets it marked.
    var onDrawn: ((Int) -> Void)?
    private var revision = 0
    /// The map moved or changed size (for the trace).
    var onLayout: (() -> Void)?
    /// The map's square in the area's coordinates, and its cells per side.
    var grid: (x: Double, y: Double, size: Double, cells: Int) {
        (square.x, square.y, square.size, map?.key.size ?? 0)
    }

    private var mosaic: GrayImage?
    private var map: LatentMap?
    private var offsets: (a: Float, b: Float) = (0, 0)
    private var square = (x: 0.0, y: 0.0, size: 0.0)
    private var tracedSize: Int?

    init() {
        let bar = Box(vertical: false, spacing: 8)
        caption.setXAlign(0)
        caption.setWrap(true)
        caption.setExpand(horizontal: true)
        caption.addClass("dim-label")
        bar.append(caption)
        let sizeLabel = Label("Map _size", mnemonic: true)
        sizeLabel.setMnemonicWidget(sizes)
        bar.append(sizeLabel)
        sizes.setItems(LatentMap.sizes.map { "\($0) × \($0)" })
        sizes.setAccessibleLabel("Map size")
        sizes.setTooltip("Cells per side of the map")
        sizes.onSelectedChanged { [weak self] in
            guard let self, LatentMap.sizes.indices.contains(self.sizes.selected) else { return }
            self.onSize?(LatentMap.sizes[self.sizes.selected])
        }
        bar.append(sizes)
        box.append(bar)

        area.setExpand(horizontal: true, vertical: true)
        area.setContentSize(width: 120, height: 120)
        area.addClass("latent-map")
        area.setFocusable(true)
        area.setAccessibleLabel("Latent map")
        area.setAccessibleDescription("No map yet")
        area.setTooltip("Click or drag to move the samples to a point of the map; arrow keys move it step by step")
        area.setDraw { [weak self] painter, width, height in self?.draw(painter, width: width, height: height) }
        area.onPointer(press: { [weak self] x, y in
            self?.area.grabFocus()
            self?.pick(x, y)
        }, move: { [weak self] x, y in self?.pick(x, y) })
        area.addKeyController { [weak self] press in
            guard let self, press.plain else { return false }
            switch press.key {
            case .left: self.onKey?(0, .stepDown)
            case .right: self.onKey?(0, .stepUp)
            case .up: self.onKey?(1, .stepUp)
            case .down: self.onKey?(1, .stepDown)
            default: return false
            }
            return true
        }
        box.append(area)
    }

    /// In a small window the caption goes (the page's accessible description keeps it).
    func setCompact(_ compact: Bool) { caption.setVisible(!compact) }

    func render(_ state: AppState) {
        sizes.setSelected(LatentMap.sizes.firstIndex(of: state.mapSize) ?? 0)
        revision = state.viewRevision
        sizes.setInnerButtonLabel("Map size: \(state.mapSize) by \(state.mapSize)")
        let v = state.view
        let a = v.sliders.first?.offset ?? 0, b = v.sliders.count > 1 ? v.sliders[1].offset : 0
        let directions = v.sliders.map { state.catalog?.direction($0.direction, digit: v.digit)?.id.phrase ?? $0.direction.phrase }
        if directions.count == 2 {
            caption.setText("The digit \(v.digit) across \(directions[0]) (left to right) and \(directions[1]) (bottom to top), "
                            + "−2 to +2 standard deviations")
        }
        if let m = state.map, m != map {
            let n = m.key.size, side = m.images.side
            let big = n * side
            var pixels = [UInt8](repeating: 0, count: big * big)
            m.images.gray.withUnsafeBufferPointer { g in
                for cell in 0..<min(m.images.count, n * n) {
                    let r = cell / n, c = cell % n
                    for y in 0..<side {
                        let src = (cell * side + y) * side
                        let dst = (r * side + y) * big + c * side
                        for x in 0..<side { pixels[dst + x] = g[src + x] }
                    }
                }
            }
            if mosaic?.side != big { mosaic = GrayImage(side: big) }
            pixels.withUnsafeBufferPointer { mosaic?.update(gray: $0) }
            map = m
        }
        if (a, b) != offsets || state.map == map {
            offsets = (a, b)
            if let m = map {
                let cell = LatentMap.cell(a: a, b: b, size: m.key.size)
                let about = AppState.describe(m.key.view)
                area.setAccessibleDescription("\(m.key.size) by \(m.key.size) map around the first of "
                                              + about.prefix(1).lowercased() + about.dropFirst() + "; "
                                              + "the samples are at column \(cell.column + 1), row \(cell.row + 1) "
                                              + "(\(AppState.offsetText(a, direction: v.sliders[0].direction)), "
                                              + "\(AppState.offsetText(b, direction: v.sliders[1].direction)))")
            }
        }
        area.queueDraw()
    }

    /// Offsets at a point of the area: the cells' centres are the map's positions.
    private func pick(_ x: Double, _ y: Double) {
        guard let m = map, square.size > 0 else { return }
        let n = Double(m.key.size)
        let pitch = square.size / n
        let column = (x - square.x) / pitch - 0.5
        let row = (y - square.y) / pitch - 0.5
        let reach = Double(LatentMap.reach)
        let a = -reach + 2 * reach * column / (n - 1)
        let b = reach - 2 * reach * row / (n - 1)
        onPick?(Float(max(-reach, min(reach, a))), Float(max(-reach, min(reach, b))))
    }

    private func draw(_ painter: Painter, width: Int, height: Int) {
        let size = Double(min(width, height))
        let n = Double(map?.key.size ?? LatentMap.defaultSize)
        // Whole pixels per map pixel when that fills most of the room (every image pixel an
        // equal block); else the whole room, blocks differing by one screen pixel.
        let side = n * 28
        let whole = (size / side).rounded(.down) * side
        let fitted = whole >= 0.85 * size ? whole : size.rounded(.down)
        let placed = (((Double(width) - fitted) / 2).rounded(.down), ((Double(height) - fitted) / 2).rounded(.down), fitted)
        if placed != square || map?.key.size != tracedSize {
            square = placed
            tracedSize = map?.key.size
            onLayout?()
        }
        guard let mosaic, let m = map else {
            painter.fill(x: square.x, y: square.y, size: fitted, gray: 0)
            return
        }
        painter.paint(mosaic, x: square.x, y: square.y, size: fitted)
        let pitch = fitted / Double(m.key.size)
        let cell = LatentMap.cell(a: offsets.a, b: offsets.b, size: m.key.size)
        // The samples' point, exactly (it may fall between cells), and the nearest cell framed.
        painter.outline(x: square.x + Double(cell.column) * pitch, y: square.y + Double(cell.row) * pitch,
                        width: pitch, height: pitch, lineWidth: max(2, pitch / 12), color: (0.21, 0.52, 0.89))
        if area.hasFocus {
            painter.outline(x: square.x, y: square.y, width: fitted, height: fitted, lineWidth: 2, color: (0.21, 0.52, 0.89))
        }
        onDrawn?(revision)
    }
}
