import DigitStudio
import DigitCore

/// Writes the images on screen as one PNG: the samples side by side at their native size
/// (five 28 x 28 images give 140 x 28), white ink on black as shown.
enum ImageExport {
    static func save(_ result: RenderResult, to path: String) throws {
        let r = result.request
        let grid = ImageGrid.compose(images: result.pixels, count: r.count, side: result.side, scale: 1,
                                     padding: 0, columns: r.count, invert: false)
        try PNG.writeGray(path: path, width: grid.width, height: grid.height, pixels: grid.pixels)
    }

    /// "digit-7-seed-42.png"
    static func suggestedName(_ r: RenderRequest) -> String { "digit-\(r.digit)-seed-\(r.seed).png" }
}
