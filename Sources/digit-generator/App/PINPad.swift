/// The staff's number pad: the PIN's digits as dots, keys 0-9, Delete, OK and Cancel, each
/// a large touch target. It shows what the exhibit's timeline says and reports keys; it does
/// not know the PIN.
final class PINPad {
    let card = Box(vertical: true, spacing: 16)
    var onDigit: ((Int) -> Void)?
    var onDelete: (() -> Void)?
    var onSubmit: (() -> Void)?
    var onCancel: (() -> Void)?
    private let dots = Label()
    private(set) var keys: [Button] = []

    init() {
        card.addClass("kiosk-pin")
        card.setAlign(horizontal: .center, vertical: .center)
        card.setAccessibleLabel("Staff number pad")
        let title = Label("Staff exit: enter the PIN")
        title.addClass("title-2")
        card.append(title)
        dots.addClass("kiosk-pin-dots")
        dots.setAccessibleLabel("Digits entered")
        card.append(dots)
        let grid = Grid(rowSpacing: 12, columnSpacing: 12)
        grid.setColumnHomogeneous(true)
        let layout: [[String]] = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["Delete", "0", "OK"]]
        for (row, names) in layout.enumerated() {
            for (column, name) in names.enumerated() {
                let b = Button(label: name == "Delete" ? "⌫" : name)
                b.setAccessibleLabel(name)
                b.addClass("kiosk-pin-key")
                if name == "OK" { b.addClass("suggested-action") }
                b.onClicked { [weak self] in
                    guard let self else { return }
                    switch name {
                    case "Delete": self.onDelete?()
                    case "OK": self.onSubmit?()
                    default: if let d = Int(name) { self.onDigit?(d) }
                    }
                }
                grid.attach(b, column: column, row: row)
                keys.append(b)
            }
        }
        card.append(grid)
        let cancel = Button(label: "Cancel")
        cancel.setAccessibleLabel("Cancel")
        cancel.addClass("kiosk-pin-cancel")
        cancel.onClicked { [weak self] in self?.onCancel?() }
        card.append(cancel)
        keys.append(cancel)
        render(entered: 0)
    }

    func render(entered: Int) {
        dots.setText(entered == 0 ? " " : String(repeating: "●", count: entered))
        dots.setAccessibleDescription(entered == 1 ? "1 digit entered" : "\(entered) digits entered")
    }
}
