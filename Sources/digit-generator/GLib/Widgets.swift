import CGtk
import CGtkShim

// Widget helpers whose C signatures need raw pointers: callbacks with user data, string
// lists, builder objects, the current event of a controller.


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

enum SaveDialog {
    /// Shows the platform's save dialog (GtkFileChooserNative: a portal when there is one)
    /// and calls `done` with the chosen local path. The dialog is released after it answers.
    /// `scales` become a "Scale" choice in the dialog (`defaultScale` selected); `done` gets
    /// the path and the chosen scale.
    static func run(parent: Window, title: String, suggestedName: String, scales: [Int], defaultScale: Int,
                    baseSize: (width: Int, height: Int) = (140, 28), _ done: @escaping (String, Int) -> Void) {
        guard let native = gtk_file_chooser_native_new(title, cast(parent.widget), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                       "_Save", "_Cancel") else { return }
        gtk_native_dialog_set_modal(cast(native), 1)
        gtk_file_chooser_set_current_name(native, suggestedName)
        // The default first: GTK 4.8's fallback dialog shows the first option whatever
        // gtk_file_chooser_set_choice said.
        let ordered = [defaultScale] + scales.filter { $0 != defaultScale }
        let ids = ordered.map { String($0) }
        let labels = ordered.map { "\($0)× (\(baseSize.width * $0) × \(baseSize.height * $0) px)" }
        withCStringArray(ids) { idp in
            withCStringArray(labels) { lp in
                gtk_file_chooser_add_choice(native, "scale", "Scale", UnsafeMutablePointer(mutating: idp), UnsafeMutablePointer(mutating: lp))
            }
        }
        gtk_file_chooser_set_choice(native, "scale", String(defaultScale))
        Signal.connectInt(rawPointer(native), "response") { response in
            // Balances the reference from gtk_file_chooser_native_new; the emission holds
            // its own until the handler returns.
            defer { g_object_unref(rawPointer(native)) }
            guard response == GTK_RESPONSE_ACCEPT.rawValue,
                  let file = gtk_file_chooser_get_file(native) else { return }
            defer { g_object_unref(rawPointer(file)) }
            guard let path = g_file_get_path(file) else { return }
            defer { g_free(path) }
            let scale = string(gtk_file_chooser_get_choice(native, "scale")).flatMap { Int($0) } ?? defaultScale
            done(String(cString: path), scale)
        }
        gtk_native_dialog_show(cast(native))
    }
}

/// A message dialog with a one-line text entry (AdwMessageDialog with an extra child): "Open
/// View" asks for a view text. `done` gets the text when the person confirms.
enum TextPromptDialog {
    static func run(parent: Window, heading: String, body: String, placeholder: String, confirm: String,
                    _ done: @escaping (String) -> Void) {
        let dialog = adw_message_dialog_new(cast(parent.widget), heading, body)!
        let entry = gtk_entry_new()!
        gtk_entry_set_placeholder_text(cast(entry), placeholder)
        gtk_entry_set_activates_default(cast(entry), 1)
        dg_accessible_set_label(entry, heading)
        adw_message_dialog_set_extra_child(cast(dialog), entry)
        adw_message_dialog_add_response(cast(dialog), "cancel", "_Cancel")
        adw_message_dialog_add_response(cast(dialog), "open", confirm)
        adw_message_dialog_set_response_appearance(cast(dialog), "open", ADW_RESPONSE_SUGGESTED)
        adw_message_dialog_set_default_response(cast(dialog), "open")
        adw_message_dialog_set_close_response(cast(dialog), "cancel")
        typealias Handler = (String) -> Void
        let trampoline: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
            _, response, data in ClosureBox<Handler>.from(data)(response.map { String(cString: $0) } ?? "")
        }
        let handler: Handler = { response in
            guard response == "open" else { return }
            let text = string(gtk_editable_get_text(opaque(entry))) ?? ""
            done(text)
        }
        g_signal_connect_data(rawPointer(dialog), "response", unsafeBitCast(trampoline, to: GCallback.self),
                              ClosureBox<Handler>(handler).retainedPointer(), releaseClosureBox, GConnectFlags(rawValue: 0))
        gtk_window_present(cast(dialog))
        gtk_widget_grab_focus(entry)
    }
}
