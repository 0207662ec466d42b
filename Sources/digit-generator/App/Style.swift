import DigitStudio
import CGtk

/// The app's CSS on top of libadwaita's stylesheet.
enum Style {
    static let css = """
        /* Digit buttons: large touch targets; the selected digit is marked by weight, an
           underline bar and the accent colour, so not by colour alone. */
        .digit-row > button {
            min-width: 42px;
            min-height: 48px;
            padding: 0;
            font-size: 1.35em;
            font-feature-settings: "tnum";
        }
        .digit-row > button:checked {
            font-weight: 800;
            background-color: @accent_bg_color;
            color: @accent_fg_color;
            box-shadow: inset 0 -4px alpha(@accent_fg_color, 0.85);
        }
        .digit-row > button:checked label {
            text-decoration-line: underline;
        }
        .controls {
            padding: 12px 18px;
        }
        .controls scale { min-height: 32px; min-width: 120px; }
        """

    /// Adds the CSS for the whole display at application priority.
    static func install() {
        guard let display = gdk_display_get_default() else { return }
        let provider = gtk_css_provider_new()!
        gtk_css_provider_load_from_data(provider, css, -1)
        gtk_style_context_add_provider_for_display(display, opaque(provider),
                                                   UInt32(GTK_STYLE_PROVIDER_PRIORITY_APPLICATION))
        g_object_unref(rawPointer(provider))
    }
}
