import DigitStudio
import CGtk
import CGtkShim

/// A slider that sets one latent dimension for all samples, with a drop-down choosing the
/// dimension. Until the user moves it, the dimension keeps its sampled values ("sampled");
/// the reset button returns it to that state.
final class LatentSlider {
    let name: String
    let dropDown: UnsafeMutablePointer<GtkWidget>
    let scale: UnsafeMutablePointer<GtkWidget>
    let reset: UnsafeMutablePointer<GtkWidget>
    /// The user moved the slider or chose another dimension; `sliderMoved` tells which.
    var onChange: ((_ sliderMoved: Bool) -> Void)?

    private(set) var dimension = 0
    private(set) var isActive = false
    private var latent = 0
    private var updating = false
    static let range = 3.0

    init(name: String) {
        self.name = name
        dropDown = gtk_drop_down_new(nil, nil)
        gtk_widget_set_tooltip_text(dropDown, "Latent dimension this slider drives")
        dg_accessible_set_label(dropDown, "\(name): latent dimension")

        scale = gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, -LatentSlider.range, LatentSlider.range, 0.05)
        gtk_widget_set_hexpand(scale, 1)
        gtk_scale_set_draw_value(cast(scale), 1)
        gtk_scale_set_value_pos(cast(scale), GTK_POS_RIGHT)
        gtk_scale_set_digits(cast(scale), 2)
        // No fill from the left end: the slider is centred on 0, not a quantity from -3.
        gtk_scale_set_has_origin(cast(scale), 0)
        // Marks above and below keep the trough centred beside the value label.
        gtk_scale_add_mark(cast(scale), 0, GTK_POS_TOP, nil)
        gtk_scale_add_mark(cast(scale), 0, GTK_POS_BOTTOM, nil)
        gtk_range_set_value(cast(scale), 0)

        reset = gtk_button_new_from_icon_name("edit-undo-symbolic")
        gtk_widget_add_css_class(reset, "flat")
        gtk_widget_set_valign(reset, GTK_ALIGN_CENTER)
        gtk_widget_set_tooltip_text(reset, "Use the sampled values again")
        dg_accessible_set_label(reset, "\(name): use the sampled values")
        gtk_widget_set_sensitive(reset, 0)

        ScaleFormat.set(scale) { [weak self] value in
            guard let self, self.isActive else { return "sampled" }
            return String(format: "%+.2f", value)
        }
        Signal.connect(rawPointer(scale), "value-changed") { [weak self] in
            guard let self, !self.updating else { return }
            self.isActive = true
            gtk_widget_set_sensitive(self.reset, 1)
            self.onChange?(true)
        }
        Signal.connectNotify(rawPointer(dropDown), property: "selected") { [weak self] in
            guard let self, !self.updating else { return }
            self.dimension = Int(gtk_drop_down_get_selected(opaque(self.dropDown)))
            self.updateLabels()
            self.onChange?(false)
        }
        Signal.connect(rawPointer(reset), "clicked") { [weak self] in
            guard let self else { return }
            self.deactivate()
            self.onChange?(false)
        }
        updateLabels()
    }

    /// The override this slider applies, if the user has moved it.
    var override: LatentOverride? {
        isActive ? LatentOverride(dimension: dimension, value: Float(gtk_range_get_value(cast(scale)))) : nil
    }

    /// Fills the drop-down with the model's `latent` dimensions and selects `dimension`.
    func configure(latent: Int, dimension: Int) {
        updating = true
        defer { updating = false }
        if latent != self.latent {
            self.latent = latent
            let model = StringList.make((0..<latent).map { "Dimension \($0)" })
            gtk_drop_down_set_model(opaque(dropDown), model)
            g_object_unref(rawPointer(model))
        }
        self.dimension = min(max(0, dimension), max(0, latent - 1))
        gtk_drop_down_set_selected(opaque(dropDown), guint(self.dimension))
        updateLabels()
    }

    func setSensitive(_ on: Bool) {
        gtk_widget_set_sensitive(dropDown, on ? 1 : 0)
        gtk_widget_set_sensitive(scale, on ? 1 : 0)
        gtk_widget_set_sensitive(reset, on && isActive ? 1 : 0)
    }

    private func deactivate() {
        updating = true
        isActive = false
        gtk_range_set_value(cast(scale), 0)
        updating = false
        gtk_widget_set_sensitive(reset, 0)
        gtk_widget_queue_draw(scale)
    }

    private func updateLabels() {
        // The scale's name comes from its mnemonic label ("Latent A"); GTK 4.8 would append
        // an explicit label to it, so the dimension goes into the description.
        dg_accessible_set_description(scale, "Sets latent dimension \(dimension) for all five samples")
        gtk_widget_set_tooltip_text(scale, "Sets latent dimension \(dimension) for all five samples")
    }
}
