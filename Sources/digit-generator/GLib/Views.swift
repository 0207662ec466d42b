import CGtk
import CGtkShim

// The widget kinds the app uses, each a `Widget` that keeps its GTK object referenced and
// its handlers remembered. App code composes these and never sees a pointer.

final class Box: Widget {
    init(vertical: Bool, spacing: Int = 0) {
        super.init(gtk_box_new(vertical ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL, Int32(spacing)))
    }
    func append(_ child: Widget) { gtk_box_append(cast(widget), child.widget) }
    func setVertical(_ vertical: Bool) {
        gtk_orientable_set_orientation(opaque(widget), vertical ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL)
    }
    func setHomogeneous(_ on: Bool) { gtk_box_set_homogeneous(cast(widget), on ? 1 : 0) }
}

final class Grid: Widget {
    init(rowSpacing: Int, columnSpacing: Int) {
        super.init(gtk_grid_new())
        gtk_grid_set_row_spacing(cast(widget), guint(rowSpacing))
        gtk_grid_set_column_spacing(cast(widget), guint(columnSpacing))
    }
    func attach(_ child: Widget, column: Int, row: Int, width: Int = 1, height: Int = 1) {
        gtk_grid_attach(cast(widget), child.widget, Int32(column), Int32(row), Int32(width), Int32(height))
    }
    /// Takes `child` out (Swift keeps its reference, so it can be attached again).
    func remove(_ child: Widget) {
        if gtk_widget_get_parent(child.widget) == widget { gtk_grid_remove(cast(widget), child.widget) }
    }
    func setColumnHomogeneous(_ on: Bool) { gtk_grid_set_column_homogeneous(cast(widget), on ? 1 : 0) }
    func setRowSpacing(_ n: Int) { gtk_grid_set_row_spacing(cast(widget), guint(n)) }
}

final class Label: Widget {
    init(_ text: String = "", mnemonic: Bool = false) {
        super.init(mnemonic ? gtk_label_new_with_mnemonic(text) : gtk_label_new(text))
    }
    func setText(_ text: String) {
        if string(gtk_label_get_text(opaque(widget))) != text { gtk_label_set_text(opaque(widget), text) }
    }
    func setMarkup(_ markup: String) { gtk_label_set_markup(opaque(widget), markup) }
    func setXAlign(_ x: Float) { gtk_label_set_xalign(opaque(widget), x) }
    func setWidthChars(_ n: Int) { gtk_label_set_width_chars(opaque(widget), Int32(n)) }
    func setWrap(_ on: Bool) { gtk_label_set_wrap(opaque(widget), on ? 1 : 0) }
    func setEllipsizeEnd() { gtk_label_set_ellipsize(opaque(widget), PANGO_ELLIPSIZE_END) }
    /// The widget Alt+mnemonic focuses, and which the label names for assistive technologies.
    func setMnemonicWidget(_ target: Widget) { gtk_label_set_mnemonic_widget(opaque(widget), target.widget) }
}

final class Button: Widget {
    private var label: UnsafeMutablePointer<GtkWidget>?

    /// A button with a label, an icon, or both (the label then ellipsizes when space runs
    /// out, so that a header bar never holds the window wider than a phone screen).
    init(label text: String? = nil, iconName: String? = nil, mnemonic: Bool = false) {
        if let iconName, let text {
            let button = gtk_button_new()!
            let box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6)!
            let image = gtk_image_new_from_icon_name(iconName)!
            let l = mnemonic ? gtk_label_new_with_mnemonic(text)! : gtk_label_new(text)!
            gtk_label_set_ellipsize(opaque(l), PANGO_ELLIPSIZE_END)
            if mnemonic { gtk_label_set_mnemonic_widget(opaque(l), button) }
            gtk_box_append(cast(box), image)
            gtk_box_append(cast(box), l)
            gtk_button_set_child(cast(button), box)
            label = l
            super.init(button)
        } else if let iconName {
            super.init(gtk_button_new_from_icon_name(iconName))
        } else {
            super.init(mnemonic ? gtk_button_new_with_mnemonic(text ?? "") : gtk_button_new_with_label(text ?? ""))
        }
    }
    func onClicked(_ body: @escaping () -> Void) { on("clicked", body) }
    func setIconName(_ name: String) { gtk_button_set_icon_name(cast(widget), name) }
    /// "win.select-digit(3)": the button activates the action, and is checked when a
    /// stateful action's state equals the target.
    func setAction(_ detailedName: String) { gtk_actionable_set_detailed_action_name(opaque(widget), detailedName) }

    /// For a button with an icon and a label: show only the icon (narrow windows).
    func setIconOnly(_ on: Bool) {
        if let label { gtk_widget_set_visible(label, on ? 0 : 1) }
    }
}

