import CGtk

enum FrameClock {
    /// Calls `body` in the before-paint phase of every frame of `widget`'s toplevel, after
    /// the frame's input events were handled and before anything is laid out or painted.
    /// Connected once the widget is realized (it has no frame clock before).
    static func onBeforePaint(_ widget: UnsafeMutablePointer<GtkWidget>, _ body: @escaping () -> Void) {
        Signal.connect(rawPointer(widget), "realize") {
            guard let clock = gtk_widget_get_frame_clock(widget) else { return }
            Signal.connect(rawPointer(clock), "before-paint", body)
        }
    }
}
