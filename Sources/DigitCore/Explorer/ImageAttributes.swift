/// Measurable properties of a digit image (28 x 28 or any side, ink in [0, 1]), the quantities
/// behind the named latent directions. All are computed from the image alone.
///
/// - slant: horizontal shear per row from the second-order moments, -mu11 / mu02 (the
///   deskewing angle of LeCun et al. 1998 / Ciresan et al. 2012's preprocessing), sign chosen so
///   that a top leaning right is positive.
/// - thickness: ink per unit of stroke length, in pixels: total ink over the length of the
///   stroke's skeleton (Zhang & Suen 1984 thinning of the ink above 0.5).
/// - width, height: 4 standard deviations of the ink along x and y (a moment-based extent that
///   varies smoothly, where a bounding box jumps by whole pixels).
public struct ImageAttributes: Equatable, Sendable {
    public var slant: Double
    public var thickness: Double
    public var width: Double
    public var height: Double

    public static let names = ["slant", "thickness", "width", "height"]

    public func value(_ name: String) -> Double? {
        switch name {
        case "slant": return slant
        case "thickness": return thickness
        case "width": return width
        case "height": return height
        default: return nil
        }
    }

    /// The attributes of one image (`side` x `side`, row-major). An empty image gives zeros.
    public static func measure(_ image: UnsafeBufferPointer<Float>, side: Int) -> ImageAttributes {
        var m = 0.0, mx = 0.0, my = 0.0
        for y in 0..<side {
            for x in 0..<side {
                let v = Double(max(0, image[y * side + x])); m += v; mx += v * Double(x); my += v * Double(y)
            }
        }
        guard m > 1e-9 else { return ImageAttributes(slant: 0, thickness: 0, width: 0, height: 0) }
        let cx = mx / m, cy = my / m
        var mu20 = 0.0, mu02 = 0.0, mu11 = 0.0
        for y in 0..<side {
            for x in 0..<side {
                let v = Double(max(0, image[y * side + x])), dx = Double(x) - cx, dy = Double(y) - cy
                mu20 += v * dx * dx; mu02 += v * dy * dy; mu11 += v * dx * dy
            }
        }
        let slant = mu02 > 1e-9 ? -mu11 / mu02 : 0
        let skeleton = skeletonLength(image, side: side)
        return ImageAttributes(slant: slant, thickness: skeleton > 0 ? m / Double(skeleton) : 0,
                               width: 4 * (mu20 / m).squareRoot(), height: 4 * (mu02 / m).squareRoot())
    }

    public static func measure(_ image: [Float], side: Int) -> ImageAttributes {
        image.withUnsafeBufferPointer { measure($0, side: side) }
    }

    /// Pixels left by Zhang-Suen thinning of the ink above 0.5 (the stroke's length in pixels).
    static func skeletonLength(_ image: UnsafeBufferPointer<Float>, side: Int) -> Int {
        // A one-pixel frame of background around the image, so the neighbourhood needs no checks.
        let s = side + 2
        var p = [UInt8](repeating: 0, count: s * s)
        for y in 0..<side { for x in 0..<side where image[y * side + x] > 0.5 { p[(y + 1) * s + x + 1] = 1 } }
        var changed = true
        var remove: [Int] = []
        while changed {
            changed = false
            for pass in 0..<2 {
                remove.removeAll(keepingCapacity: true)
                for y in 1...side {
                    for x in 1...side where p[y * s + x] == 1 {
                        let i = y * s + x
                        // Neighbours P2..P9, clockwise from north.
                        let n = [p[i - s], p[i - s + 1], p[i + 1], p[i + s + 1], p[i + s], p[i + s - 1], p[i - 1], p[i - s - 1]]
                        let b = n.reduce(0) { $0 + Int($1) }
                        guard (2...6).contains(b) else { continue }
                        var a = 0
                        for k in 0..<8 where n[k] == 0 && n[(k + 1) % 8] == 1 { a += 1 }
                        guard a == 1 else { continue }
                        if pass == 0 {
                            guard n[0] * n[2] * n[4] == 0, n[2] * n[4] * n[6] == 0 else { continue }
                        } else {
                            guard n[0] * n[2] * n[6] == 0, n[0] * n[4] * n[6] == 0 else { continue }
                        }
                        remove.append(i)
                    }
                }
                if !remove.isEmpty { changed = true }
                for i in remove { p[i] = 0 }
            }
        }
        return p.reduce(0) { $0 + Int($1) }
    }
}
