import CGtk

// Signal connection. g_signal_connect is a macro, so handlers are connected with
// g_signal_connect_data. A C callback cannot capture Swift state: each handler's closure
// lives in a ClosureBox passed as the signal's user data, retained here and released by
// GLib's destroy-notify when the handler is disconnected or its object is finalized.

/// A Swift closure kept alive while GLib holds a pointer to it.
final class ClosureBox<F> {
    let body: F
    init(_ body: F) { self.body = body }

    /// A +1 reference for GLib; balanced by `releaseClosureBox`.
    func retainedPointer() -> UnsafeMutableRawPointer { Unmanaged.passRetained(self).toOpaque() }

    static func from(_ p: UnsafeMutableRawPointer?) -> F {
        Unmanaged<ClosureBox<F>>.fromOpaque(p!).takeUnretainedValue().body
    }
}

/// GClosureNotify that drops the box's reference.
let releaseClosureBox: GClosureNotify = { data, _ in
    guard let data else { return }
    Unmanaged<AnyObject>.fromOpaque(data).release()
}

/// GDestroyNotify that drops the box's reference.
let releaseBoxNotify: GDestroyNotify = { data in
    guard let data else { return }
    Unmanaged<AnyObject>.fromOpaque(data).release()
}

private func connectRaw<F>(_ instance: UnsafeMutableRawPointer, _ signal: String,
                           _ trampoline: GCallback, _ body: F) -> gulong {
    g_signal_connect_data(instance, signal, trampoline, ClosureBox(body).retainedPointer(),
                          releaseClosureBox, GConnectFlags(rawValue: 0))
}

enum Signal {
    /// A signal whose handler takes only the instance: clicked, value-changed, destroy, ...
    @discardableResult
    static func connect(_ instance: UnsafeMutableRawPointer, _ signal: String,
                        _ handler: @escaping () -> Void) -> gulong {
        let plain: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, data in
            ClosureBox<() -> Void>.from(data)()
        }
        return connectRaw(instance, signal, unsafeBitCast(plain, to: GCallback.self), handler)
    }

    /// notify::property: the handler receives (instance, GParamSpec, user data).
    @discardableResult
    static func connectNotify(_ instance: UnsafeMutableRawPointer, property: String,
                              _ handler: @escaping () -> Void) -> gulong {
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?,
                                        UnsafeMutableRawPointer?) -> Void = { _, _, data in
            ClosureBox<() -> Void>.from(data)()
        }
        return connectRaw(instance, "notify::" + property, unsafeBitCast(trampoline, to: GCallback.self), handler)
    }

    /// A signal returning gboolean with no arguments: close-request.
    @discardableResult
    static func connectBool(_ instance: UnsafeMutableRawPointer, _ signal: String,
                            _ handler: @escaping () -> Bool) -> gulong {
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> gboolean = { _, data in
            ClosureBox<() -> Bool>.from(data)() ? 1 : 0
        }
        return connectRaw(instance, signal, unsafeBitCast(trampoline, to: GCallback.self), handler)
    }

    /// GtkEventControllerKey::key-pressed (keyval, keycode, state) -> handled.
    @discardableResult
    static func connectKeyPressed(_ controller: UnsafeMutableRawPointer,
                                  _ handler: @escaping (_ keyval: UInt32, _ state: GdkModifierType) -> Bool) -> gulong {
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, guint, guint, GdkModifierType,
                                        UnsafeMutableRawPointer?) -> gboolean = { _, keyval, _, state, data in
            ClosureBox<(UInt32, GdkModifierType) -> Bool>.from(data)(keyval, state) ? 1 : 0
        }
        return connectRaw(controller, "key-pressed", unsafeBitCast(trampoline, to: GCallback.self), handler)
    }

    /// A signal with one int argument: GtkNativeDialog::response.
    @discardableResult
    static func connectInt(_ instance: UnsafeMutableRawPointer, _ signal: String,
                           _ handler: @escaping (Int32) -> Void) -> gulong {
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, gint, UnsafeMutableRawPointer?) -> Void = { _, value, data in
            ClosureBox<(Int32) -> Void>.from(data)(value)
        }
        return connectRaw(instance, signal, unsafeBitCast(trampoline, to: GCallback.self), handler)
    }

    /// GSimpleAction::activate with its (possibly NULL) GVariant parameter.
    @discardableResult
    static func connectActivate(_ action: OpaquePointer, _ handler: @escaping (OpaquePointer?) -> Void) -> gulong {
        let trampoline: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, parameter, data in
            ClosureBox<(OpaquePointer?) -> Void>.from(data)(parameter)
        }
        return connectRaw(rawPointer(action), "activate", unsafeBitCast(trampoline, to: GCallback.self), handler)
    }

    static func disconnect(_ instance: UnsafeMutableRawPointer, _ id: gulong) {
        if id != 0 { g_signal_handler_disconnect(instance, id) }
    }
}
