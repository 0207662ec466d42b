import CGtk
import DigitStudio

// Drawing glue: a GtkDrawingArea's draw function as a Swift closure, and gray images held
// in cairo image surfaces that are painted scaled up with nearest-neighbour filtering.

enum DrawFunc {
    /// Sets `area`'s draw function. The closure gets a painter and the area's logical width
    /// and height; GTK applies the HiDPI scale itself.
    static func set(_ area: UnsafeMutablePointer<GtkWidget>,
                    _ body: @escaping (_ painter: Painter, _ width: Int, _ height: Int) -> Void) {
        let trampoline: GtkDrawingAreaDrawFunc = { _, cr, width, height, data in
            guard let cr else { return }
            ClosureBox<(Painter, Int, Int) -> Void>.from(data)(Painter(cr: cr), Int(width), Int(height))
        }
        gtk_drawing_area_set_draw_func(cast(area), trampoline,
                                       ClosureBox<(Painter, Int, Int) -> Void>(body).retainedPointer(),
                                       releaseBoxNotify)
    }
}

/// What a draw function may do with its cairo context.
struct Painter {
    fileprivate let cr: OpaquePointer

    /// Paints `image` into the square (x, y, size), clipped to rounded corners of `radius`.
    func paint(_ image: GrayImage, x: Double, y: Double, size: Double, radius: Double = 0) {
        cairo_save(cr)
        roundedRectangle(x: x, y: y, size: size, radius: radius)
        cairo_clip(cr)
        image.paint(cr, x: x, y: y, size: size)
        cairo_restore(cr)
    }

    /// Fills the square (x, y, size) with gray `value` (0-1), rounded corners of `radius`.
    func fill(x: Double, y: Double, size: Double, gray value: Double, radius: Double = 0) {
        cairo_save(cr)
        roundedRectangle(x: x, y: y, size: size, radius: radius)
        cairo_set_source_rgb(cr, value, value, value)
        cairo_fill(cr)
        cairo_restore(cr)
    }

    /// Strokes the rectangle (x, y, width, height) with a line of `lineWidth` in colour
    /// (r, g, b), inside the rectangle.
    func outline(x: Double, y: Double, width: Double, height: Double, lineWidth: Double,
                 color: (r: Double, g: Double, b: Double)) {
        cairo_save(cr)
        cairo_set_line_width(cr, lineWidth)
        cairo_set_source_rgb(cr, color.r, color.g, color.b)
        cairo_rectangle(cr, x + lineWidth / 2, y + lineWidth / 2, width - lineWidth, height - lineWidth)
        cairo_stroke(cr)
        cairo_restore(cr)
    }

    private func roundedRectangle(x: Double, y: Double, size: Double, radius r0: Double) {
        let r = min(r0, size / 2)
        let x1 = x + size, y1 = y + size
        cairo_new_sub_path(cr)
        if r <= 0 {
            cairo_rectangle(cr, x, y, size, size)
            return
        }
        cairo_arc(cr, x1 - r, y + r, r, -.pi / 2, 0)
        cairo_arc(cr, x1 - r, y1 - r, r, 0, .pi / 2)
        cairo_arc(cr, x + r, y1 - r, r, .pi / 2, .pi)
        cairo_arc(cr, x + r, y + r, r, .pi, 3 * .pi / 2)
        cairo_close_path(cr)
    }
}

/// A side x side gray image in a cairo RGB24 surface.
final class GrayImage {
    let side: Int
    private let surface: OpaquePointer

    init(side: Int) {
        self.side = side
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(side), Int32(side))
    }

    deinit { cairo_surface_destroy(surface) }

    /// Copies image `index` of `count` side x side images held in `gray`.
    func update(_ gray: [UInt8], index: Int) {
        let n = side * side
        guard gray.count >= (index + 1) * n else { return }
        gray.withUnsafeBufferPointer { update(gray: UnsafeBufferPointer(rebasing: $0[index * n..<(index + 1) * n])) }
    }

    /// Copies `side * side` gray values (0 black ... 255 white) into the surface.
    func update(gray: UnsafeBufferPointer<UInt8>) {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface), gray.count >= side * side else { return }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<side {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<side {
                let v = UInt32(gray[y * side + x])
                row[x] = 0xFF00_0000 | (v << 16) | (v << 8) | v
            }
        }
        cairo_surface_mark_dirty(surface)
    }

    /// Paints the image into the square (x, y, size) of `cr`, each pixel a crisp block.
    func paint(_ cr: OpaquePointer, x: Double, y: Double, size: Double) {
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, size / Double(side), size / Double(side))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(side), Double(side))
        cairo_fill(cr)
        cairo_restore(cr)
    }
}

