import DigitCore
import DigitStudio

/// The morph: from the view's first sample to another digit in the same style, or to
/// another sample; the frames are decoded once and played here (back and forth) at the
/// chosen speed. Play/pause, a frame slider, the last digit, same style or a new end sample,
/// the number of frames. Export writes the GIF (Save).
final class MorphView {
    let box = Box(vertical: true, spacing: 8)
    let area = ImageArea()
    private let caption = Label()
    private let toDigit = DropDown()
    private let sameStyle = CheckButton(label: "Same st_yle", mnemonic: true)
    private let newEnd = Button(label: "New _End", iconName: "view-refresh-symbolic", mnemonic: true)
    private let frameCount = DropDown()
    let play = Button(iconName: "media-playback-pause-symbolic")
    let position = Scale(min: 0, max: 47, step: 1, page: 8)
    private let speed = DropDown()
    private let ticker = Ticker()

    var dispatch: ((Intent) -> Void)?
    /// The frame's square moved (for the trace).
    var onLayout: (() -> Void)?
    /// The frame's square in the area's coordinates.
    private(set) var square = (x: 0.0, y: 0.0, size: 0.0)

    private var frames: MorphFrames?
    private var image = GrayImage(side: 28)
    private var frame = 0
    private var direction = 1
    private var playing = true
    private var visible = false
    private var speedFactor = 1.0
    private var fps = 24
    private var frameItems = MorphEnd.frameChoices
    private var settingFrames = false

    init() {
        caption.setXAlign(0)
        caption.setWrap(true)
        caption.addClass("dim-label")
        box.append(caption)

        area.setExpand(horizontal: true, vertical: true)
        area.setContentSize(width: 112, height: 112)
        area.addClass("morph-area")
        area.setFocusable(true)
        area.setAccessibleLabel("Morph")
        area.setAccessibleDescription("No frames yet")
        area.setTooltip("Space: play or pause; Left/Right: one frame")
        area.setDraw { [weak self] painter, width, height in self?.draw(painter, width: width, height: height) }
        area.addKeyController { [weak self] press in
            guard let self, press.plain else { return false }
            switch press.key {
            case .space, .enter: self.togglePlay()
            case .left: self.step(-1)
            case .right: self.step(1)
            default: return false
            }
            return true
        }
        area.onPressed { [weak self] in self?.area.grabFocus() }
        box.append(area)

        let row1 = Box(vertical: false, spacing: 8)
        let toLabel = Label("_To", mnemonic: true)
        toLabel.setMnemonicWidget(toDigit)
        row1.append(toLabel)
        toDigit.setItems((0..<10).map { "\($0)" })
        toDigit.setAccessibleLabel("Last digit")
        toDigit.setTooltip("The digit of the last frame")
        toDigit.onSelectedChanged { [weak self] in
            guard let self, (0..<10).contains(self.toDigit.selected) else { return }
            self.dispatch?(.setMorphDigit(self.toDigit.selected))
        }
        row1.append(toDigit)
        sameStyle.setAccessibleLabel("Same style")
        sameStyle.setTooltip("Keep the first frame's latent vector: only the digit changes")
        sameStyle.onToggled { [weak self] on in self?.dispatch?(.setMorphSameStyle(on)) }
        row1.append(sameStyle)
        box.append(row1)
        let rowB = Box(vertical: false, spacing: 8)
        newEnd.setTooltip("Another sample for the last frame")
        newEnd.setAccessibleLabel("New end sample")
        newEnd.onClicked { [weak self] in self?.dispatch?(.newMorphEnd) }
        rowB.append(newEnd)
        let framesLabel = Label("_Frames", mnemonic: true)
        framesLabel.setMnemonicWidget(frameCount)
        rowB.append(framesLabel)
        frameCount.setItems(frameItems.map(String.init))
        frameCount.setAccessibleLabel("Frames")
        frameCount.onSelectedChanged { [weak self] in
            guard let self, !self.settingFrames, self.frameItems.indices.contains(self.frameCount.selected) else { return }
            self.dispatch?(.setMorphFrames(self.frameItems[self.frameCount.selected]))
        }
        rowB.append(frameCount)
        box.append(rowB)

        let row2 = Box(vertical: false, spacing: 8)
        play.setAccessibleLabel("Pause")
        play.setTooltip("Play or pause (Space on the morph)")
        play.onClicked { [weak self] in self?.togglePlay() }
        row2.append(play)
        position.setExpand(horizontal: true)
        position.setAccessibleLabel("Frame")
        position.onUserChange { [weak self] value in
            guard let self else { return }
            self.pause()
            self.show(frame: Int(value.rounded()))
        }
        row2.append(position)
        let speedLabel = Label("S_peed", mnemonic: true)
        speedLabel.setMnemonicWidget(speed)
        row2.append(speedLabel)
        speed.setItems(MorphEnd.speeds.map { $0 == 1 ? "1×" : "\($0)×" })
        speed.setAccessibleLabel("Speed")
        speed.onSelectedChanged { [weak self] in
            guard let self, MorphEnd.speeds.indices.contains(self.speed.selected) else { return }
            self.dispatch?(.setMorphSpeed(MorphEnd.speeds[self.speed.selected]))
        }
        row2.append(speed)
        box.append(row2)
    }

