/// Turns a picture of one handwritten digit, of any size and either polarity, into a 28 x 28
/// image made the way MNIST's were (LeCun, Cortes & Burges, "The MNIST database"): "size
/// normalized to fit in a 20x20 pixel box while preserving their aspect ratio ... anti-aliasing
/// ... centered in a 28x28 image by computing the center of mass of the pixels, and translating
/// the image so as to position this point at the center of the 28x28 field".
///
/// Steps: find the polarity from the border (paper is what surrounds the digit), turn grey
/// levels into ink in [0, 1] with the paper level as 0, crop to the ink's bounding box, resample
/// so the longer side is 20 pixels (area averaging when shrinking, which is the anti-aliasing;
/// bilinear when enlarging), and shift by whole pixels so that the centre of mass lands on
/// pixel (14, 14) in index coordinates, as MNIST's do (measured on the test set: mean 14.01,
/// every image within 0.5).
public enum MNISTStyle {
    public static let side = 28
    public static let box = 20
    /// Largest input accepted: 2^26 pixels (8192 x 8192), so a hostile file cannot ask for
    /// gigabytes of floats.
    public static let maxInputPixels = 1 << 26

    /// Ink detected in `gray` (width x height, 0 = black): values in [0, 1], 1 = full ink.
    /// Also says whether the picture was dark ink on light paper.
    public static func ink(gray: [UInt8], width: Int, height: Int) throws -> (ink: [Float], darkOnLight: Bool) {
        try checkSize(width: width, height: height, count: gray.count)
        // The paper's level is the median of the border ring; the ink is what differs from it.
        var border: [UInt8] = []
        for x in 0..<width { border.append(gray[x]); border.append(gray[(height - 1) * width + x]) }
        for y in 0..<height { border.append(gray[y * width]); border.append(gray[y * width + width - 1]) }
        border.sort()
        let paper = Float(border[border.count / 2]) / 255
        let darkOnLight = paper > 0.5
        guard let lowest = gray.min(), let highest = gray.max(), Int(highest) - Int(lowest) >= 16 else {
            throw MNISTStyleError.noContrast
        }
        let range = darkOnLight ? paper : 1 - paper
        guard range > 0.1 else { throw MNISTStyleError.noContrast }
        // Ink relative to the paper, with a dead zone as wide as twice the paper's own noise
        // (the border's spread from its median to its 10th percentile towards the ink), so
        // that grain and uneven paper are not read as ink; a clean picture keeps every level.
        let towardsInk = darkOnLight ? Float(border[border.count / 2] - border[border.count / 10])
                                     : Float(border[border.count * 9 / 10] - border[border.count / 2])
        let deadZone = min(0.3, 2 * towardsInk / 255 / range)
        let ink = gray.map { v -> Float in
            let level = Float(v) / 255
            let raw = darkOnLight ? (paper - level) / range : (level - paper) / range
            return max(0, min(1, (raw - deadZone) / (1 - deadZone)))
        }
        return (ink, darkOnLight)
    }

    /// The 28 x 28 MNIST-style image (values in [0, 1]) of `ink` (width x height, in [0, 1]).
    public static func normalize(ink: [Float], width: Int, height: Int) throws -> [Float] {
        try checkSize(width: width, height: height, count: ink.count)
        // Bounding box of the ink (pixels above a tenth of the strongest), so faint noise far
        // from the digit does not shrink it.
        let strongest = ink.max() ?? 0
        guard strongest > 0.05 else { throw MNISTStyleError.noInk }
        let threshold = strongest * 0.1
        var x0 = width, y0 = height, x1 = -1, y1 = -1
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] > threshold {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1
        // Fit the longer side to 20 pixels, keep the aspect ratio.
        let scale = Double(box) / Double(max(bw, bh))
        let tw = max(1, min(box, Int((Double(bw) * scale).rounded())))
        let th = max(1, min(box, Int((Double(bh) * scale).rounded())))
        let small = resample(ink, width: width, x0: x0, y0: y0, w: bw, h: bh, toWidth: tw, toHeight: th)

        // Centre of mass in index coordinates, then a whole-pixel shift to (14, 14).
        var m = 0.0, mx = 0.0, my = 0.0
        for y in 0..<th {
            for x in 0..<tw {
                let v = Double(small[y * tw + x]); m += v; mx += v * Double(x); my += v * Double(y)
            }
        }
        guard m > 0 else { throw MNISTStyleError.noInk }
        let dx = Int((Double(side / 2) - mx / m).rounded())
        let dy = Int((Double(side / 2) - my / m).rounded())
        var out = [Float](repeating: 0, count: side * side)
        for y in 0..<th {
            let oy = y + dy
            guard (0..<side).contains(oy) else { continue }
            for x in 0..<tw {
                let ox = x + dx
                guard (0..<side).contains(ox) else { continue }
                out[oy * side + ox] = small[y * tw + x]
            }
        }
        return out
    }

