/// The app's CSS on top of libadwaita's stylesheet.
enum Style {
    static let css = """
        /* Digit buttons: large touch targets (their height follows the window); the selected
           digit is marked by weight, an underline bar and the accent colour, not colour alone. */
        .digit-row button {
            min-width: 48px;
            min-height: 48px;
            padding: 0;
            font-size: 1.35em;
            font-feature-settings: "tnum";
        }
        .digit-row button:checked {
            font-weight: 800;
            background-color: @accent_bg_color;
            color: @accent_fg_color;
            box-shadow: inset 0 -4px alpha(@accent_fg_color, 0.85);
        }
        .digit-row button:checked label { text-decoration-line: underline; }
        .controls { padding: 12px 14px; }
        .controls scale { min-height: 32px; min-width: 96px; }
        /* Beyond 2 standard deviations (the outer sixth of the track at each end) digits
           start to break: that part of the track is striped in the warning colour. */
        scale.offset trough {
            background-image: linear-gradient(to right,
                alpha(@warning_color, 0.55) 16.667%, transparent 16.667%,
                transparent 83.333%, alpha(@warning_color, 0.55) 83.333%);
        }
        .value-label { font-feature-settings: "tnum"; }
        .digit-canvas:focus-visible { outline: 2px solid @accent_color; outline-offset: -2px; border-radius: 6px; }
        .seed-entry { font-feature-settings: "tnum"; }
        """
}
