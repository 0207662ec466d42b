import DigitStudio
import CGtk
import CGtkShim

/// The row of digit buttons 0-9, radio-style through the stateful `win.select-digit` action.
enum DigitRow {
    static func make(classes: Int = 10) -> UnsafeMutablePointer<GtkWidget> {
        let row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0)!
        gtk_widget_add_css_class(row, "linked")
        gtk_widget_add_css_class(row, "digit-row")
        gtk_widget_set_halign(row, GTK_ALIGN_CENTER)
        for digit in 0..<classes {
            let button = gtk_toggle_button_new_with_label("\(digit)")!
            gtk_actionable_set_detailed_action_name(opaque(button), "win.select-digit(\(digit))")
            gtk_widget_set_tooltip_text(button, "Five samples of \(digit) (key \(digit))")
            dg_accessible_set_label(button, "Digit \(digit)")
            gtk_widget_set_focus_on_click(button, 0)
            gtk_box_append(cast(row), button)
        }
        return row
    }
}
