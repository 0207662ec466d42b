import CCairo
import DigitCore
import Foundation

/// A temperature sweep (`eval --temperatures ... --plot FILE.png`) as a PNG drawn with cairo:
/// classifier accuracy (all samples and the worst digit) and mean diversity against the
/// temperature, each with its target as a grey line and the chosen temperature marked.
enum SweepPlot {
    static let panelWidth = 460.0, panelHeight = 340.0

    struct Line {
        let name: String
        let points: [(Double, Double)]
        let color: (Double, Double, Double)
        let dashed: Bool
    }

    static func draw(_ sweep: TemperatureSweepJSON, to path: String) throws {
        let width = Int(panelWidth * 2), height = Int(panelHeight + 40)
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
        let chosen = sweep.chosenTemperature.map { String(format: "; chosen default %.2f", $0) } ?? "; no temperature meets the targets"
        cairo_show_text(cr, "digitgen eval --temperatures: samples judged by the CNN classifier" + chosen)

        let blue = (0.12, 0.40, 0.75), orange = (0.90, 0.45, 0.05), grey = (0.55, 0.55, 0.55)
        let t = sweep.rows.map(\.temperature)
        let xs = (t.min() ?? 0, t.max() ?? 1)
        func target(_ name: String, _ v: Double) -> Line { Line(name: name, points: [(xs.0, v), (xs.1, v)], color: grey, dashed: true) }
        drawPanel(cr, x: 0, y: 36, title: "accuracy (%)", lines: [
            Line(name: "all digits", points: sweep.rows.map { ($0.temperature, 100 * $0.accuracy) }, color: blue, dashed: false),
            Line(name: "worst digit", points: sweep.rows.map { ($0.temperature, 100 * $0.worstAccuracy) }, color: orange, dashed: false),
            target(String(format: "target %.1f", 100 * sweep.targetAccuracy), 100 * sweep.targetAccuracy),
            target(String(format: "target %.1f", 100 * sweep.targetWorstAccuracy), 100 * sweep.targetWorstAccuracy),
        ], chosen: sweep.chosenTemperature)
        drawPanel(cr, x: panelWidth, y: 36, title: "diversity (samples / real test images)", lines: [
            Line(name: "mean diversity", points: sweep.rows.map { ($0.temperature, $0.meanDiversity) }, color: blue, dashed: false),
            target(String(format: "target %.2f", sweep.targetDiversity), sweep.targetDiversity),
        ], chosen: sweep.chosenTemperature)
        try LossPlot.writePNG(surface, to: path)
    }

    static func drawPanel(_ cr: OpaquePointer, x: Double, y: Double, title: String, lines: [Line], chosen: Double?) {
        let left = x + 64, right = x + panelWidth - 16, top = y + 28, bottom = y + panelHeight - 44
        let all = lines.flatMap(\.points)
        let (xTicks, xLo, xHi) = LossPlot.niceTicks(min: all.map(\.0).min() ?? 0, max: all.map(\.0).max() ?? 1)
        let (yTicks, yLo, yHi) = LossPlot.niceTicks(min: all.map(\.1).min() ?? 0, max: all.map(\.1).max() ?? 1)
        func px(_ v: Double) -> Double { left + (v - xLo) / (xHi - xLo) * (right - left) }
        func py(_ v: Double) -> Double { bottom - (v - yLo) / (yHi - yLo) * (bottom - top) }

        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, 13)
        cairo_move_to(cr, left, y + 16)
        cairo_show_text(cr, title)
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 11)
        cairo_set_line_width(cr, 1)
        for v in yTicks {
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88)
            cairo_move_to(cr, left, py(v).rounded() + 0.5)
            cairo_line_to(cr, right, py(v).rounded() + 0.5)
            cairo_stroke(cr)
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
            let label = LossPlot.format(v, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1)
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, label, &ext)
            cairo_move_to(cr, left - 6 - ext.x_advance, py(v) + 4)
            cairo_show_text(cr, label)
        }
        for v in xTicks {
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
            cairo_move_to(cr, px(v), bottom)
            cairo_line_to(cr, px(v), bottom + 4)
            cairo_stroke(cr)
            let label = LossPlot.format(v, step: xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1)
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, label, &ext)
            cairo_move_to(cr, px(v) - ext.x_advance / 2, bottom + 16)
            cairo_show_text(cr, label)
        }
        cairo_move_to(cr, (left + right) / 2 - 30, bottom + 32)
        cairo_show_text(cr, "temperature")
        if let chosen {
            cairo_set_source_rgb(cr, 0.15, 0.6, 0.25)
            cairo_set_line_width(cr, 1.5)
            cairo_move_to(cr, px(chosen), top)
            cairo_line_to(cr, px(chosen), bottom)
            cairo_stroke(cr)
            cairo_move_to(cr, px(chosen) + 4, bottom - 6)
            cairo_show_text(cr, "default")
        }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, 1)
        cairo_rectangle(cr, left + 0.5, top + 0.5, right - left, bottom - top)
        cairo_stroke(cr)

        var dashes: [Double] = [6, 4]
        for l in lines {
            cairo_set_source_rgb(cr, l.color.0, l.color.1, l.color.2)
            cairo_set_line_width(cr, l.dashed ? 1.5 : 2)
            cairo_set_dash(cr, &dashes, l.dashed ? 2 : 0, 0)
            for (i, p) in l.points.enumerated() {
                if i == 0 { cairo_move_to(cr, px(p.0), py(p.1)) } else { cairo_line_to(cr, px(p.0), py(p.1)) }
            }
            cairo_stroke(cr)
            cairo_set_dash(cr, &dashes, 0, 0)
            if !l.dashed {
                for p in l.points {
                    cairo_arc(cr, px(p.0), py(p.1), 2.5, 0, 2 * Double.pi)
                    cairo_fill(cr)
                }
            }
        }
        // Legend, bottom left (the curves fall to the right as the temperature rises).
        for (i, l) in lines.enumerated() {
            let ly = bottom - 12 - Double(lines.count - 1 - i) * 16
            cairo_set_source_rgb(cr, l.color.0, l.color.1, l.color.2)
            cairo_set_dash(cr, &dashes, l.dashed ? 2 : 0, 0)
            cairo_move_to(cr, left + 10, ly - 4)
            cairo_line_to(cr, left + 36, ly - 4)
            cairo_stroke(cr)
            cairo_set_dash(cr, &dashes, 0, 0)
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_move_to(cr, left + 42, ly)
            cairo_show_text(cr, l.name)
        }
    }
}
