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
                <property name="max-height">15</property>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">Generating</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">0...9</property>
                      <property name="title">Five new samples of a digit</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;r F5</property>
                      <property name="title">New samples of the current digit</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">space Return</property>
                      <property name="title">New samples, when the images have the focus</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Left Right</property>
                      <property name="title">Move between the digit buttons</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;s</property>
                      <property name="title">Save the page as PNG (the morph as GIF)</property></object></child>
                  </object>
                </child>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">Sliders</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;a &lt;alt&gt;b</property>
                      <property name="title">Focus slider A or B</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;t &lt;alt&gt;s</property>
                      <property name="title">Focus the temperature or the seed</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Left Right</property>
                      <property name="title">Move a slider by 1/20 of its range</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Page_Up Page_Down</property>
                      <property name="title">Move a slider by 1/4 of its range</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Home End</property>
                      <property name="title">Move a slider to an end</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Delete KP_0</property>
                      <property name="title">Reset the slider (0 on the keypad too)</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Return Escape</property>
                      <property name="title">Seed field: use the typed seed, or drop it</property></object></child>
                  </object>
                </child>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">Pages and views</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;1 &lt;alt&gt;2</property>
                      <property name="title">Samples or map page</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;alt&gt;3 &lt;alt&gt;4</property>
                      <property name="title">Morph or handwriting page</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;&lt;shift&gt;s</property>
                      <property name="title">Save the same-style row as PNG</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;&lt;shift&gt;c</property>
                      <property name="title">Copy the page's view as text</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;o</property>
                      <property name="title">Open a view text</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">space Left Right</property>
                      <property name="title">Morph: play or pause, one frame</property></object></child>
                  </object>
                </child>
                <child>
                  <object class="GtkShortcutsGroup">
                    <property name="title">Handwriting</property>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">&lt;ctrl&gt;z</property>
                      <property name="title">Undo the last stroke</property></object></child>
                    <child><object class="GtkShortcutsShortcut">
                      <property name="accelerator">Delete</property>
                      <property name="title">Clear the drawing</property></object></child>
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
}
