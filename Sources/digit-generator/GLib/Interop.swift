import CGtk
import Foundation

// The C-interop glue in one place: casts between GObject pointer types, signal connection
// with Swift closures, and the hand-off of work to GTK's main thread.

// MARK: - Casts

// GTK's C cast macros (GTK_WINDOW(w), G_ACTION_MAP(w), ...) do not import into Swift.
// A GObject instance struct starts with its parent's instance struct, so a pointer to an
// object is also a pointer to each of its ancestors (and GLib checks interface casts at
// run time in the callee). These helpers reinterpret such pointers. GTK's final types
// (GtkDropDown, GtkSpinButton, ...) import as OpaquePointer, the others as typed pointers.

/// Reinterprets a GObject pointer as one of its ancestor or interface types.
@inline(__always)
func cast<T, U>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}

/// Reinterprets an opaque GObject pointer (a final type) as a typed one.
@inline(__always)
func cast<U>(_ p: OpaquePointer) -> UnsafeMutablePointer<U> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}

/// A typed GObject pointer as an opaque one (for final types and interfaces).
@inline(__always)
func opaque<T>(_ p: UnsafeMutablePointer<T>) -> OpaquePointer { OpaquePointer(p) }

/// Any GObject pointer as GLib's untyped `gpointer`.
@inline(__always)
func rawPointer<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(p) }

@inline(__always)
func rawPointer(_ p: OpaquePointer) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(p) }

/// Calls `body` with a NULL-terminated C array of C strings, as GTK takes string lists.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var array: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    array.append(nil)
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A Swift string from a GLib-owned C string (not freed).
func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

// MARK: - Signals

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

// MARK: - Main-thread hand-off

// Hand-off to GTK's thread. While g_application_run owns the main thread, Swift's
// DispatchQueue.main and @MainActor jobs never run on Linux, so results computed elsewhere
// come back through GLib's default main context.

enum MainContext {
    /// Runs `body` once on the thread that runs GLib's default main context. Callable from
    /// any thread; from the main thread itself it runs immediately. The closure's box is
    /// released by the destroy-notify after the call (or if the source is dropped).
    static func invoke(priority: Int32 = G_PRIORITY_DEFAULT, _ body: @escaping @Sendable () -> Void) {
        let trampoline: GSourceFunc = { data in
            ClosureBox<@Sendable () -> Void>.from(data)()
            return 0  // G_SOURCE_REMOVE
        }
        g_main_context_invoke_full(nil, priority, trampoline,
                                   ClosureBox<@Sendable () -> Void>(body).retainedPointer(), releaseBoxNotify)
    }

    /// Calls `body` every `milliseconds` on the main thread while it returns true.
    /// Returns the source id for `remove`.
    @discardableResult
    static func timeout(milliseconds: UInt32, _ body: @escaping () -> Bool) -> guint {
        let trampoline: GSourceFunc = { data in
            ClosureBox<() -> Bool>.from(data)() ? 1 : 0
        }
        return g_timeout_add_full(G_PRIORITY_DEFAULT, milliseconds, trampoline,
                                  ClosureBox<() -> Bool>(body).retainedPointer(), releaseBoxNotify)
    }

    static func remove(_ source: guint) {
        if source != 0 { g_source_remove(source) }
    }

    /// Runs `body` once from the main loop when it is idle (after the current event and
    /// frame), never immediately.
    static func idle(_ body: @escaping () -> Void) {
        let trampoline: GSourceFunc = { data in
            ClosureBox<() -> Void>.from(data)()
            return 0
        }
        g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, trampoline, ClosureBox<() -> Void>(body).retainedPointer(), releaseBoxNotify)
    }
}

/// One main-loop timeout that can be moved or stopped: the shell's wake-up for the core's
/// timers (which keep their deadlines on the core's clock).
final class Timeout {
    private var source: guint = 0

    /// Calls `body` once after `seconds`, replacing a timeout set before.
    func set(seconds: Double, _ body: @escaping () -> Void) {
        cancel()
        let ms = UInt32(max(0, min(86_400_000, (seconds * 1000).rounded(.up))))
        source = MainContext.timeout(milliseconds: ms) { [weak self] in
            self?.source = 0
            body()
            return false
        }
    }

    func cancel() {
        MainContext.remove(source)
        source = 0
    }

    deinit { cancel() }
}