final class ToggleButton: Widget {
    init(label: String) { super.init(gtk_toggle_button_new_with_label(label)) }
    func setAction(_ detailedName: String) { gtk_actionable_set_detailed_action_name(opaque(widget), detailedName) }
}

/// A horizontal GtkScale. Its value is set from the state; user changes arrive through
/// `onUserChange` (GtkRange::change-value, so that setting it from the state reports nothing).
final class Scale: Widget {
    init(min: Double, max: Double, step: Double, page: Double) {
        super.init(gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, min, max, step))
        gtk_scale_set_draw_value(cast(widget), 0)
        gtk_range_set_increments(cast(widget), step, page)
        gtk_scale_set_has_origin(cast(widget), 0)
    }
    var value: Double { gtk_range_get_value(cast(widget)) }
    func setValue(_ v: Double) {
        if gtk_range_get_value(cast(widget)) != v { gtk_range_set_value(cast(widget), v) }
    }
    func addMark(_ value: Double, above: Bool, label: String? = nil) {
        gtk_scale_add_mark(cast(widget), value, above ? GTK_POS_TOP : GTK_POS_BOTTOM, label)
    }
    func setHasOrigin(_ on: Bool) { gtk_scale_set_has_origin(cast(widget), on ? 1 : 0) }
    func setRange(min: Double, max: Double) { gtk_range_set_range(cast(widget), min, max) }
    /// The user moved the slider to `value` (pointer, or an assistive technology setting it).
    func onUserChange(_ body: @escaping (Double) -> Void) {
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, GtkScrollType, gdouble, UnsafeMutableRawPointer?) -> gboolean = {
            _, _, value, data in
            ClosureBox<(Double) -> Void>.from(data)(value)
            return 1  // the state decides the value; the view sets it when it renders
        }
        track(g_signal_connect_data(raw, "change-value", unsafeBitCast(trampoline, to: GCallback.self),
                                    ClosureBox<(Double) -> Void>(body).retainedPointer(), releaseClosureBox, GConnectFlags(rawValue: 0)))
    }
    /// value-changed, for the trace (fires when the view sets the value from the state).
    func onValueChanged(_ body: @escaping () -> Void) { on("value-changed", body) }
}

/// A GtkDropDown over a list of strings; its popup may show a custom row per item.
final class DropDown: Widget {
    private var count = 0

    init() { super.init(gtk_drop_down_new(nil, nil)) }

    func setItems(_ titles: [String]) {
        let model = StringList.make(titles)
        gtk_drop_down_set_model(opaque(widget), model)
        g_object_unref(rawPointer(model))
        count = titles.count
    }
    var itemCount: Int { count }
    var selected: Int { Int(gtk_drop_down_get_selected(opaque(widget))) }
    func setSelected(_ i: Int) {
        if selected != i { gtk_drop_down_set_selected(opaque(widget), guint(i)) }
    }
    func onSelectedChanged(_ body: @escaping () -> Void) { onNotify("selected", body) }

    /// Rows of the popup list: a title and subtitle above a strip drawn by `draw` for the
    /// item's position (the button itself keeps showing the plain title).
    func setListRows(title: @escaping (Int) -> String, subtitle: @escaping (Int) -> String,
                     stripSize: (width: Int, height: Int),
                     draw: @escaping (_ position: Int, _ painter: Painter, _ width: Int, _ height: Int) -> Void) {
        let factory = ListRowFactory(title: title, subtitle: subtitle, stripSize: stripSize, draw: draw)
        gtk_drop_down_set_list_factory(opaque(widget), factory.factory)
        keep(factory)
    }
}

