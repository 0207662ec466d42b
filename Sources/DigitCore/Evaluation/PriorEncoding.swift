/// Encoder outputs for a whole data set: the input of `PriorFitting.fit`.
public enum PriorEncoding {
    /// The posterior mean and log-variance (each count x L) of every image with its label.
    public static func encode(_ data: LabeledImages, with model: CVAE) throws -> (means: [Float], logvars: [Float]) {
        let c = model.config
        guard data.pixelsPerImage == c.pixels, data.classes == c.classes else {
            throw ModelError.inconsistentShapes("images of \(data.pixelsPerImage) pixels and \(data.classes) classes for a model of \(c.pixels) and \(c.classes)")
        }
        var means = [Float](repeating: 0, count: data.count * c.latent)
        var logvars = means
        let chunk = 1000
        var images = [Float](repeating: 0, count: chunk * c.pixels)
        var labels = [Int](repeating: 0, count: chunk)
        var start = 0
        while start < data.count {
            let n = min(chunk, data.count - start)
            for i in 0..<n * c.pixels { images[i] = Float(data.pixels[start * c.pixels + i]) / 255 }
            for i in 0..<n { labels[i] = Int(data.labels[start + i]) }
            images.withUnsafeBufferPointer { ip in
                labels.withUnsafeBufferPointer { lp in
                    means.withUnsafeMutableBufferPointer { mp in
                        logvars.withUnsafeMutableBufferPointer { vp in
                            model.encode(images: ip.baseAddress!, labels: lp.baseAddress!, count: n,
                                         mean: mp.baseAddress! + start * c.latent, logvar: vp.baseAddress! + start * c.latent)
                        }
                    }
                }
            }
            start += n
        }
        return (means, logvars)
    }
}
