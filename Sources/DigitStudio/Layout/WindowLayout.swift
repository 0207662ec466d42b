/// How the window arranges the digit row, the images and the controls for its size: the
/// arrangement that gives the images the largest whole-number scale.
///
/// - compact: narrower than `compactWidth`: digits in two rows, each slider on two lines,
///   controls under the images.
/// - stacked: controls under the images (most windows).
/// - sideBySide: controls beside the images, when that makes the images larger (wide, short
///   windows such as a maximised 1920 x 1080 one, where five images in a row would leave
///   bands empty above and below them).
public enum WindowLayout: Equatable, Sendable {
    case compact, stacked, sideBySide

    public static let compactWidth = 620
    /// Sizes of the parts around the images (logical pixels, measured on the window at its
    /// default size): header bar, margins and spacing, digit row, controls panel.
    static let header = 47.0, margin = 12.0, spacing = 12.0
    public static let controlsHeight = 190.0, controlsWidth = 560.0

    public static func choose(width: Int, height: Int, count: Int = 5, side: Int = 28, gap: Double = 8) -> WindowLayout {
        if width < compactWidth { return .compact }
        let w = Double(width), h = Double(height)
        let digits = Double(digitButtonHeight(windowHeight: height))
        let top = header + 2 * margin + digits + spacing
        let stacked = CanvasLayout(count: count, side: side, width: w - 2 * margin,
                                   height: h - top - spacing - controlsHeight, gap: gap)
        let beside = CanvasLayout(count: count, side: side, width: w - 2 * margin - spacing - controlsWidth,
                                  height: h - top, gap: gap)
        let a = stacked.cells.first?.size ?? 0, b = beside.cells.first?.size ?? 0
        return b > a ? .sideBySide : .stacked
    }

    /// Digit buttons grow with the window: 48 px up to a 720 px high window, then 1/15 of it
    /// up to 96 px.
    public static func digitButtonHeight(windowHeight: Int) -> Int { max(48, min(96, windowHeight / 15)) }
}
