import CGtk

enum FrameClock {
    /// Calls `body` in the before-paint phase of every frame of `widget`'s toplevel, after
    /// the frame's input events were handled and before anything is laid out or painted.
    /// Connected while the widget is realized (it has no frame clock before), and
    /// disconnected when it is unrealized, so a window realized again is not hooked twice.
    static func onBeforePaint(_ widget: UnsafeMutablePointer<GtkWidget>, _ body: @escaping () -> Void) {
        final class Hook { var clock: UnsafeMutableRawPointer?; var id: gulong = 0 }
        let hook = Hook()
        Signal.connect(rawPointer(widget), "realize") {
            guard hook.clock == nil, let clock = gtk_widget_get_frame_clock(widget) else { return }
            hook.clock = rawPointer(clock)
            hook.id = Signal.connect(rawPointer(clock), "before-paint", body)
        }
        Signal.connect(rawPointer(widget), "unrealize") {
            guard let clock = hook.clock else { return }
            Signal.disconnect(clock, hook.id)
            hook.clock = nil
            hook.id = 0
        }
    }
}
