import CGtk

// Drawing glue: a GtkDrawingArea's draw function as a Swift closure, and gray images held
// in cairo image surfaces that are painted scaled up with nearest-neighbour filtering.

enum DrawFunc {
    /// Sets `area`'s draw function. The closure gets the cairo context and the area's
    /// logical width and height; GTK applies the HiDPI scale itself.
    static func set(_ area: UnsafeMutablePointer<GtkWidget>,
                    _ body: @escaping (_ cr: OpaquePointer, _ width: Int, _ height: Int) -> Void) {
        let trampoline: GtkDrawingAreaDrawFunc = { _, cr, width, height, data in
            guard let cr else { return }
            ClosureBox<(OpaquePointer, Int, Int) -> Void>.from(data)(cr, Int(width), Int(height))
        }
        gtk_drawing_area_set_draw_func(cast(area), trampoline,
                                       ClosureBox<(OpaquePointer, Int, Int) -> Void>(body).retainedPointer(),
                                       releaseBoxNotify)
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
