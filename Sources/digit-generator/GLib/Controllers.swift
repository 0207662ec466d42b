import CGtk
import CGtkShim

/// A key press as the app sees it: what the key means, and which modifiers are held.
struct KeyPress {
    enum Key: Equatable {
        case digit(Int), keypadDigit(Int)
        case left, right, up, down, pageUp, pageDown, home, end
        case delete, keypadInsert, space, enter, escape, tab
        case f5, letterZ, backspace, other
    }

    let key: Key
    let control: Bool
    let alt: Bool
    let shift: Bool
    /// Typing goes into a text field of the window (the key belongs to it).
    let typing: Bool
    /// The focused widget is a slider (GtkScale).
    let onScale: Bool

    var plain: Bool { !control && !alt }

    static func key(_ keyval: UInt32) -> Key {
        switch Int32(bitPattern: keyval) {
        case GDK_KEY_0...GDK_KEY_9: return .digit(Int(Int32(bitPattern: keyval) - GDK_KEY_0))
        case GDK_KEY_KP_0...GDK_KEY_KP_9: return .keypadDigit(Int(Int32(bitPattern: keyval) - GDK_KEY_KP_0))
        case GDK_KEY_Left, GDK_KEY_KP_Left: return .left
        case GDK_KEY_Right, GDK_KEY_KP_Right: return .right
        case GDK_KEY_Up, GDK_KEY_KP_Up: return .up
        case GDK_KEY_Down, GDK_KEY_KP_Down: return .down
        case GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up: return .pageUp
        case GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down: return .pageDown
        case GDK_KEY_Home, GDK_KEY_KP_Home: return .home
        case GDK_KEY_End, GDK_KEY_KP_End: return .end
        case GDK_KEY_Delete, GDK_KEY_KP_Delete: return .delete
        case GDK_KEY_KP_Insert: return .keypadInsert
        case GDK_KEY_space, GDK_KEY_KP_Space: return .space
        case GDK_KEY_Return, GDK_KEY_KP_Enter, GDK_KEY_ISO_Enter: return .enter
        case GDK_KEY_Escape: return .escape
        case GDK_KEY_Tab, GDK_KEY_ISO_Left_Tab, GDK_KEY_KP_Tab: return .tab
        case GDK_KEY_F5: return .f5
        case GDK_KEY_BackSpace: return .backspace
        case GDK_KEY_z, GDK_KEY_Z: return .letterZ
        default: return .other
        }
    }
}

/// GtkEventControllerKey::key-pressed, typed.
final class KeyController: GObjectRef {
    let controller: OpaquePointer

    init(capture: Bool, _ handler: @escaping (KeyPress) -> Bool) {
        controller = gtk_event_controller_key_new()
        super.init(rawPointer(controller))
        gtk_event_controller_set_propagation_phase(controller, capture ? GTK_PHASE_CAPTURE : GTK_PHASE_BUBBLE)
        let c = controller
        track(Signal.connectKeyPressed(raw) { keyval, state in
            // Keys meant for another surface (a popover, a drop-down's list) are theirs.
            guard let widget = gtk_event_controller_get_widget(c), let native = gtk_widget_get_native(widget) else { return false }
            if let event = gtk_event_controller_get_current_event(c),
               gdk_event_get_surface(event) != gtk_native_get_surface(native) { return false }
            let focus = gtk_widget_get_root(widget).flatMap { gtk_root_get_focus($0) }
            let press = KeyPress(key: KeyPress.key(keyval),
                                 control: state.rawValue & GDK_CONTROL_MASK.rawValue != 0,
                                 alt: state.rawValue & (GDK_ALT_MASK.rawValue | GDK_SUPER_MASK.rawValue) != 0,
                                 shift: state.rawValue & GDK_SHIFT_MASK.rawValue != 0,
                                 typing: dg_is_editable(focus) != 0, onScale: dg_is_scale(focus) != 0)
            return handler(press)
        })
    }
}

/// GtkEventControllerFocus::leave.
final class FocusController: GObjectRef {
    let controller: OpaquePointer

    init(onLeave: @escaping () -> Void) {
        controller = gtk_event_controller_focus_new()
        super.init(rawPointer(controller))
        on("leave", onLeave)
    }
}

/// GtkGestureClick::pressed (n_press, x, y), typed; a touch tap counts as a press.
final class ClickGesture: GObjectRef {
    let controller: OpaquePointer

    init(_ body: @escaping () -> Void) {
        let gesture = gtk_gesture_click_new()!
        controller = gesture
        super.init(rawPointer(gesture))
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, gint, gdouble, gdouble, UnsafeMutableRawPointer?) -> Void = {
            _, _, _, _, data in ClosureBox<() -> Void>.from(data)()
        }
        track(g_signal_connect_data(raw, "pressed", unsafeBitCast(trampoline, to: GCallback.self),
                                    ClosureBox<() -> Void>(body).retainedPointer(), releaseClosureBox, GConnectFlags(rawValue: 0)))
    }
}

