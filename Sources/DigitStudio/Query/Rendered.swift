/// Decoded images: `count` images of `side` x `side` gray bytes (round(255 p), as in PNGs),
/// white ink on black.
public struct Rendered: Equatable, Sendable {
    public let count: Int
    public let side: Int
    public let gray: [UInt8]
    /// The classifier's probability of each digit, for a handwriting restyle it named.
    public let probabilities: [Float]?

    public init(count: Int, side: Int, gray: [UInt8], probabilities: [Float]? = nil) {
        self.count = count
        self.side = side
        self.gray = gray
        self.probabilities = probabilities
    }

    /// Images `range` of these (for a part of a batch).
    public func slice(_ range: Range<Int>) -> Rendered {
        let n = side * side
        return Rendered(count: range.count, side: side, gray: Array(gray[range.lowerBound * n..<range.upperBound * n]))
    }

    /// Side by side in one row, each pixel a `scale` x `scale` block, no padding: what Save writes.
    public func strip(scale: Int) -> (width: Int, height: Int, pixels: [UInt8]) {
        grid(scale: scale, columns: count)
    }

    /// In rows of `columns` (the last row filled with black), each pixel a `scale` x `scale`
    /// block, no padding: the map as Save writes it.
    public func grid(scale: Int, columns: Int) -> (width: Int, height: Int, pixels: [UInt8]) {
        let k = max(1, scale)
        let cols = max(1, min(columns, max(count, 1)))
        let rows = (count + cols - 1) / cols
        let width = cols * side * k, height = rows * side * k
        var out = [UInt8](repeating: 0, count: width * height)
        for i in 0..<count {
            let r = i / cols, c = i % cols
            for y in 0..<side {
                for x in 0..<side {
                    let v = gray[(i * side + y) * side + x]
                    for dy in 0..<k {
                        let row = ((r * side + y) * k + dy) * width + (c * side + x) * k
                        for dx in 0..<k { out[row + dx] = v }
                    }
                }
            }
        }
        return (width, height, out)
    }
}