/// A GtkSignalListItemFactory building a row (title, subtitle, strip) per list item.
final class ListRowFactory: GObjectRef {
    let factory: OpaquePointer

    init(title: @escaping (Int) -> String, subtitle: @escaping (Int) -> String, stripSize: (width: Int, height: Int),
         draw: @escaping (Int, Painter, Int, Int) -> Void) {
        factory = gtk_signal_list_item_factory_new()
        super.init(rawPointer(factory))
        typealias ItemHandler = (OpaquePointer) -> Void
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> Void = {
            _, item, data in
            guard let item else { return }
            ClosureBox<ItemHandler>.from(data)(item)
        }
        let setup: ItemHandler = { item in
            let box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2)!
            let t = gtk_label_new(nil)!
            gtk_label_set_xalign(opaque(t), 0)
            let st = gtk_label_new(nil)!
            gtk_label_set_xalign(opaque(st), 0)
            gtk_widget_add_css_class(st, "dim-label")
            gtk_widget_add_css_class(st, "caption")
            let strip = gtk_drawing_area_new()!
            gtk_drawing_area_set_content_width(cast(strip), Int32(stripSize.width))
            gtk_drawing_area_set_content_height(cast(strip), Int32(stripSize.height))
            gtk_widget_set_halign(strip, GTK_ALIGN_START)
            gtk_box_append(cast(box), t)
            gtk_box_append(cast(box), st)
            gtk_box_append(cast(box), strip)
            gtk_list_item_set_child(item, box)
        }
        let bind: ItemHandler = { item in
            guard let box = gtk_list_item_get_child(item), let t = gtk_widget_get_first_child(box),
                  let st = gtk_widget_get_next_sibling(t), let strip = gtk_widget_get_next_sibling(st) else { return }
            let position = Int(gtk_list_item_get_position(item))
            gtk_label_set_text(opaque(t), title(position))
            gtk_label_set_text(opaque(st), subtitle(position))
            // The row GTK wraps around it is what takes the focus: name it.
            if let row = gtk_widget_get_parent(box) { dg_accessible_set_label(row, title(position) + ", " + subtitle(position)) }
            DrawFunc.set(strip) { painter, w, h in draw(position, painter, w, h) }
            gtk_widget_queue_draw(strip)
        }
        let cb = unsafeBitCast(trampoline, to: GCallback.self)
        track(g_signal_connect_data(raw, "setup", cb, ClosureBox<ItemHandler>(setup).retainedPointer(), releaseClosureBox, GConnectFlags(rawValue: 0)))
        track(g_signal_connect_data(raw, "bind", cb, ClosureBox<ItemHandler>(bind).retainedPointer(), releaseClosureBox, GConnectFlags(rawValue: 0)))
    }
}

final class Entry: Widget {
    init() {
        super.init(gtk_entry_new())
        gtk_entry_set_input_purpose(cast(widget), GTK_INPUT_PURPOSE_DIGITS)
    }
    var text: String { string(gtk_editable_get_text(opaque(widget))) ?? "" }
    func setText(_ t: String) {
        if text != t { gtk_editable_set_text(opaque(widget), t) }
    }
    func setWidthChars(_ n: Int) { gtk_editable_set_width_chars(opaque(widget), Int32(n)) }
    func setMaxLength(_ n: Int) { gtk_entry_set_max_length(cast(widget), Int32(n)) }
    func onActivate(_ body: @escaping () -> Void) { on("activate", body) }
    func onChanged(_ body: @escaping () -> Void) { on("changed", body) }
}

/// A drawing area with the accessible role IMG, painted by a Swift closure.
final class ImageArea: Widget {
    init() { super.init(dg_image_area_new()) }
    func setContentSize(width: Int, height: Int) {
        gtk_drawing_area_set_content_width(cast(widget), Int32(width))
        gtk_drawing_area_set_content_height(cast(widget), Int32(height))
    }
    func setDraw(_ body: @escaping (_ painter: Painter, _ width: Int, _ height: Int) -> Void) { DrawFunc.set(widget, body) }
}

