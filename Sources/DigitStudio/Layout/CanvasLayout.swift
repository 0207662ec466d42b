/// Where the image cells go in the drawing area: as large as possible, in as many columns
/// as fit (wrapping to more rows when the area is narrow), centred, with small gaps.
/// Cells are a whole multiple of the image side when at least 1x, so that every image
/// pixel becomes an equal square block.
public struct CanvasLayout: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public let x: Double
        public let y: Double
        public let size: Double
    }

    public let cells: [Cell]

    public init(count: Int, side: Int, width: Double, height: Double, gap: Double) {
        guard count > 0, side > 0, width > 0, height > 0 else { cells = []; return }
        // Sizes are compared as drawn (snapped to whole multiples): wrapping to more rows
        // only when it makes the cells larger on screen, not by a few unusable pixels.
        var best = (columns: count, size: -1.0)
        for columns in stride(from: count, through: 1, by: -1) {
            let rows = (count + columns - 1) / columns
            var size = max(1, min((width - gap * Double(columns - 1)) / Double(columns),
                                  (height - gap * Double(rows - 1)) / Double(rows)))
            if size >= Double(side) { size = (size / Double(side)).rounded(.down) * Double(side) }
            if size > best.size { best = (columns, size) }
        }
        let size = best.size
        let columns = best.columns
        let rows = (count + columns - 1) / columns
        let gridHeight = Double(rows) * size + Double(rows - 1) * gap
        let top = ((height - gridHeight) / 2).rounded(.down)
        var cells: [Cell] = []
        for row in 0..<rows {
            let inRow = min(columns, count - row * columns)
            let rowWidth = Double(inRow) * size + Double(inRow - 1) * gap
            let left = ((width - rowWidth) / 2).rounded(.down)
            for column in 0..<inRow {
                cells.append(Cell(x: left + Double(column) * (size + gap),
                                  y: top + Double(row) * (size + gap), size: size))
            }
        }
        self.cells = cells
    }
}
