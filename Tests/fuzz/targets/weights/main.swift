import DigitCore
import FuzzSupport

// CVAE weights (`--weights`): the safetensors container, the layout and shape checks, the
// optional prior, and, for whatever loads, a few samples through both priors, so that a
// file that loads but cannot run is found too.
FuzzDriver.run { bytes in
    guard let model = try? WeightsFile.load(bytes: bytes, path: "fuzz-input") else { return }
    for digit in Set([0, model.config.classes - 1]) {
        let images = try? model.sample(digit: digit, count: 2, seed: 1, temperature: 1.5)
        precondition(images.map { $0.count == 2 * model.config.pixels } ?? true, "wrong number of pixels")
        _ = try? model.sample(digit: digit, count: 1, seed: 2, prior: .standard)
    }
}
