import DigitStudio
import CGtk
import CGtkShim

/// The controls under the images: two latent sliders, the temperature and the seed.
final class ControlsPanel {
    let widget: UnsafeMutablePointer<GtkWidget>
    let sliders = [LatentSlider(name: "Latent A"), LatentSlider(name: "Latent B")]
    let temperature: UnsafeMutablePointer<GtkWidget>
    let seed: UnsafeMutablePointer<GtkWidget>

    /// A latent slider changed (`moved`: its value, else its dimension or reset).
    var onSliderChange: ((_ moved: Bool) -> Void)?
    var onTemperatureChange: ((Float) -> Void)?
    var onSeedChange: ((UInt64) -> Void)?

    private var updating = false
    static let maxSeed = 4_294_967_295.0

    init() {
        temperature = gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, 0, 1.5, 0.05)
        gtk_widget_set_hexpand(temperature, 1)
        gtk_scale_set_digits(cast(temperature), 2)
        gtk_scale_set_draw_value(cast(temperature), 1)
        gtk_scale_set_value_pos(cast(temperature), GTK_POS_RIGHT)
        gtk_scale_add_mark(cast(temperature), 1, GTK_POS_TOP, nil)
        gtk_scale_add_mark(cast(temperature), 1, GTK_POS_BOTTOM, nil)
        gtk_range_set_value(cast(temperature), 1)
        gtk_widget_set_tooltip_text(temperature, "Spread of the samples around the typical digit (1 = as trained)")

        seed = gtk_spin_button_new_with_range(0, ControlsPanel.maxSeed, 1)
        gtk_spin_button_set_digits(opaque(seed), 0)
        gtk_spin_button_set_numeric(opaque(seed), 1)
        gtk_widget_add_css_class(seed, "seed-entry")
        gtk_widget_set_tooltip_text(seed, "Seed of the samples: the same digit, seed and settings give the same images")

        let grid = gtk_grid_new()!
        gtk_grid_set_row_spacing(cast(grid), 6)
        gtk_grid_set_column_spacing(cast(grid), 12)
        gtk_widget_add_css_class(grid, "card")
        gtk_widget_add_css_class(grid, "controls")
        widget = grid
        for (row, slider) in sliders.enumerated() {
            let r = Int32(row)
            ControlsPanel.attach(grid, ControlsPanel.label(row == 0 ? "Latent _A" : "Latent _B", for: slider.scale), 0, r)
            ControlsPanel.attach(grid, slider.dropDown, 1, r)
            ControlsPanel.attach(grid, slider.scale, 2, r)
            ControlsPanel.attach(grid, slider.reset, 3, r)
        }
        ControlsPanel.attach(grid, ControlsPanel.label("_Temperature", for: temperature), 0, 2)
        gtk_grid_attach(cast(grid), temperature, 1, 2, 2, 1)
        ControlsPanel.attach(grid, ControlsPanel.label("_Seed", for: seed), 0, 3)
        ControlsPanel.attach(grid, seed, 1, 3)

        for slider in sliders {
            slider.onChange = { [weak self] moved in self?.onSliderChange?(moved) }
        }
        Signal.connect(rawPointer(temperature), "value-changed") { [weak self] in
            guard let self, !self.updating else { return }
            self.onTemperatureChange?(Float(gtk_range_get_value(cast(self.temperature))))
        }
        Signal.connect(rawPointer(seed), "value-changed") { [weak self] in
            guard let self, !self.updating else { return }
            self.onSeedChange?(UInt64(max(0, gtk_spin_button_get_value(opaque(self.seed)))))
        }
    }

    /// Shows `value` as the seed without reporting it as a user change.
    func showSeed(_ value: UInt64) {
        updating = true
        gtk_spin_button_set_value(opaque(seed), Double(value))
        updating = false
    }

    func setSensitive(_ on: Bool) {
        sliders.forEach { $0.setSensitive(on) }
        gtk_widget_set_sensitive(temperature, on ? 1 : 0)
        gtk_widget_set_sensitive(seed, on ? 1 : 0)
    }

    private static func attach(_ grid: UnsafeMutablePointer<GtkWidget>, _ child: UnsafeMutablePointer<GtkWidget>,
                        _ column: Int32, _ row: Int32) {
        gtk_grid_attach(cast(grid), child, column, row, 1, 1)
    }

    /// A mnemonic label, which also names `target` for assistive technologies.
    private static func label(_ text: String, for target: UnsafeMutablePointer<GtkWidget>) -> UnsafeMutablePointer<GtkWidget> {
        let label = gtk_label_new_with_mnemonic(text)!
        gtk_label_set_xalign(opaque(label), 0)
        gtk_widget_add_css_class(label, "dim-label")
        gtk_label_set_mnemonic_widget(opaque(label), target)
        return label
    }
}
