/// Random small rotations on top of the whole-pixel shifts of `ShiftAugmentation`: handwriting
/// slants, and so do generated digits. Rotating the training images by a few degrees is the
/// affine part of the distortions of Simard, Steinkraus & Platt 2003; it lets a CNN judge a
/// slanted but well-formed digit by its shape rather than by its angle.
public enum RotationAugmentation {
    /// Writes `image` (side x side, uint8) rotated by `angle` radians (counter-clockwise on
    /// screen) about its centre and then shifted by (dx, dy) pixels into `out` as Float in
    /// [0, 1], sampling bilinearly; pixels from outside the image are 0 (background).
    @inline(__always)
    public static func warp(_ image: UnsafePointer<UInt8>, side: Int, angle: Float, dx: Int, dy: Int,
                            table: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let centre = Float(side - 1) / 2
        let c = _cosf(angle), s = _sinf(angle)
        @inline(__always) func pixel(_ x: Int, _ y: Int) -> Float {
            (x >= 0 && x < side && y >= 0 && y < side) ? table[Int(image[y * side + x])] : 0
        }
        for r in 0..<side {
            for col in 0..<side {
                // The source of output pixel (col, r): undo the shift, then the rotation.
                // On screen y points down, so a counter-clockwise turn by a maps (u, v) to
                // (c u + s v, -s u + c v); its inverse is (c u - s v, s u + c v).
                let u = Float(col - dx) - centre, v = Float(r - dy) - centre
                let sx = c * u - s * v + centre, sy = s * u + c * v + centre
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
                let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
                out[r * side + col] = top * (1 - fy) + bottom * fy
            }
        }
    }

    /// An angle drawn uniformly from -maxDegrees...maxDegrees, in radians.
    @inline(__always)
    public static func randomAngle(maxDegrees: Double, rng: inout Xoshiro256) -> Float {
        Float((rng.nextDouble() * 2 - 1) * maxDegrees * Double.pi / 180)
    }
}
