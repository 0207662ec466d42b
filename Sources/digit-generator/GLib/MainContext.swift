import CGtk
import Foundation

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
}

/// A main-thread-only object that travels through a worker thread as a token and is
/// dereferenced again only on the main thread (inside `MainContext.invoke`).
struct MainThreadRef<T: AnyObject>: @unchecked Sendable {
    private let object: T
    init(_ object: T) { self.object = object }

    var value: T {
        assert(Thread.isMainThread, "MainThreadRef dereferenced off the main thread")
        return object
    }
}
