import DigitStudio
import CGtk
import DigitCore

/// The About window (AdwAboutWindow).
enum AboutWindow {
    static func present(parent: UnsafeMutablePointer<GtkWidget>) {
        let about = adw_about_window_new()!
        let a = opaque(about)
        adw_about_window_set_application_name(a, MainWindow.appName)
        adw_about_window_set_application_icon(a, Resources.appID)
        adw_about_window_set_version(a, Version.string)
        adw_about_window_set_developer_name(a, "The Digit Generator authors")
        adw_about_window_set_comments(a, """
            Generates handwritten digits with a conditional variational autoencoder trained on MNIST. \
            Choose a digit, draw new samples, and move through the latent space with the sliders.
            """)
        gtk_window_set_transient_for(cast(about), cast(parent))
        gtk_window_set_modal(cast(about), 1)
        gtk_window_present(cast(about))
    }
}
