/// Lays out square gray images (pixel probabilities in [0, 1]) on an 8-bit grid for a PNG or a
/// window: cells of `side * scale` pixels (nearest-neighbour upscaling), `padding` pixels
/// between cells and around the border, left to right then top to bottom.
public enum ImageGrid {
    /// - images: count x side x side values, row-major; a value p becomes round(255 * p),
    ///   clamped to 0-255 (NaN becomes 0). Missing values are treated as 0.
    /// - columns: nil puts every image in one row; otherwise rows = ceil(count / columns).
    ///   A value above `count` is reduced to `count` so the grid has no empty columns.
    /// - invert: maps every byte v (background included) to 255 - v, for black ink on white.
    /// - Returns: width = cols * side * scale + (cols + 1) * padding, likewise height.
    public static func compose(images: [Float], count: Int, side: Int, scale: Int, padding: Int,
                               columns: Int?, invert: Bool) -> (width: Int, height: Int, pixels: [UInt8]) {
        let n = max(count, 0)
        let s = max(side, 0), k = max(scale, 1), pad = max(padding, 0)
        let (cols, _) = layout(count: n, columns: columns)
        let cell = s * k
        let (width, height) = size(count: n, side: s, scale: k, padding: pad, columns: columns)
        var pixels = [UInt8](repeating: invert ? 255 : 0, count: width * height)

        pixels.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let x0 = pad + (i % cols) * (cell + pad)
                let y0 = pad + (i / cols) * (cell + pad)
                for y in 0..<s {
                    for x in 0..<s {
                        let index = (i * s + y) * s + x
                        var v = quantize(index < images.count ? images[index] : 0)
                        if invert { v = 255 - v }
                        for dy in 0..<k {
                            let row = (y0 + y * k + dy) * width + x0 + x * k
                            for dx in 0..<k { out[row + dx] = v }
                        }
                    }
                }
            }
        }
        return (width, height, pixels)
    }

    /// The (width, height) `compose` returns for these arguments, without composing anything,
    /// so that callers can refuse a grid too large to allocate before doing the work.
    public static func size(count: Int, side: Int, scale: Int, padding: Int, columns: Int?) -> (width: Int, height: Int) {
        let (cols, rows) = layout(count: max(count, 0), columns: columns)
        let cell = max(side, 0) * max(scale, 1), pad = max(padding, 0)
        return (cols * cell + (cols + 1) * pad, rows * cell + (rows + 1) * pad)
    }

    /// Columns and rows of the grid for `n` images.
    static func layout(count n: Int, columns: Int?) -> (columns: Int, rows: Int) {
        let cols = n == 0 ? 0 : min(max(columns ?? n, 1), n)
        return (cols, cols == 0 ? 0 : (n + cols - 1) / cols)
    }

    /// round(255 * p), clamped to a byte.
    @inline(__always)
    static func quantize(_ p: Float) -> UInt8 {
        if p.isNaN { return 0 }
        return UInt8(max(0, min(255, (255 * p).rounded())))
    }
}
