import CGtk
import CGtkShim

// What the exhibit (`--kiosk`) needs of GTK beyond the desktop window: a locked fullscreen
// window, every input event seen first, the pointer hidden, the screen kept awake, overlays
// and the operator's key file (GLib's GKeyFile).

extension Window {
    func fullscreen() { gtk_window_fullscreen(cast(widget)) }
    func setDecorated(_ on: Bool) { gtk_window_set_decorated(cast(widget), on ? 1 : 0) }
    func setDeletable(_ on: Bool) { gtk_window_set_deletable(cast(widget), on ? 1 : 0) }
    /// close-request: `allow` returns whether the window may close.
    func onCloseRequest(_ allow: @escaping () -> Bool) {
        track(Signal.connectBool(raw, "close-request") { !allow() })
    }
    /// Called when the window leaves or enters fullscreen.
    func onFullscreenChanged(_ body: @escaping () -> Void) { onNotify("fullscreened", body) }
    /// The pointer's shape over the window; nil: the default arrow, "none": hidden.
    func setCursor(_ name: String?) { gtk_widget_set_cursor_from_name(widget, name) }
}

extension Application {
    /// Asks the session not to blank the screen or lock it while the exhibit runs. Returns
    /// the cookie (0: refused, e.g. on bare X11 without a session manager).
    func inhibitIdle(window: Window, reason: String) -> UInt32 {
        gtk_application_inhibit(raw.assumingMemoryBound(to: GtkApplication.self), cast(window.widget),
                                GTK_APPLICATION_INHIBIT_IDLE, reason)
    }
    func uninhibit(_ cookie: UInt32) {
        if cookie != 0 { gtk_application_uninhibit(raw.assumingMemoryBound(to: GtkApplication.self), cookie) }
    }
}

extension Display {
    /// Dark colours whatever the system asks (an exhibit's white-on-black digits in a dark room).
    static func forceDark() {
        adw_style_manager_set_color_scheme(adw_style_manager_get_default(), ADW_COLOR_SCHEME_FORCE_DARK)
    }

    /// The size of the first monitor in logical pixels, once the display knows its outputs.
    static var firstMonitorSize: (width: Int, height: Int)? {
        guard let display = gdk_display_get_default(), let monitors = gdk_display_get_monitors(display),
              g_list_model_get_n_items(monitors) > 0, let item = g_list_model_get_item(monitors, 0) else { return nil }
        defer { g_object_unref(item) }
        var rect = GdkRectangle()
        gdk_monitor_get_geometry(OpaquePointer(item), &rect)
        guard rect.width > 0, rect.height > 0 else { return nil }
        return (Int(rect.width), Int(rect.height))
    }
}

/// Every input event of a window, seen before any widget (a GtkEventControllerLegacy in the
/// capture phase). The handler says whether the event is swallowed.
final class InputWatch: GObjectRef {
    enum Event {
        /// The pointer moved; `emulated`: a pointer event made from a touch.
        case motion(x: Double, y: Double, emulated: Bool)
        case press(x: Double, y: Double, emulated: Bool)
        case release
        case touch
        case scroll
        /// A key; `control`, `alt`, `shift` held; `q`: the key is Q; `function`: F1-F35.
        case key(KeyPress.Key, control: Bool, alt: Bool, shift: Bool, q: Bool, function: Bool)
    }

    let controller: OpaquePointer

    init(_ handler: @escaping (Event) -> Bool) {
        controller = gtk_event_controller_legacy_new()
        super.init(rawPointer(controller))
        gtk_event_controller_set_propagation_phase(controller, GTK_PHASE_CAPTURE)
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> gboolean = {
            _, event, data in
            guard let event, let kind = InputWatch.classify(event) else { return 0 }
            return ClosureBox<(InputWatch.Event) -> Bool>.from(data)(kind) ? 1 : 0
        }
        track(g_signal_connect_data(raw, "event", unsafeBitCast(trampoline, to: GCallback.self),
                                    ClosureBox<(Event) -> Bool>(handler).retainedPointer(), releaseClosureBox,
                                    GConnectFlags(rawValue: 0)))
    }

