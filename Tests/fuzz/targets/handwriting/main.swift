import DigitCore
import FuzzSupport

// A picture for `restyle` (and the handwriting pad's image): PNG decoding, then the
// MNIST-style preprocessing, which must give 784 values in [0, 1] with the ink centred.
FuzzDriver.run { bytes in
    guard let picture = try? PNG.decodeGray(bytes, path: "fuzz-input"),
          let (image, _) = try? MNISTStyle.image(gray: picture.pixels, width: picture.width, height: picture.height)
    else { return }
    precondition(image.count == 784 && image.allSatisfy { $0 >= 0 && $0 <= 1 }, "preprocessed values out of range")
}
