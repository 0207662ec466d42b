import CGtk
import CGtkShim

/// A GObject that Swift keeps: one strong reference taken at wrap time (sinking a floating
/// one) and released in deinit, and the signal handlers connected through it, remembered so
/// that `disconnectAll` (at teardown, and in deinit) removes them and releases their closures.
class GObjectRef {
    let raw: UnsafeMutableRawPointer
    private var handlers: [(instance: UnsafeMutableRawPointer, id: gulong)] = []
    /// Objects whose lifetime follows this one (controllers, list models).
    private var owned: [GObjectRef] = []

    init(_ raw: UnsafeMutableRawPointer) {
        self.raw = raw
        g_object_ref_sink(raw)
    }

    deinit {
        disconnectAll()
        g_object_unref(raw)
    }

    /// Remembers a handler connected to `instance` (this object or one it owns).
    func track(_ id: gulong, on instance: UnsafeMutableRawPointer? = nil) {
        if id != 0 { handlers.append((instance ?? raw, id)) }
    }

    func keep(_ other: GObjectRef) { owned.append(other) }

    /// Disconnects every handler connected through this object and the objects it owns.
    func disconnectAll() {
        for h in handlers where g_signal_handler_is_connected(h.instance, h.id) != 0 {
            g_signal_handler_disconnect(h.instance, h.id)
        }
        handlers.removeAll()
        for o in owned { o.disconnectAll() }
    }

    /// A signal whose handler takes no arguments (clicked, value-changed, activate, ...).
    func on(_ signal: String, _ body: @escaping () -> Void) {
        track(Signal.connect(raw, signal, body))
    }

    /// notify::property.
    func onNotify(_ property: String, _ body: @escaping () -> Void) {
        track(Signal.connectNotify(raw, property: property, body))
    }
}

/// A widget Swift keeps. Subclasses are the few kinds the app uses.
class Widget: GObjectRef {
    var widget: UnsafeMutablePointer<GtkWidget> { raw.assumingMemoryBound(to: GtkWidget.self) }

    init(_ widget: UnsafeMutablePointer<GtkWidget>) { super.init(rawPointer(widget)) }

    func setExpand(horizontal: Bool? = nil, vertical: Bool? = nil) {
        if let horizontal { gtk_widget_set_hexpand(widget, horizontal ? 1 : 0) }
        if let vertical { gtk_widget_set_vexpand(widget, vertical ? 1 : 0) }
    }

    enum Align { case fill, start, end, center }

    func setAlign(horizontal: Align? = nil, vertical: Align? = nil) {
        func gtk(_ a: Align) -> GtkAlign {
            switch a {
            case .fill: return GTK_ALIGN_FILL
            case .start: return GTK_ALIGN_START
            case .end: return GTK_ALIGN_END
            case .center: return GTK_ALIGN_CENTER
            }
        }
        if let horizontal { gtk_widget_set_halign(widget, gtk(horizontal)) }
        if let vertical { gtk_widget_set_valign(widget, gtk(vertical)) }
    }

    func setMargins(_ all: Int) {
        let m = Int32(all)
        gtk_widget_set_margin_start(widget, m); gtk_widget_set_margin_end(widget, m)
        gtk_widget_set_margin_top(widget, m); gtk_widget_set_margin_bottom(widget, m)
    }

    func setMargins(horizontal: Int, vertical: Int) {
        gtk_widget_set_margin_start(widget, Int32(horizontal)); gtk_widget_set_margin_end(widget, Int32(horizontal))
        gtk_widget_set_margin_top(widget, Int32(vertical)); gtk_widget_set_margin_bottom(widget, Int32(vertical))
    }

    func setSizeRequest(width: Int, height: Int) { gtk_widget_set_size_request(widget, Int32(width), Int32(height)) }

    func addClass(_ name: String) { gtk_widget_add_css_class(widget, name) }
    func removeClass(_ name: String) { gtk_widget_remove_css_class(widget, name) }
    func setClass(_ name: String, _ on: Bool) { on ? addClass(name) : removeClass(name) }