    /// Polarity detection and normalisation in one step, for an 8-bit grey picture.
    public static func image(gray: [UInt8], width: Int, height: Int) throws -> (image: [Float], darkOnLight: Bool) {
        let (ink, darkOnLight) = try ink(gray: gray, width: width, height: height)
        return (try normalize(ink: ink, width: width, height: height), darkOnLight)
    }

    /// The box [x0, x0+w) x [y0, y0+h) of `src` (row stride `width`) resampled to tw x th.
    /// Shrinking averages each target pixel's exact footprint (a box filter with fractional
    /// coverage at the edges); enlarging interpolates bilinearly between pixel centres.
    static func resample(_ src: [Float], width: Int, x0: Int, y0: Int, w: Int, h: Int,
                         toWidth tw: Int, toHeight th: Int) -> [Float] {
        let sx = Double(w) / Double(tw), sy = Double(h) / Double(th)
        var out = [Float](repeating: 0, count: tw * th)
        if sx >= 1 && sy >= 1 {
            // Per-axis coverage weights, then a separable weighted sum.
            func weights(_ n: Int, _ s: Double, _ limit: Int) -> [(start: Int, w: [Double])] {
                (0..<n).map { i in
                    let a = Double(i) * s, b = min(Double(limit), Double(i + 1) * s)
                    let first = Int(a.rounded(.down)), last = min(limit - 1, Int((b - 1e-9).rounded(.down)))
                    var ws: [Double] = []
                    for k in first...max(first, last) {
                        ws.append(max(0, min(b, Double(k + 1)) - max(a, Double(k))))
                    }
                    return (first, ws)
                }
            }
            let wx = weights(tw, sx, w), wy = weights(th, sy, h)
            for ty in 0..<th {
                for tx in 0..<tw {
                    var sum = 0.0, area = 0.0
                    for (j, wyj) in wy[ty].w.enumerated() {
                        let row = (y0 + wy[ty].start + j) * width + x0 + wx[tx].start
                        for (i, wxi) in wx[tx].w.enumerated() {
                            let c = wyj * wxi
                            sum += c * Double(src[row + i]); area += c
                        }
                    }
                    out[ty * tw + tx] = area > 0 ? Float(sum / area) : 0
                }
            }
        } else {
            func sample(_ x: Double, _ y: Double) -> Double {
                let cx = max(0, min(Double(w - 1), x)), cy = max(0, min(Double(h - 1), y))
                let ix = Int(cx.rounded(.down)), iy = Int(cy.rounded(.down))
                let fx = cx - Double(ix), fy = cy - Double(iy)
                let ix1 = min(w - 1, ix + 1), iy1 = min(h - 1, iy + 1)
                func v(_ a: Int, _ b: Int) -> Double { Double(src[(y0 + b) * width + x0 + a]) }
                return (v(ix, iy) * (1 - fx) + v(ix1, iy) * fx) * (1 - fy) + (v(ix, iy1) * (1 - fx) + v(ix1, iy1) * fx) * fy
            }
            for ty in 0..<th {
                for tx in 0..<tw {
                    out[ty * tw + tx] = Float(sample((Double(tx) + 0.5) * sx - 0.5, (Double(ty) + 0.5) * sy - 0.5))
                }
            }
        }
        return out
    }

    static func checkSize(width: Int, height: Int, count: Int) throws {
        guard width >= 8, height >= 8 else { throw MNISTStyleError.tooSmall(width: width, height: height) }
        guard width <= maxInputPixels / height else { throw MNISTStyleError.tooLarge(width: width, height: height) }
        guard count == width * height else {
            throw MNISTStyleError.tooSmall(width: width, height: height)
        }
    }
}

public enum MNISTStyleError: DigitCoreError, Equatable {
    case tooSmall(width: Int, height: Int)
    case tooLarge(width: Int, height: Int)
    case noContrast
    case noInk

    public var description: String {
        switch self {
        case .tooSmall(let w, let h): return "the image is \(w)x\(h) pixels, too small to hold a digit"
        case .tooLarge(let w, let h):
            return "the image is \(w)x\(h) pixels, more than \(MNISTStyle.maxInputPixels) pixels"
        case .noContrast: return "the image is uniform: no ink stands out from the background"
        case .noInk: return "no ink found in the image"
        }
    }

    public var hint: String? {
        switch self {
        case .tooSmall: return "use a picture of at least 8x8 pixels showing one digit"
        case .tooLarge: return "scale the picture down to at most 8192x8192"
        case .noContrast, .noInk: return "the picture should show one digit, dark on light or light on dark"
        }
    }
}
