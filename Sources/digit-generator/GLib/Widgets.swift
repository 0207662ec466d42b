import CGtk
import CGtkShim

// Widget helpers whose C signatures need raw pointers: callbacks with user data, string
// lists, builder objects, the current event of a controller.

enum ScaleFormat {
    /// Text shown as the scale's value (GTK frees the g_strdup'ed copy).
    static func set(_ scale: UnsafeMutablePointer<GtkWidget>, _ format: @escaping (Double) -> String) {
        let trampoline: GtkScaleFormatValueFunc = { _, value, data in
            g_strdup(ClosureBox<(Double) -> String>.from(data)(value))
        }
        gtk_scale_set_format_value_func(cast(scale), trampoline,
                                        ClosureBox<(Double) -> String>(format).retainedPointer(), releaseBoxNotify)
    }
}

enum StringList {
    /// A new GtkStringList (a GListModel of strings); the caller owns the reference.
    static func make(_ strings: [String]) -> OpaquePointer {
        withCStringArray(strings) { gtk_string_list_new($0) }
    }
}

enum Builder {
    /// The object `id` built from GtkBuilder XML, with a reference owned by the caller.
    static func object(xml: String, id: String) -> UnsafeMutablePointer<GtkWidget>? {
        guard let builder = gtk_builder_new_from_string(xml, -1) else { return nil }
        defer { g_object_unref(rawPointer(builder)) }
        guard let object = gtk_builder_get_object(builder, id) else { return nil }
        g_object_ref(object)
        return cast(object)
    }
}

enum Markup {
    /// `text` with <, >, & and quotes escaped for Pango markup.
    static func escape(_ text: String) -> String {
        guard let escaped = g_markup_escape_text(text, -1) else { return "" }
        defer { g_free(escaped) }
        return String(cString: escaped)
    }
}

enum KeyController {
    /// Adds a key controller to `window` that sees key presses before the focused widget
    /// (capture phase). The handler gets the key and whether typing goes into a text field
    /// of this window; it returns true when it handled the key. Keys for other surfaces
    /// (popovers, drop-down lists) pass through untouched.
    static func attachCapture(to window: UnsafeMutablePointer<GtkWidget>,
                              _ handler: @escaping (_ keyval: UInt32, _ state: GdkModifierType, _ typing: Bool) -> Bool) {
        let controller = gtk_event_controller_key_new()!
        gtk_event_controller_set_propagation_phase(controller, GTK_PHASE_CAPTURE)
        Signal.connectKeyPressed(rawPointer(controller)) { [controller] keyval, state in
            let own = gtk_native_get_surface(opaque(window))
            if let event = gtk_event_controller_get_current_event(controller),
               gdk_event_get_surface(event) != own { return false }
            let focus = gtk_root_get_focus(opaque(window))
            return handler(keyval, state, dg_is_editable(focus) != 0)
        }
        gtk_widget_add_controller(window, controller)
    }
}

enum Widget {
    /// `gtk_widget_get_first_child` ... iteration, for applying a style to a box's children.
    static func children(of parent: UnsafeMutablePointer<GtkWidget>) -> [UnsafeMutablePointer<GtkWidget>] {
        var out: [UnsafeMutablePointer<GtkWidget>] = []
        var child = gtk_widget_get_first_child(parent)
        while let c = child {
            out.append(c)
            child = gtk_widget_get_next_sibling(c)
        }
        return out
    }
}

enum SaveDialog {
    /// Shows the platform's save dialog (GtkFileChooserNative: a portal when there is one)
    /// and calls `done` with the chosen local path. The dialog is released after it answers.
    static func run(parent: UnsafeMutablePointer<GtkWidget>, title: String, suggestedName: String,
                    _ done: @escaping (String) -> Void) {
        guard let native = gtk_file_chooser_native_new(title, cast(parent), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                       "_Save", "_Cancel") else { return }
        gtk_native_dialog_set_modal(cast(native), 1)
        gtk_file_chooser_set_current_name(native, suggestedName)
        Signal.connectInt(rawPointer(native), "response") { response in
            // Balances the reference from gtk_file_chooser_native_new; the emission holds
            // its own until the handler returns.
            defer { g_object_unref(rawPointer(native)) }
            guard response == GTK_RESPONSE_ACCEPT.rawValue,
                  let file = gtk_file_chooser_get_file(native) else { return }
            defer { g_object_unref(rawPointer(file)) }
            guard let path = g_file_get_path(file) else { return }
            defer { g_free(path) }
            done(String(cString: path))
        }
        gtk_native_dialog_show(cast(native))
    }
}
