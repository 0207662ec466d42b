import CGtk
import CGtkShim

// libadwaita's view stack and its switchers, a check button, a pointer tracker and the
// clipboard: what the explorer pages need beyond Views.swift.

/// AdwViewStack: named pages with a title and an icon, shown one at a time.
final class ViewStack: Widget {
    init() {
        super.init(adw_view_stack_new())
        // Each page asks for its own height: a tall page does not make the others taller.
        adw_view_stack_set_vhomogeneous(opaque(widget), 0)
    }

    func add(_ child: Widget, name: String, title: String, iconName: String) {
        adw_view_stack_add_titled_with_icon(opaque(widget), child.widget, name, title, iconName)
    }

    var visibleName: String? { string(adw_view_stack_get_visible_child_name(opaque(widget))) }

    func show(_ name: String) {
        if visibleName != name { adw_view_stack_set_visible_child_name(opaque(widget), name) }
    }

    /// The visible page changed (a switcher, or `show`).
    func onVisibleChanged(_ body: @escaping () -> Void) { onNotify("visible-child-name", body) }
}

/// AdwViewSwitcherTitle: the window title, with the page switcher when the header is wide.
final class ViewSwitcherTitle: Widget {
    init(title: String, stack: ViewStack) {
        super.init(adw_view_switcher_title_new())
        adw_view_switcher_title_set_stack(opaque(widget), opaque(stack.widget))
        adw_view_switcher_title_set_title(opaque(widget), title)
    }

    func setSubtitle(_ text: String) {
        if string(adw_view_switcher_title_get_subtitle(opaque(widget))) != text {
            adw_view_switcher_title_set_subtitle(opaque(widget), text)
        }
    }

    /// Whether the title (not the switcher) is shown: the header is too narrow for it.
    var titleVisible: Bool { adw_view_switcher_title_get_title_visible(opaque(widget)) != 0 }

    /// Hides the switcher inside from assistive technologies while the title replaces it
    /// (GTK 4.8 still reports the squeezed-out child).
    func hideSqueezedSwitcher() {
        let hidden = titleVisible
        func visit(_ w: UnsafeMutablePointer<GtkWidget>) {
            if String(cString: dg_type_name(w)) == "AdwViewSwitcher" {
                dg_accessible_set_hidden(w, hidden ? 1 : 0)
                return
            }
            var child = gtk_widget_get_first_child(w)
            while let c = child {
                visit(c)
                child = gtk_widget_get_next_sibling(c)
            }
        }
        visit(widget)
    }
    func onTitleVisibleChanged(_ body: @escaping () -> Void) { onNotify("title-visible", body) }
}

/// AdwViewSwitcherBar: the page switcher at the bottom, for narrow windows.
final class ViewSwitcherBar: Widget {
    init(stack: ViewStack) {
        super.init(adw_view_switcher_bar_new())
        adw_view_switcher_bar_set_stack(opaque(widget), opaque(stack.widget))
    }
    func setReveal(_ on: Bool) { adw_view_switcher_bar_set_reveal(opaque(widget), on ? 1 : 0) }
}

/// A GtkCheckButton with a label; user changes arrive through `onToggled`.
final class CheckButton: Widget {
    private var settingFromState = false

    init(label: String, mnemonic: Bool = false) {
        super.init(mnemonic ? gtk_check_button_new_with_mnemonic(label) : gtk_check_button_new_with_label(label))
    }

    var active: Bool { gtk_check_button_get_active(cast(widget)) != 0 }

    func setActive(_ on: Bool) {
        guard active != on else { return }
        settingFromState = true
        gtk_check_button_set_active(cast(widget), on ? 1 : 0)
        settingFromState = false
    }

    /// The person toggled it (not `setActive`).
    func onToggled(_ body: @escaping (Bool) -> Void) {
        on("toggled") { [weak self] in
            guard let self, !self.settingFromState else { return }
            body(self.active)
        }
    }
}

/// Where a press or drag is, in the widget's coordinates: a press (x, y), then every move,
/// then the end. Mouse, pen and finger alike (GtkGestureDrag).
final class PointerTrack: GObjectRef {
    let controller: OpaquePointer
    private var start = (x: 0.0, y: 0.0)

    init(press: @escaping (_ x: Double, _ y: Double) -> Void, move: @escaping (_ x: Double, _ y: Double) -> Void,
         end: @escaping () -> Void) {
        let gesture = gtk_gesture_drag_new()!
        controller = gesture
        super.init(rawPointer(gesture))
        typealias Point = (Double, Double) -> Void
        let pointTrampoline: @convention(c) (UnsafeMutableRawPointer?, gdouble, gdouble, UnsafeMutableRawPointer?) -> Void = {
            _, x, y, data in ClosureBox<Point>.from(data)(x, y)
        }
        let cb = unsafeBitCast(pointTrampoline, to: GCallback.self)
        let connect: (String, @escaping Point) -> Void = { [unowned self] signal, body in
            self.track(g_signal_connect_data(self.raw, signal, cb, ClosureBox<Point>(body).retainedPointer(),
                                             releaseClosureBox, GConnectFlags(rawValue: 0)))
        }
        connect("drag-begin") { [unowned self] x, y in
            self.start = (x, y)
            press(x, y)
        }
        connect("drag-update") { [unowned self] dx, dy in move(self.start.x + dx, self.start.y + dy) }
        connect("drag-end") { _, _ in end() }
    }
}

extension Widget {
    /// Presses and drags on this widget, with their positions.
    func onPointer(press: @escaping (_ x: Double, _ y: Double) -> Void, move: @escaping (_ x: Double, _ y: Double) -> Void,
                   end: @escaping () -> Void = {}) {
        let controller = PointerTrack(press: press, move: move, end: end)
        gtk_widget_add_controller(widget, controller.controller)
        keep(controller)
    }

    /// Puts `text` on the display's clipboard.
    func copyToClipboard(_ text: String) {
        let clipboard = gtk_widget_get_clipboard(widget)
        gdk_clipboard_set_text(clipboard, text)
    }
}

/// A repeating main-loop timer that can be started and stopped (the morph's playback).
final class Ticker {
    private var source: guint = 0

    var running: Bool { source != 0 }

    /// Calls `body` every `milliseconds` until `stop`, replacing a ticker started before.
    func start(milliseconds: UInt32, _ body: @escaping () -> Void) {
        stop()
        source = MainContext.timeout(milliseconds: max(1, milliseconds)) {
            body()
            return true
        }
    }

    func stop() {
        MainContext.remove(source)
        source = 0
    }

    deinit { stop() }
}
