import DigitCore
import DigitStudio

/// Your handwriting in every digit: a drawing pad (mouse, pen or finger), the drawing as the
/// MNIST-style 28 x 28 input, the classifier's guess with a chooser to correct it, and the
/// style drawn as every digit 0-9. Strokes live in the state (points in the pad's square);
/// the pad only paints them and reports the pointer.
final class HandwritingView {
    /// The page: its content scrolls on its own, so that its minimum size never becomes the
    /// minimum of the other pages of the stack.
    private(set) lazy var page = ScrolledWindow(child: box)
    let box = Box(vertical: true, spacing: 10)
    private let top = Box(vertical: false, spacing: 16)
    let pad = ImageArea()
    let inputArea = ImageArea()
    let rowArea = ImageArea()
    private let guess = Label()
    private let problem = Label()
    private let chooser = DropDown()
    private let undo = Button(label: "_Undo Stroke", iconName: "edit-undo-symbolic", mnemonic: true)
    private let clear = Button(label: "_Clear", iconName: "edit-clear-all-symbolic", mnemonic: true)
    private let rowCaption = Label("Your style drawn as 0 to 9")

    var dispatch: ((Intent) -> Void)?
    /// Called from the row's draw function when its cells or the pad move (for the trace).
    var onLayout: (() -> Void)?

    private var strokes: [[PadPoint]] = []
    private var result: HandwritingResult?
    private var inputImage = GrayImage(side: 28)
    private var digitImages: [GrayImage] = []
    private var padSquare = (x: 0.0, y: 0.0, size: 1.0)
    private(set) var rowLayout = CanvasLayout(count: 0, side: 1, width: 0, height: 0, gap: 0)
    private var chooserWithoutClassifier = false
    private var updatingChooser = false
    private var lastChooserLabel = ""
    private var padDescription = ""
    static let gap = 6.0

    init() {
        pad.setExpand(horizontal: true, vertical: true)
        pad.setContentSize(width: 160, height: 160)
        pad.addClass("drawing-pad")
        pad.setFocusable(true)
        pad.setAccessibleLabel("Drawing pad")
        pad.setTooltip("Draw one digit with the mouse, a pen or a finger. Ctrl+Z: undo the last stroke; Delete: clear")
        pad.setDraw { [weak self] painter, width, height in self?.drawPad(painter, width: width, height: height) }
        pad.onPointer(press: { [weak self] x, y in
            guard let self else { return }
            self.pad.grabFocus()
            self.dispatch?(.strokeBegan(self.padPoint(x, y)))
        }, move: { [weak self] x, y in
            guard let self else { return }
            self.dispatch?(.strokeExtended(self.padPoint(x, y)))
        }, end: { [weak self] in self?.dispatch?(.strokeEnded) })
        top.append(pad)

        let side = Box(vertical: true, spacing: 8)
        side.setAlign(vertical: .start)
        let inputCaption = Label("MNIST-style input")
        inputCaption.setXAlign(0)
        inputCaption.addClass("dim-label")
        inputCaption.addClass("caption-heading")
        side.append(inputCaption)
        inputArea.setContentSize(width: 112, height: 112)
        inputArea.setAlign(horizontal: .start)
        inputArea.setAccessibleLabel("MNIST-style input")
        inputArea.setTooltip("The drawing as the model reads it: cropped, scaled to fit 20 x 20, centred by its centre of mass in 28 x 28")
        inputArea.setDraw { [weak self] painter, width, height in self?.drawInput(painter, width: width, height: height) }
        side.append(inputArea)
        guess.setXAlign(0)
        guess.setWrap(true)
        guess.setWidthChars(16)
        guess.addClass("title-3")
        side.append(guess)
        let chooserRow = Box(vertical: false, spacing: 8)
        let chooserLabel = Label("_Digit", mnemonic: true)
        chooserLabel.setMnemonicWidget(chooser)
        chooserRow.append(chooserLabel)
        chooser.setItems(["Classifier’s guess"] + (0..<10).map { "\($0)" })
        chooser.setAccessibleLabel("Your digit")
        chooser.setInnerButtonLabel("Your digit: the classifier’s guess")
        chooser.setTooltip("Correct the classifier: the digit your drawing shows (digit keys too). Clear forgets it")
        chooser.onSelectedChanged { [weak self] in
            guard let self, !self.updatingChooser else { return }
            let i = self.chooser.selected
            guard (0...10).contains(i) else { return }
            self.dispatch?(.chooseHandwritingDigit(i == 0 ? nil : i - 1))
        }
        chooserRow.append(chooser)
        side.append(chooserRow)
        let buttons = Box(vertical: false, spacing: 8)
        undo.setAccessibleLabel("Undo stroke")
        undo.setTooltip("Remove the last stroke (Ctrl+Z)")
        undo.onClicked { [weak self] in self?.dispatch?(.undoStroke) }
        buttons.append(undo)
        clear.setAccessibleLabel("Clear")
        clear.setTooltip("Remove every stroke and the digit you chose (Delete)")
        clear.onClicked { [weak self] in self?.dispatch?(.clearDrawing) }
        buttons.append(clear)
        side.append(buttons)
        problem.setXAlign(0)
        problem.setWrap(true)
        problem.setWidthChars(16)
        problem.addClass("error")
        side.append(problem)
        top.append(side)
        box.append(top)

        rowCaption.setXAlign(0)
        rowCaption.addClass("dim-label")
        rowCaption.addClass("caption-heading")
        box.append(rowCaption)
        rowArea.setExpand(horizontal: true, vertical: false)
        rowArea.setContentSize(width: 10 * 28, height: 90)
        rowArea.setAccessibleLabel("Your style drawn as 0 to 9")
        rowArea.setDraw { [weak self] painter, width, height in self?.drawRow(painter, width: width, height: height) }
        box.append(rowArea)
    }