    /// Whether the page is on screen: the animation runs only then.
    func setVisible(_ on: Bool) {
        guard on != visible else { return }
        visible = on
        restartTicker()
    }

    /// In a small window the caption goes (the page's accessible description keeps it).
    func setCompact(_ compact: Bool) { caption.setVisible(!compact) }

    func render(_ state: AppState) {
        let morph = state.currentMorph
        toDigit.setSelected(morph.toDigit)
        sameStyle.setActive(morph.sameStyle)
        // An opened view may have another number of frames: it joins the choices.
        let items = Array(Set(MorphEnd.frameChoices + [morph.frames])).sorted()
        if items != frameItems {
            settingFrames = true
            frameItems = items
            frameCount.setItems(items.map(String.init))
            settingFrames = false
        }
        frameCount.setSelected(frameItems.firstIndex(of: morph.frames) ?? 0)
        speed.setSelected(MorphEnd.speeds.firstIndex(of: state.morphEnd.speed) ?? 2)
        toDigit.setInnerButtonLabel("Last digit: \(morph.toDigit)")
        frameCount.setInnerButtonLabel("Frames: \(morph.frames)")
        speed.setInnerButtonLabel("Speed: \(state.morphEnd.speed == 1 ? "1" : "\(state.morphEnd.speed)") times")
        let end = morph.sameStyle ? "the same style" : "seed \(morph.toSeed)"
        caption.setText("From \(morph.fromDigit) (seed \(morph.fromSeed)) to \(morph.toDigit) (\(end)), \(morph.frames) frames; "
                        + "the latent vector follows a spherical path and the digit condition blends")
        fps = state.morphEnd.fps
        if state.morphEnd.speed != speedFactor {
            speedFactor = state.morphEnd.speed
            restartTicker()
        }
        if let f = state.morphFrames, f != frames {
            let restart = frames?.morph != f.morph
            frames = f
            position.setRange(min: 0, max: Double(max(1, f.images.count - 1)))
            if restart { frame = 0; direction = 1 }
            show(frame: min(frame, f.images.count - 1))
        }
    }

    private func togglePlay() {
        if playing { pause() } else {
            playing = true
            restartTicker()
        }
        updatePlayButton()
    }

    private func pause() {
        playing = false
        ticker.stop()
        updatePlayButton()
        announceFrame()
    }

    private func updatePlayButton() {
        play.setIconName(playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic")
        play.setAccessibleLabel(playing ? "Pause" : "Play")
    }

    private func restartTicker() {
        ticker.stop()
        guard visible, playing else { return }
        let ms = UInt32((1000 / (Double(fps) * speedFactor)).rounded())
        ticker.start(milliseconds: ms) { [weak self] in self?.advance() }
    }

    /// Next frame, back and forth between the ends.
    private func advance() {
        guard let f = frames, f.images.count > 1 else { return }
        var next = frame + direction
        if next >= f.images.count || next < 0 {
            direction = -direction
            next = frame + direction
        }
        show(frame: next, announce: false)
    }

    private func step(_ delta: Int) {
        pause()
        show(frame: frame + delta)
    }

    /// Shows a frame; `announce` updates the accessible description (not while playing:
    /// each update goes out over the accessibility bus).
    private func show(frame index: Int, announce: Bool = true) {
        guard let f = frames, f.images.count > 0 else { return }
        frame = max(0, min(f.images.count - 1, index))
        image.update(f.images.gray, index: frame)
        position.setValue(Double(frame))
        if announce || !playing { announceFrame() }
        area.queueDraw()
    }

    private func announceFrame() {
        guard let f = frames else { return }
        area.setAccessibleDescription("Frame \(frame + 1) of \(f.images.count): from \(f.morph.fromDigit) to \(f.morph.toDigit)"
                                      + (playing ? ", playing" : ", paused"))
    }

    private func draw(_ painter: Painter, width: Int, height: Int) {
        let size = Double(min(width, height))
        let fitted = size >= 28 ? (size / 28).rounded(.down) * 28 : size
        let x = ((Double(width) - fitted) / 2).rounded(.down), y = ((Double(height) - fitted) / 2).rounded(.down)
        if (x, y, fitted) != square {
            square = (x, y, fitted)
            onLayout?()
        }
        if frames != nil {
            painter.paint(image, x: x, y: y, size: fitted, radius: min(8, fitted / 16))
        } else {
            painter.fill(x: x, y: y, size: fitted, gray: 0, radius: min(8, fitted / 16))
        }
        if area.hasFocus {
            painter.outline(x: x, y: y, width: fitted, height: fitted, lineWidth: 2, color: (0.21, 0.52, 0.89))
        }
    }
}
