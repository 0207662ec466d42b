import CCairo
import DigitCore
import Foundation

/// Loss curves of a training run as a PNG drawn with cairo: three panels (-ELBO, its BCE
/// part and its KL part), each with the training curve and, when there is a test set, the
/// test curve, axes with tick labels and a legend.
enum LossPlot {
    struct Series {
        let name: String
        let values: [(Double, Double)]
        let color: (Double, Double, Double)
        let dashed: Bool
    }

    static let panelWidth = 420.0, panelHeight = 340.0

    static func draw(_ history: [EpochRecord], to path: String) throws {
        let width = Int(panelWidth * 3), height = Int(panelHeight + 40)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
            throw PlotError.cairo("cannot create a \(width)x\(height) surface")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw PlotError.cairo("cannot create a drawing context") }
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, 15)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, 16, 24)
        cairo_show_text(cr, "digitgen train: loss per image (nats) by epoch")

        let blue = (0.12, 0.40, 0.75), orange = (0.90, 0.45, 0.05)
        func series(_ train: (EpochRecord) -> Double, _ test: (EpochRecord) -> Double?) -> [Series] {
            var s = [Series(name: "train", values: history.map { (Double($0.epoch), train($0)) }, color: blue, dashed: false)]
            let t = history.compactMap { r in test(r).map { (Double(r.epoch), $0) } }
            if !t.isEmpty { s.append(Series(name: "test", values: t, color: orange, dashed: true)) }
            return s
        }
        let panels: [(String, [Series])] = [
            ("-ELBO = BCE + KL", series({ $0.trainLoss }, { $0.testLoss })),
            ("reconstruction (BCE)", series({ $0.trainBCE }, { $0.testBCE })),
            ("KL(q(z|x,y) || N(0,I))", series({ $0.trainKL }, { $0.testKL })),
        ]
        for (i, panel) in panels.enumerated() {
            drawPanel(cr, x: Double(i) * panelWidth, y: 36, title: panel.0, series: panel.1)
        }
        try writePNG(surface, to: path)
    }

    /// Encodes `surface` as PNG in memory, then writes it atomically like every other output.
    static func writePNG(_ surface: OpaquePointer, to path: String) throws {
        cairo_surface_flush(surface)
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo("cannot encode \(path): \(String(cString: cairo_status_to_string(status)))")
        }
        try withExtendedLifetime(sink) { try AtomicFile.write(sink.bytes, to: path) }
    }

    static func drawPanel(_ cr: OpaquePointer, x: Double, y: Double, title: String, series: [Series]) {
        let left = x + 64, right = x + panelWidth - 16, top = y + 28, bottom = y + panelHeight - 44
        let all = series.flatMap { $0.values }
        let xs = all.map { $0.0 }, ys = all.map { $0.1 }
        let xMin = xs.min() ?? 1, xMax = max(xs.max() ?? 1, xMin + 1)
        let (yTicks, yLo, yHi) = niceTicks(min: ys.min() ?? 0, max: ys.max() ?? 1)
        func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * (right - left) }
        func py(_ v: Double) -> Double { bottom - (v - yLo) / (yHi - yLo) * (bottom - top) }

        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, 13)
        cairo_move_to(cr, left, y + 16)
        cairo_show_text(cr, title)

        // Grid and tick labels.
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 11)
        cairo_set_line_width(cr, 1)
        for t in yTicks {
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88)
            cairo_move_to(cr, left, py(t).rounded() + 0.5)
            cairo_line_to(cr, right, py(t).rounded() + 0.5)
            cairo_stroke(cr)
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
            let label = format(t, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1)
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, label, &ext)
            cairo_move_to(cr, left - 6 - ext.x_advance, py(t) + 4)
            cairo_show_text(cr, label)
        }
        // Epoch ticks at round steps (1, 2, 5, 10, 20, ...), plus the first epoch.
        let rawStep = max(1, (xMax - xMin) / 8)
        let mag = pow(10, floor(log10(rawStep)))
        let xStep = Int((rawStep / mag <= 1 ? 1 : rawStep / mag <= 2 ? 2 : rawStep / mag <= 5 ? 5 : 10) * mag)
        var xTicks = [Int(xMin)]
        var e = (Int(xMin) / xStep + 1) * xStep
        while Double(e) <= xMax {
            if Double(e - xTicks[xTicks.count - 1]) >= Double(xStep) / 2 { xTicks.append(e) }
            e += xStep
        }
        for e in xTicks {
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
            cairo_move_to(cr, px(Double(e)), bottom)
            cairo_line_to(cr, px(Double(e)), bottom + 4)
            cairo_stroke(cr)
            let label = String(e)
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, label, &ext)
            cairo_move_to(cr, px(Double(e)) - ext.x_advance / 2, bottom + 16)
            cairo_show_text(cr, label)
        }
        cairo_move_to(cr, (left + right) / 2 - 16, bottom + 32)
        cairo_show_text(cr, "epoch")
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_rectangle(cr, left + 0.5, top + 0.5, right - left, bottom - top)
        cairo_stroke(cr)

        // Curves, with a dot per epoch.
        cairo_set_line_width(cr, 2)
        for s in series {
            cairo_set_source_rgb(cr, s.color.0, s.color.1, s.color.2)
            var dashes: [Double] = [6, 4]
            cairo_set_dash(cr, &dashes, s.dashed ? 2 : 0, 0)
            for (i, p) in s.values.enumerated() {
                if i == 0 { cairo_move_to(cr, px(p.0), py(p.1)) } else { cairo_line_to(cr, px(p.0), py(p.1)) }
            }
            cairo_stroke(cr)
            cairo_set_dash(cr, &dashes, 0, 0)
            for p in s.values {
                cairo_arc(cr, px(p.0), py(p.1), 2.5, 0, 2 * Double.pi)
                cairo_fill(cr)
            }
        }

        // Legend, top right.
        for (i, s) in series.enumerated() {
            let ly = top + 16 + Double(i) * 16
            cairo_set_source_rgb(cr, s.color.0, s.color.1, s.color.2)
            var dashes: [Double] = [6, 4]
            cairo_set_dash(cr, &dashes, s.dashed ? 2 : 0, 0)
            cairo_move_to(cr, right - 78, ly - 4)
            cairo_line_to(cr, right - 52, ly - 4)
            cairo_stroke(cr)
            cairo_set_dash(cr, &dashes, 0, 0)
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_move_to(cr, right - 46, ly)
            cairo_show_text(cr, s.name)
        }
    }

    /// Round tick values covering [min, max] (Heckbert 1990, "Nice numbers for graph labels").
    static func niceTicks(min lo: Double, max hi: Double) -> ([Double], Double, Double) {
        var lo = lo, hi = hi
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let raw = (hi - lo) / 5
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        var ticks: [Double] = []
        var t = start
        while t <= end + step / 2 { ticks.append(t); t += step }
        return (ticks, start, end)
    }

    static func format(_ v: Double, step: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step))))
        return String(format: "%.\(decimals)f", v)
    }
}

enum PlotError: DigitCoreError {
    case cairo(String)
    var description: String {
        switch self { case .cairo(let s): return "loss plot: \(s)" }
    }
}