    /// Narrow windows: the guess and the buttons go under the pad.
    func setCompact(_ on: Bool) {
        top.setVertical(on)
        // Two rows of five when narrow, each digit still 56 px (2x).
        rowArea.setContentSize(width: 10 * 28, height: on ? 2 * 56 + Int(HandwritingView.gap) : 90)
    }

    func render(_ state: AppState) {
        let h = state.handwriting
        let classifierMissing = state.info?.classifierProblem
        if h.strokes != strokes {
            strokes = h.strokes
            pad.queueDraw()
        }
        let padText = h.isEmpty ? "Empty: draw a digit here with the mouse, a pen or a finger"
            : "\(h.strokeText.prefix(1).uppercased() + h.strokeText.dropFirst()) drawn; Ctrl+Z undoes the last, Delete clears"
        if padText != padDescription {
            padDescription = padText
            pad.setAccessibleDescription(padText)
        }
        undo.setSensitive(!h.isEmpty)
        clear.setSensitive(!h.isEmpty || h.chosenDigit != nil)
        // The chooser follows the state; its own notifications while it does are not the person's.
        updatingChooser = true
        if chooserWithoutClassifier != (classifierMissing != nil) {
            chooserWithoutClassifier = classifierMissing != nil
            chooser.setItems([classifierMissing == nil ? "Classifier’s guess" : "Choose…"] + (0..<10).map { "\($0)" })
        }
        let selected = h.chosenDigit.map { $0 + 1 } ?? 0
        chooser.setSelected(selected)
        updatingChooser = false
        let chooserLabel = "Your digit: " + (h.chosenDigit.map(String.init)
            ?? (classifierMissing == nil ? "the classifier’s guess" : "not chosen"))
        if chooserLabel != lastChooserLabel {
            lastChooserLabel = chooserLabel
            chooser.setInnerButtonLabel(chooserLabel)
        }

        // The result on screen: the newest received, unless the drawing is empty or unreadable.
        let shown = h.isEmpty || h.problem != nil ? nil : h.result
        if shown != result {
            result = shown
            if let r = shown {
                inputImage.update(r.input, index: 0)
                if digitImages.count != r.images.count { digitImages = (0..<r.images.count).map { _ in GrayImage(side: r.images.side) } }
                for (i, image) in digitImages.enumerated() { image.update(r.images.gray, index: i) }
                inputArea.setAccessibleDescription("Your drawing as the 28 by 28 image the model reads")
                rowArea.setAccessibleDescription("Your handwriting style, read as \(r.digit), drawn as each digit 0 to 9")
            } else {
                inputArea.setAccessibleDescription("No drawing yet")
                rowArea.setAccessibleDescription("No images yet: draw a digit on the pad")
            }
            inputArea.queueDraw()
            rowArea.queueDraw()
        }

        if h.isEmpty {
            guess.setText("Draw a digit on the pad")
        } else if h.problem != nil {
            guess.setText("Cannot read the drawing")
        } else if let r = shown {
            guess.setText(r.guessText)
        } else if h.chosenDigit == nil, classifierMissing != nil {
            guess.setText("Which digit did you draw?")
        } else {
            guess.setText("Reading…")
        }
        var problemText = ""
        if let text = h.problem, !h.isEmpty {
            problemText = sentence(text)
        } else if let missing = classifierMissing, h.chosenDigit == nil {
            problemText = "The classifier that names digits could not be loaded (\(missing)): choose the digit you drew."
        }
        problem.setText(problemText)
        problem.setVisible(!problemText.isEmpty)
    }

