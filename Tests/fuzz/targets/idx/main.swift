import DigitCore
import FuzzSupport

// MNIST's IDX files, raw or gzip'ed (detected by content as `IDX.readImages` does), read as
// images and as labels. Decompression stops at 64 MiB here (1 GiB in the product) to stay
// within libFuzzer's memory limit; the limit check itself is the same code.
FuzzDriver.run { bytes in
    let plain = Gzip.isGzip(bytes) ? (try? Gzip.decompress(bytes, path: "fuzz-input", limit: 64 << 20)) : bytes
    guard let plain else { return }
    if let images = try? IDX.parseImages(plain, path: "fuzz-input") {
        precondition(images.pixels.count == images.count * images.rows * images.columns)
        _ = images.image(images.count - 1)
    }
    if let labels = try? IDX.parseLabels(plain, path: "fuzz-input") {
        precondition(!labels.isEmpty)
    }
}