    private static func classify(_ event: OpaquePointer) -> Event? {
        let emulated = gdk_event_get_pointer_emulated(event) != 0
        switch gdk_event_get_event_type(event) {
        case GDK_MOTION_NOTIFY:
            var x = 0.0, y = 0.0
            _ = gdk_event_get_position(event, &x, &y)
            return .motion(x: x, y: y, emulated: emulated)
        case GDK_BUTTON_PRESS:
            var x = 0.0, y = 0.0
            _ = gdk_event_get_position(event, &x, &y)
            return .press(x: x, y: y, emulated: emulated)
        case GDK_BUTTON_RELEASE: return .release
        case GDK_TOUCH_BEGIN, GDK_TOUCH_UPDATE, GDK_TOUCH_END, GDK_TOUCH_CANCEL: return .touch
        case GDK_SCROLL: return .scroll
        case GDK_KEY_PRESS:
            let state = gdk_event_get_modifier_state(event)
            let keyval = Int32(bitPattern: gdk_key_event_get_keyval(event))
            return .key(KeyPress.key(UInt32(bitPattern: keyval)), control: state.rawValue & GDK_CONTROL_MASK.rawValue != 0, alt: state.rawValue & GDK_ALT_MASK.rawValue != 0,
                        shift: state.rawValue & GDK_SHIFT_MASK.rawValue != 0, q: keyval == GDK_KEY_q || keyval == GDK_KEY_Q,
                        function: (GDK_KEY_F1...GDK_KEY_F35).contains(keyval))
        default: return nil
        }
    }
}

extension Widget {
    /// Every input event of this window first (see `InputWatch`).
    func watchInput(_ handler: @escaping (InputWatch.Event) -> Bool) {
        let watch = InputWatch(handler)
        gtk_widget_add_controller(widget, watch.controller)
        keep(watch)
    }

    func setMargins(start: Int, top: Int, end: Int, bottom: Int) {
        gtk_widget_set_margin_start(widget, Int32(start)); gtk_widget_set_margin_top(widget, Int32(top))
        gtk_widget_set_margin_end(widget, Int32(end)); gtk_widget_set_margin_bottom(widget, Int32(bottom))
    }
}

/// Widgets stacked over a main child (the attract hint, the PIN pad, the staff corner).
final class Overlay: Widget {
    init() { super.init(gtk_overlay_new()) }
    func setChild(_ child: Widget) { gtk_overlay_set_child(opaque(widget), child.widget) }
    func addOverlay(_ child: Widget) { gtk_overlay_add_overlay(opaque(widget), child.widget) }
}

/// The operator's key file (GKeyFile: `[group]` headers, `key = value` lines, `#` comments).
enum KeyFile {
    enum Outcome {
        /// No file at the path: the defaults hold.
        case absent
        case entries([String: String])
        /// The file exists but cannot be read or parsed: the message names the problem.
        case failed(String)
    }

    /// The keys and (unescaped) values of `group` in the file at `path`. A file without the
    /// group gives no entries.
    static func read(path: String, group: String) -> Outcome {
        guard g_file_test(path, G_FILE_TEST_EXISTS) != 0 else { return .absent }
        let file = g_key_file_new()
        defer { g_key_file_free(file) }
        var error: UnsafeMutablePointer<GError>?
        guard g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &error) != 0 else {
            let message = error.flatMap { string($0.pointee.message) } ?? "cannot be read"
            g_clear_error(&error)
            return .failed("\(path): \(message)")
        }
        guard g_key_file_has_group(file, group) != 0 else { return .entries([:]) }
        var count: gsize = 0
        guard let keys = g_key_file_get_keys(file, group, &count, &error) else {
            g_clear_error(&error)
            return .entries([:])
        }
        defer { g_strfreev(keys) }
        var entries: [String: String] = [:]
        for i in 0..<Int(count) {
            guard let key = keys[i] else { continue }
            let name = String(cString: key)
            guard let value = g_key_file_get_string(file, group, key, &error) else {
                let message = error.flatMap { string($0.pointee.message) } ?? "unreadable value"
                g_clear_error(&error)
                return .failed("\(path): key \(name): \(message)")
            }
            entries[name] = String(cString: value)
            g_free(value)
        }
        return .entries(entries)
    }
}
