import DigitStudio
import CGtk

/// The Ctrl+? window listing every shortcut (GtkShortcutsWindow, id help_overlay).
enum ShortcutsWindow {
    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <interface>
          <object class="GtkShortcutsWindow" id="help_overlay">
            <property name="modal">1</property>
            <child>
              <object class="GtkShortcutsSection">
                <property name="section-name">shortcuts</property>
                <property name="max-height">12</property>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">Generating</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">0...9</property>
                      <property name="title">Show five samples of a digit</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">space</property>
                      <property name="title">New samples of the current digit</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;a &lt;alt&gt;b</property>
                      <property name="title">Focus latent slider A or B</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;t &lt;alt&gt;s</property>
                      <property name="title">Focus the temperature or the seed</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Left Right</property>
                      <property name="title">Move the focused slider</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;s</property>
                      <property name="title">Save the images as PNG</property></object></child>
                  </object>
                </child>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">General</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">F11</property>
                      <property name="title">Toggle fullscreen</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;question</property>
                      <property name="title">Keyboard shortcuts</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;q</property>
                      <property name="title">Quit</property></object></child>
                  </object>
                </child>
              </object>
            </child>
          </object>
        </interface>
        """

    /// Builds the window and makes it `window`'s help overlay (action win.show-help-overlay).
    static func attach(to window: UnsafeMutablePointer<GtkWidget>) {
        guard let overlay = Builder.object(xml: xml, id: "help_overlay") else { return }
        gtk_application_window_set_help_overlay(cast(window), opaque(overlay))
        g_object_unref(rawPointer(overlay))
    }
}