enum WidgetGeometry {
    /// `widget`'s bounds in the coordinates of its toplevel's X/Wayland surface (what a
    /// screenshot of the window shows), or nil before it is laid out.
    static func surfaceBounds(of widget: UnsafeMutablePointer<GtkWidget>) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard let native = gtk_widget_get_native(widget) else { return nil }
        let root: UnsafeMutablePointer<GtkWidget> = cast(native)
        var rect = graphene_rect_t()
        guard gtk_widget_compute_bounds(widget, root, &rect) != 0 else { return nil }
        var dx = 0.0, dy = 0.0
        gtk_native_get_surface_transform(native, &dx, &dy)
        return (Int((Double(rect.origin.x) + dx).rounded()), Int((Double(rect.origin.y) + dy).rounded()),
                Int(Double(rect.size.width).rounded()), Int(Double(rect.size.height).rounded()))
    }
}

// MARK: - Strokes (the drawing pad)

extension Painter {
    /// Strokes `strokes` (points in the unit square) into the square (x, y, size): round caps
    /// and joins, anti-aliased, `width` as a fraction of `size`, in gray `value` (0-1). A
    /// stroke of one point is a dot.
    func strokes(_ strokes: [[PadPoint]], x: Double, y: Double, size: Double, width: Double, gray value: Double) {
        cairo_save(cr)
        cairo_set_source_rgb(cr, value, value, value)
        StrokeRaster.trace(cr, strokes, x: x, y: y, size: size, width: width)
        cairo_restore(cr)
    }

    /// `text` centred on (x, y) in the UI's sans-serif face at `size` px, gray `value`.
    func centredText(_ text: String, x: Double, y: Double, size: Double, gray value: Double) {
        cairo_save(cr)
        cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        cairo_move_to(cr, x - extents.width / 2 - extents.x_bearing, y - extents.height / 2 - extents.y_bearing)
        cairo_set_source_rgb(cr, value, value, value)
        cairo_show_text(cr, text)
        cairo_restore(cr)
    }
}

/// The drawing as a picture for the worker: the strokes rendered with cairo (anti-aliased,
/// round caps and joins) into a `side` x `side` 8-bit alpha surface, returned as gray bytes
/// of dark ink on white paper (MNISTStyle detects the polarity). Main thread, about a
/// millisecond at 280 x 280.
enum StrokeRaster {
    static func gray(_ strokes: [[PadPoint]], side: Int, width: Double) -> [UInt8] {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(side), Int32(side))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_set_source_rgba(cr, 0, 0, 0, 1)
        trace(cr, strokes, x: 0, y: 0, size: Double(side), width: width)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        var out = [UInt8](repeating: 255, count: side * side)
        guard let data = cairo_image_surface_get_data(surface) else { return out }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<side {
            for x in 0..<side { out[y * side + x] = 255 - data[y * stride + x] }
        }
        return out
    }

    /// Adds the strokes to `cr`'s path and strokes it with the current source.
    static func trace(_ cr: OpaquePointer, _ strokes: [[PadPoint]], x: Double, y: Double, size: Double, width: Double) {
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_width(cr, width * size)
        cairo_new_path(cr)
        for stroke in strokes {
            guard let first = stroke.first else { continue }
            cairo_move_to(cr, x + Double(first.x) * size, y + Double(first.y) * size)
            if stroke.count == 1 {
                // A zero-length segment: with round caps, a dot.
                cairo_line_to(cr, x + Double(first.x) * size, y + Double(first.y) * size)
            }
            for p in stroke.dropFirst() { cairo_line_to(cr, x + Double(p.x) * size, y + Double(p.y) * size) }
        }
        cairo_stroke(cr)
    }
}