    /// "no ink found" -> "No ink found."
    private func sentence(_ text: String) -> String {
        let s = text.prefix(1).uppercased() + text.dropFirst()
        return s.hasSuffix(".") ? s : s + "."
    }

    /// The pad's square (x, y, size) in an area of width x height.
    private static func square(width: Int, height: Int) -> (x: Double, y: Double, size: Double) {
        let size = Double(max(1, min(width, height)))
        return (((Double(width) - size) / 2).rounded(.down), ((Double(height) - size) / 2).rounded(.down), size)
    }

    private func padPoint(_ x: Double, _ y: Double) -> PadPoint {
        let s = padSquare
        return PadPoint(x: Float((x - s.x) / s.size), y: Float((y - s.y) / s.size))
    }

    /// Where the pad's square is in the window's surface (for the trace and the GUI test).
    var padBounds: (x: Int, y: Int, size: Int)? {
        guard let b = pad.surfaceBounds else { return nil }
        return (b.x + Int(padSquare.x), b.y + Int(padSquare.y), Int(padSquare.size))
    }

    private func drawPad(_ painter: Painter, width: Int, height: Int) {
        let s = HandwritingView.square(width: width, height: height)
        if s != padSquare {
            padSquare = s
            onLayout?()
        }
        let radius = min(12, s.size / 16)
        painter.fill(x: s.x, y: s.y, size: s.size, gray: 0, radius: radius)
        if strokes.isEmpty {
            painter.centredText("Draw a digit here", x: s.x + s.size / 2, y: s.y + s.size / 2, size: max(12, s.size / 14), gray: 0.55)
        } else {
            painter.strokes(strokes, x: s.x, y: s.y, size: s.size, width: Double(Handwriting.penWidth), gray: 1)
        }
        if pad.hasFocus {
            painter.outline(x: s.x, y: s.y, width: s.size, height: s.size, lineWidth: 2, color: (0.21, 0.52, 0.89))
        }
    }

    private func drawInput(_ painter: Painter, width: Int, height: Int) {
        let size = Double(min(width, height))
        let fitted = size >= 28 ? (size / 28).rounded(.down) * 28 : size
        if result != nil {
            painter.paint(inputImage, x: 0, y: 0, size: fitted, radius: 4)
        } else {
            painter.fill(x: 0, y: 0, size: fitted, gray: 0, radius: 4)
        }
    }

    private func drawRow(_ painter: Painter, width: Int, height: Int) {
        let layout = CanvasLayout(count: 10, side: 28, width: Double(width), height: Double(height), gap: HandwritingView.gap)
        let moved = layout != rowLayout
        rowLayout = layout
        if moved { onLayout?() }
        for (i, cell) in layout.cells.enumerated() {
            let radius = min(4, cell.size / 8)
            if result != nil, i < digitImages.count {
                painter.paint(digitImages[i], x: cell.x, y: cell.y, size: cell.size, radius: radius)
            } else {
                painter.fill(x: cell.x, y: cell.y, size: cell.size, gray: 0, radius: radius)
            }
        }
    }

    /// The ten cells in the window's surface coordinates, "x,y,size;...".
    var cellsText: String? {
        guard let b = rowArea.surfaceBounds, !rowLayout.cells.isEmpty else { return nil }
        return rowLayout.cells.map { "\(b.x + Int($0.x)),\(b.y + Int($0.y)),\(Int($0.size))" }.joined(separator: ";")
    }
}
