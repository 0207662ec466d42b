/// The CNN classifier's layers as forward/backward pairs. Feature maps are channels-last:
/// a batch of B maps of S x S pixels with C channels is (B, S, S, C), row-major.
///
/// A 3x3 convolution with 'same' padding is im2col followed by one matrix product
/// (Chellapilla, Puri & Simard 2006): every output pixel's 3x3xC input patch becomes one row
/// of cols (B*S*S, 9*C), in (kernel row, kernel column, channel) order, and
///
///     out (B*S*S, O) = cols (B*S*S, 9*C) W^T + b        W (O, 3, 3, C) seen as (O, 9*C)
///
/// which is exactly `Linear` over B*S*S rows, so the product and its gradients go through the
/// same sgemm code (`ParallelLinear`) as the fully connected layers.
enum Im2col {
    /// cols (B*S*S, 9*C) from x (B, S, S, C), zero outside the image. Images `images` only.
    @inline(__always)
    static func forward(_ x: UnsafePointer<Float>, images: Range<Int>, side s: Int, channels c: Int,
                        cols: UnsafeMutablePointer<Float>) {
        let k = ClassifierConfig.kernel, pad = k / 2, patch = k * k * c
        for b in images {
            let image = x + b * s * s * c
            for y in 0..<s {
                for xo in 0..<s {
                    let row = cols + ((b * s + y) * s + xo) * patch
                    for ky in 0..<k {
                        let yy = y + ky - pad
                        let dst = row + ky * k * c
                        guard yy >= 0, yy < s else { dst.update(repeating: 0, count: k * c); continue }
                        for kx in 0..<k {
                            let xx = xo + kx - pad
                            if xx >= 0, xx < s {
                                (dst + kx * c).update(from: image + (yy * s + xx) * c, count: c)
                            } else {
                                (dst + kx * c).update(repeating: 0, count: c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// dx (B, S, S, C) = the sum, over the rows of dcols (B*S*S, 9*C), of each row's entries
    /// added back at the pixels its patch came from (the adjoint of `forward`). Images
    /// `images` only; dx is overwritten for them.
    @inline(__always)
    static func backward(_ dcols: UnsafePointer<Float>, images: Range<Int>, side s: Int, channels c: Int,
                         dx: UnsafeMutablePointer<Float>) {
        let k = ClassifierConfig.kernel, pad = k / 2, patch = k * k * c
        for b in images {
            let image = dx + b * s * s * c
            image.update(repeating: 0, count: s * s * c)
            for y in 0..<s {
                for xo in 0..<s {
                    let row = dcols + ((b * s + y) * s + xo) * patch
                    for ky in 0..<k {
                        let yy = y + ky - pad
                        guard yy >= 0, yy < s else { continue }
                        for kx in 0..<k {
                            let xx = xo + kx - pad
                            guard xx >= 0, xx < s else { continue }
                            let src = row + (ky * k + kx) * c
                            let dst = image + (yy * s + xx) * c
                            for ch in 0..<c { dst[ch] += src[ch] }
                        }
                    }
                }
            }
        }
    }
}

/// 2x2 max-pooling with stride 2 over channels-last maps, as nn.MaxPool2d(2): an odd last row
/// or column is dropped. The forward pass remembers which input won each window.
enum MaxPool2x2 {
    /// out (B, S/2, S/2, C) = max over each 2x2 window of x (B, S, S, C); `argmax` (same shape
    /// as out) receives the winner's offset in x. Images `images` only.
    @inline(__always)
    static func forward(_ x: UnsafePointer<Float>, images: Range<Int>, side s: Int, channels c: Int,
                        out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        let p = s / 2
        for b in images {
            for py in 0..<p {
                for px in 0..<p {
                    let o = ((b * p + py) * p + px) * c
                    let i00 = ((b * s + 2 * py) * s + 2 * px) * c
                    let i01 = i00 + c, i10 = i00 + s * c, i11 = i10 + c
                    for ch in 0..<c {
                        var best = i00 + ch
                        if x[i01 + ch] > x[best] { best = i01 + ch }
                        if x[i10 + ch] > x[best] { best = i10 + ch }
                        if x[i11 + ch] > x[best] { best = i11 + ch }
                        out[o + ch] = x[best]
                        argmax[o + ch] = Int32(truncatingIfNeeded: best)
                    }
                }
            }
        }
    }

    /// dx (B, S, S, C): dout (B, S/2, S/2, C) routed to the winners, 0 elsewhere. Images
    /// `images` only; dx is overwritten for them.
    @inline(__always)
    static func backward(_ dout: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, images: Range<Int>,
                         side s: Int, channels c: Int, dx: UnsafeMutablePointer<Float>) {
        let p = s / 2
        guard !images.isEmpty else { return }
        (dx + images.lowerBound * s * s * c).update(repeating: 0, count: images.count * s * s * c)
        for i in images.lowerBound * p * p * c..<images.upperBound * p * p * c {
            dx[Int(argmax[i])] += dout[i]
        }
    }
}
