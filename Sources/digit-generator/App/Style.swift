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

extension Style {
    /// The exhibit: dark, large type, touch targets far above 56 px on a 1080p screen.
    static let kioskCSS = """
        window.kiosk { background-color: #101114; }
        /* Without a compositor GTK gives windows a 4-px "solid-csd" frame: not on an exhibit. */
        window.kiosk, window.kiosk.solid-csd { padding: 0; margin: 0; border: none; border-radius: 0; box-shadow: none; outline: none; }
        .kiosk-visitor { font-size: 2.0em; font-weight: 700; }
        .kiosk-digits button { min-width: 72px; min-height: 88px; font-size: 2.4em; }
        .kiosk-canvas { min-height: 200px; }
        .kiosk-pad-hint, .kiosk-seed { font-size: 1.3em; opacity: 0.8; font-feature-settings: "tnum"; }
        .kiosk-new { min-height: 72px; min-width: 220px; font-size: 1.4em; padding: 0 28px; }
        @keyframes kiosk-pulse { from { opacity: 1.0; } to { opacity: 0.2; } }
        .kiosk-hint {
            font-size: 2.6em; font-weight: 800; padding: 18px 44px; border-radius: 999px;
            background-color: alpha(@accent_bg_color, 0.92); color: @accent_fg_color;
            animation: kiosk-pulse 2s ease-in-out infinite alternate;
        }
        .kiosk-out-of-order { font-size: 1.6em; }
        /* While the exhibit runs itself, what does not move is dimmed (screen burn-in): the
           text and the digit buttons other than the one on screen; the images and the hint
           move by themselves. */
        window.kiosk.attract .kiosk-visitor, window.kiosk.attract .kiosk-digits button:not(:checked) { opacity: 0.3; }
        window.kiosk.attract .kiosk-digits button:checked { opacity: 0.7; }
        window.kiosk.out-of-order .kiosk-out-of-order { opacity: 0.5; }
        .kiosk-pin {
            background-color: @popover_bg_color; border-radius: 24px; padding: 32px;
            box-shadow: 0 8px 40px rgba(0, 0, 0, 0.6);
        }
        .kiosk-pin-dots { font-size: 2.2em; min-height: 48px; letter-spacing: 8px; }
        .kiosk-pin-key { min-width: 96px; min-height: 96px; font-size: 2.2em; }
        .kiosk-pin-cancel { min-height: 72px; font-size: 1.4em; }
        """
}
