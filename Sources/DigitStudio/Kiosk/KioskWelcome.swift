import DigitCore

/// The exhibit's welcome view: the first-launch digit with a fresh seed, both offsets at 0,
/// the weights' default temperature, and, when the weights have them, the named directions
/// slant (dragging sideways) and thickness (up and down): a visitor sees what a drag does.
public enum KioskWelcome {
    /// The two directions the exhibit's pad moves along.
    public static func sliders(catalog: DirectionCatalog) -> [SliderSetting] {
        let wanted: [DirectionID] = [.named("slant"), .named("thickness")]
        if wanted.allSatisfy(catalog.contains) { return wanted.map { SliderSetting(direction: $0) } }
        return ViewSettings.defaultSliders
    }

    public static func view(info: ModelInfo, seed: UInt64) -> ViewSettings {
        var v = AppState.welcomeView(for: info)
        v.seed = seed
        v.sliders = sliders(catalog: info.catalog)
        return v
    }

    /// "Drag sideways: slant. Up and down: thickness." for the view's directions.
    public static func padHint(_ view: ViewSettings) -> String {
        guard view.sliders.count == 2 else { return "" }
        return "Sideways: \(view.sliders[0].direction.phrase) · up and down: \(view.sliders[1].direction.phrase)"
    }
}
