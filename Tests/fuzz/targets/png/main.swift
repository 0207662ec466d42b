import DigitCore
import FuzzSupport

// PNG decoding through libpng (PNG.decodeGray, the only PNG reader in DigitCore today), and
// for small images a round trip through the encoder that must give the same pixels.
FuzzDriver.run { bytes in
    guard let image = try? PNG.decodeGray(bytes, path: "fuzz-input") else { return }
    precondition(image.pixels.count == image.width * image.height)
    guard image.width * image.height <= 1 << 16 else { return }
    let encoded = try? PNG.encodeGray(width: image.width, height: image.height, pixels: image.pixels)
    let again = encoded.flatMap { try? PNG.decodeGray($0, path: "round-trip") }
    precondition(again?.pixels == image.pixels, "PNG round trip changed the pixels")
}
