/// Random translation of uint8 images by whole pixels, the classic augmentation for MNIST
/// MLPs (Simard, Steinkraus & Platt 2003, "Best practices for convolutional neural networks
/// applied to visual document analysis"): the classifier must not care where in the 28 x 28
/// frame a digit sits, and the generator's digits are not always centred like the data's.
public enum ShiftAugmentation {
    /// Writes `image` (side x side, uint8) shifted by (dx, dy) pixels into `out` as Float in
    /// [0, 1]; pixels shifted in from outside are 0 (background).
    @inline(__always)
    public static func shift(_ image: UnsafePointer<UInt8>, side: Int, dx: Int, dy: Int,
                             table: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<side {
            let sr = r - dy
            let row = out + r * side
            guard sr >= 0, sr < side else { row.update(repeating: 0, count: side); continue }
            let src = image + sr * side
            for c in 0..<side {
                let sc = c - dx
                row[c] = (sc >= 0 && sc < side) ? table[Int(src[sc])] : 0
            }
        }
    }

    /// A shift drawn uniformly from -maxShift...maxShift on each axis.
    @inline(__always)
    public static func randomShift(maxShift: Int, rng: inout Xoshiro256) -> (dx: Int, dy: Int) {
        guard maxShift > 0 else { return (0, 0) }
        let span = 2 * maxShift + 1
        return (rng.nextInt(below: span) - maxShift, rng.nextInt(below: span) - maxShift)
    }
}