final class MenuButton: Widget {
    /// A primary menu: `sections` of (label, detailed action) items.
    init(iconName: String, sections: [[(String, String)]]) {
        let menu = g_menu_new()!
        var parts: [OpaquePointer] = [menu]
        for section in sections {
            let part = g_menu_new()!
            for (label, action) in section { g_menu_append(part, label, action) }
            g_menu_append_section(menu, nil, cast(part))
            parts.append(part)
        }
        let button = gtk_menu_button_new()!
        gtk_menu_button_set_icon_name(opaque(button), iconName)
        gtk_menu_button_set_menu_model(opaque(button), cast(menu))
        gtk_menu_button_set_primary(opaque(button), 1)
        for p in parts { g_object_unref(rawPointer(p)) }
        super.init(button)
    }
}

final class HeaderBar: Widget {
    init() { super.init(adw_header_bar_new()) }
    func setTitle(_ title: Widget) { adw_header_bar_set_title_widget(opaque(widget), title.widget) }
    func packStart(_ child: Widget) { adw_header_bar_pack_start(opaque(widget), child.widget) }
    func packEnd(_ child: Widget) { adw_header_bar_pack_end(opaque(widget), child.widget) }
}

final class WindowTitle: Widget {
    init(title: String) { super.init(adw_window_title_new(title, "")) }
    func setSubtitle(_ text: String) {
        if string(adw_window_title_get_subtitle(opaque(widget))) != text { adw_window_title_set_subtitle(opaque(widget), text) }
    }
}

final class StatusPage: Widget {
    init(iconName: String, title: String) {
        super.init(adw_status_page_new())
        adw_status_page_set_icon_name(opaque(widget), iconName)
        adw_status_page_set_title(opaque(widget), title)
    }
    func setDescriptionMarkup(_ markup: String) { adw_status_page_set_description(opaque(widget), markup) }
}

final class Stack: Widget {
    init() { super.init(gtk_stack_new()) }
    func add(_ child: Widget, name: String) { gtk_stack_add_named(opaque(widget), child.widget, name) }
    func show(_ name: String) {
        if string(gtk_stack_get_visible_child_name(opaque(widget))) != name { gtk_stack_set_visible_child_name(opaque(widget), name) }
    }
}

final class ToastOverlay: Widget {
    /// The last toast shown (a reference of ours, so that it can be dismissed).
    private var last: OpaquePointer?

    init() { super.init(adw_toast_overlay_new()) }
    deinit { forgetLast() }
    func setChild(_ child: Widget) { adw_toast_overlay_set_child(opaque(widget), child.widget) }

    /// Dismisses the toast on screen, if any (its page is no longer shown).
    func dismissLast() {
        if let last { adw_toast_dismiss(last) }
        forgetLast()
    }

    private func forgetLast() {
        if let last { g_object_unref(rawPointer(last)) }
        last = nil
    }

    /// A toast; with a button that activates `action` with a string target.
    func show(_ text: String, button: (label: String, action: String, target: String)? = nil) {
        let toast = adw_toast_new(Markup.escape(text))!
        forgetLast()
        g_object_ref(rawPointer(toast))
        last = toast
        if let button {
            adw_toast_set_button_label(toast, button.label)
            adw_toast_set_action_name(toast, button.action)
            adw_toast_set_action_target_value(toast, g_variant_new_string(button.target))
            adw_toast_set_timeout(toast, 8)
        }
        adw_toast_overlay_add_toast(opaque(widget), toast)
    }
}

final class Clamp: Widget {
    init(maximum: Int, child: Widget) {
        super.init(adw_clamp_new())
        adw_clamp_set_maximum_size(opaque(widget), Int32(maximum))
        adw_clamp_set_tightening_threshold(opaque(widget), Int32(maximum))
        adw_clamp_set_child(opaque(widget), child.widget)
    }
    func setMaximum(_ maximum: Int) {
        adw_clamp_set_maximum_size(opaque(widget), Int32(maximum))
        adw_clamp_set_tightening_threshold(opaque(widget), Int32(maximum))
    }
}

/// Scrolls its child when the window is smaller than the child's minimum size (so that the
/// window can always be made as small as a phone screen; the layout then adapts).
final class ScrolledWindow: Widget {
    init(child: Widget) {
        super.init(gtk_scrolled_window_new())
        gtk_scrolled_window_set_policy(opaque(widget), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC)
        gtk_scrolled_window_set_child(opaque(widget), child.widget)
    }
}
