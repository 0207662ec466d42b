import DigitStudio
import CGtk
import CGtkShim

/// The drawing area showing the generated images: white ink on black as in MNIST, in every
/// theme, scaled up with nearest-neighbour filtering. The draw function only paints the
/// cached images; `show` changes them and queues a draw.
final class DigitCanvas {
    let widget: UnsafeMutablePointer<GtkWidget>
    /// Called from the draw function with the generation of the result it painted.
    var onDrawn: ((Int) -> Void)?
    /// Called from the draw function when the cells move (for the trace).
    var onLayout: ((CanvasLayout) -> Void)?

    private var images: [GrayImage] = []
    private var shown: RenderRequest?
    private var count = 5
    private var side = 28
    private var layout = CanvasLayout(count: 0, side: 1, width: 0, height: 0, gap: 0)
    static let gap = 12.0
    static let cornerRadius = 6.0

    init() {
        widget = dg_image_area_new()
        gtk_widget_set_hexpand(widget, 1)
        gtk_widget_set_vexpand(widget, 1)
        gtk_widget_set_size_request(widget, 5 * 28 + 4 * Int32(DigitCanvas.gap), 2 * 28)
        gtk_drawing_area_set_content_width(cast(widget), 5 * 112 + 4 * Int32(DigitCanvas.gap))
        gtk_drawing_area_set_content_height(cast(widget), 112)
        gtk_widget_add_css_class(widget, "digit-canvas")
        dg_accessible_set_label(widget, "Generated digits")
        dg_accessible_set_description(widget, "No images yet")
        DrawFunc.set(widget) { [weak self] cr, width, height in self?.draw(cr, width: width, height: height) }
    }

    /// Shows a finished result.
    func show(_ result: RenderResult) {
        let r = result.request
        guard result.error == nil, result.side > 0, result.pixels.count == r.count * result.side * result.side else { return }
        if images.count != r.count || side != result.side {
            images = (0..<r.count).map { _ in GrayImage(side: result.side) }
        }
        count = r.count
        side = result.side
        let n = side * side
        var gray = [UInt8](repeating: 0, count: n)
        for (i, image) in images.enumerated() {
            for p in 0..<n {
                let v = result.pixels[i * n + p]
                gray[p] = UInt8(max(0, min(255, (255 * v).rounded())))
            }
            gray.withUnsafeBufferPointer { image.update(gray: $0) }
        }
        shown = r
        dg_accessible_set_description(widget, DigitCanvas.describe(r))
        gtk_widget_queue_draw(widget)
    }

    /// "Five generated images of the digit 7 (seed 42)".
    static func describe(_ r: RenderRequest) -> String {
        let words = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]
        let amount = r.count < words.count ? words[r.count] : String(r.count)
        let noun = r.count == 1 ? "image" : "images"
        var text = "\(amount) generated \(noun) of the digit \(r.digit) (seed \(r.seed)"
        if r.temperature != 1 { text += String(format: ", temperature %.2f", r.temperature) }
        for o in r.overrides { text += String(format: ", latent %d at %.2f", o.dimension, o.value) }
        return text + ")"
    }

    private func draw(_ cr: OpaquePointer, width: Int, height: Int) {
        let current = CanvasLayout(count: count, side: side, width: Double(width), height: Double(height),
                                   gap: DigitCanvas.gap)
        if current != layout {
            layout = current
            onLayout?(current)
        }
        for (i, cell) in current.cells.enumerated() {
            cairo_save(cr)
            roundedRectangle(cr, cell, radius: min(DigitCanvas.cornerRadius, cell.size / 8))
            cairo_clip(cr)
            if i < images.count, shown != nil {
                images[i].paint(cr, x: cell.x, y: cell.y, size: cell.size)
            } else {
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_paint(cr)
            }
            cairo_restore(cr)
        }
        if let shown { onDrawn?(shown.generation) }
    }

    private func roundedRectangle(_ cr: OpaquePointer, _ c: CanvasLayout.Cell, radius r: Double) {
        let x0 = c.x, y0 = c.y, x1 = c.x + c.size, y1 = c.y + c.size
        cairo_new_sub_path(cr)
        cairo_arc(cr, x1 - r, y0 + r, r, -.pi / 2, 0)
        cairo_arc(cr, x1 - r, y1 - r, r, 0, .pi / 2)
        cairo_arc(cr, x0 + r, y1 - r, r, .pi / 2, .pi)
        cairo_arc(cr, x0 + r, y0 + r, r, .pi, 3 * .pi / 2)
        cairo_close_path(cr)
    }
}