    func setTooltip(_ text: String) { gtk_widget_set_tooltip_text(widget, text) }
    func setSensitive(_ on: Bool) { gtk_widget_set_sensitive(widget, on ? 1 : 0) }
    func setVisible(_ on: Bool) { gtk_widget_set_visible(widget, on ? 1 : 0) }
    func setFocusable(_ on: Bool) { gtk_widget_set_focusable(widget, on ? 1 : 0) }
    func setFocusOnClick(_ on: Bool) { gtk_widget_set_focus_on_click(widget, on ? 1 : 0) }
    var hasFocus: Bool { gtk_widget_has_focus(widget) != 0 }
    /// The focus is on this widget or inside it.
    var containsFocus: Bool {
        guard let root = gtk_widget_get_root(widget), let focus = gtk_root_get_focus(root) else { return false }
        return focus == widget || gtk_widget_is_ancestor(focus, widget) != 0
    }
    @discardableResult func grabFocus() -> Bool { gtk_widget_grab_focus(widget) != 0 }
    func queueDraw() { gtk_widget_queue_draw(widget) }
    var width: Int { Int(gtk_widget_get_width(widget)) }
    var height: Int { Int(gtk_widget_get_height(widget)) }

    func setAccessibleLabel(_ text: String) { dg_accessible_set_label(widget, text) }
    func setAccessibleDescription(_ text: String) { dg_accessible_set_description(widget, text) }
    func setAccessibleValueText(_ text: String) { dg_accessible_set_value_text(widget, text) }
    /// Hides this widget and its descendants from assistive technologies (or shows them).
    func setAccessibleHidden(_ hidden: Bool) { dg_accessible_set_hidden(widget, hidden ? 1 : 0) }

    /// Names the focusable toggle button inside this widget (a GtkDropDown's or
    /// GtkMenuButton's), which GTK 4.8 otherwise announces as "GtkToggleButton".
    func setInnerButtonLabel(_ text: String) {
        var child = gtk_widget_get_first_child(widget)
        while let c = child {
            if dg_is_toggle_button(c) != 0 {
                dg_accessible_set_label(c, text)
                // The drop-down's button shows its item in a list-item widget of its own.
                Widget.label(descendantsOf: c, type: "GtkListItemWidget", text)
            }
            child = gtk_widget_get_next_sibling(c)
        }
    }

    private static func label(descendantsOf w: UnsafeMutablePointer<GtkWidget>, type: String, _ text: String) {
        var child = gtk_widget_get_first_child(w)
        while let c = child {
            if String(cString: dg_type_name(c)) == type { dg_accessible_set_label(c, text) }
            label(descendantsOf: c, type: type, text)
            child = gtk_widget_get_next_sibling(c)
        }
    }

    /// Names every descendant of GTK type `typeName` (parts GTK builds inside a widget, such
    /// as a drop-down's popup list, that would be announced by their type name).
    func labelDescendants(ofType typeName: String, _ text: String) {
        func visit(_ w: UnsafeMutablePointer<GtkWidget>) {
            if String(cString: dg_type_name(w)) == typeName { dg_accessible_set_label(w, text) }
            var child = gtk_widget_get_first_child(w)
            while let c = child {
                visit(c)
                child = gtk_widget_get_next_sibling(c)
            }
        }
        visit(widget)
    }

    /// Bounds in the toplevel surface's coordinates (what a screenshot of the window shows).
    var surfaceBounds: (x: Int, y: Int, width: Int, height: Int)? { WidgetGeometry.surfaceBounds(of: widget) }

    func addKeyController(capture: Bool = false, _ handler: @escaping (KeyPress) -> Bool) {
        let controller = KeyController(capture: capture, handler)
        gtk_widget_add_controller(widget, controller.controller)
        keep(controller)
    }

    /// Called when the focus leaves this widget and its children.
    func onFocusLeave(_ body: @escaping () -> Void) {
        let controller = FocusController(onLeave: body)
        gtk_widget_add_controller(widget, controller.controller)
        keep(controller)
    }

    /// A drag (mouse or finger) on this widget: begin, offsets from the start, end.
    func onDrag(begin: @escaping () -> Void, update: @escaping (_ dx: Double, _ dy: Double) -> Void,
                end: @escaping () -> Void) {
        var start = (x: 0.0, y: 0.0)
        onPointer(press: { x, y in
            start = (x, y)
            begin()
        }, move: { x, y in update(x - start.x, y - start.y) }, end: end)
    }

    /// Called on a primary button press (or a tap) on this widget.
    func onPressed(_ body: @escaping () -> Void) {
        let controller = ClickGesture(body)
        gtk_widget_add_controller(widget, controller.controller)
        keep(controller)
    }
}
