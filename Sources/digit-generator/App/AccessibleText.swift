/// Accessible texts that follow the images and sliders, set once the frame showing them has
/// been painted: each update goes out over the accessibility bus, and during a drag that
/// would cost the frame a few hundred microseconds. Later texts for the same widget replace
/// earlier ones, so a drag sends the last value only.
final class AccessibleText {
    enum Kind: Hashable { case description, valueText, tooltip }
    private var pending: [ObjectIdentifier: (Widget, [Kind: String])] = [:]
    private var order: [ObjectIdentifier] = []
    private var scheduled = false

    func set(_ widget: Widget, _ kind: Kind, _ text: String) {
        let key = ObjectIdentifier(widget)
        if pending[key] == nil {
            pending[key] = (widget, [:])
            order.append(key)
        }
        pending[key]?.1[kind] = text
        guard !scheduled else { return }
        scheduled = true
        MainContext.idle { [weak self] in self?.flush() }
    }

    private func flush() {
        scheduled = false
        let items = order.compactMap { pending[$0] }
        pending.removeAll()
        order.removeAll()
        for (widget, texts) in items {
            if let t = texts[.description] { widget.setAccessibleDescription(t) }
            if let t = texts[.valueText] { widget.setAccessibleValueText(t) }
            if let t = texts[.tooltip] { widget.setTooltip(t) }
        }
    }
}
