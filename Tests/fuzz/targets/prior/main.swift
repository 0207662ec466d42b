import DigitCore
import FuzzSupport

// The fitted latent prior (`prior.weights`, `prior.means`, `prior.logvars`) for a small
// model of 3 classes and latent size 2; whatever loads must give finite latent samples at
// the app's largest temperature.
let config = CVAEConfig(pixels: 4, classes: 3, hidden: 2, latent: 2)

FuzzDriver.run { bytes in
    guard let (tensors, _) = try? SafeTensors.parse(bytes, path: "fuzz-input"),
          let prior = try? WeightsFile.loadPrior(tensors, config: config, path: "fuzz-input") else { return }
    var rng = Xoshiro256(seed: 7)
    var z = [Float](repeating: 0, count: 4 * config.latent)
    for digit in 0..<config.classes {
        z.withUnsafeMutableBufferPointer { prior.sample(digit: digit, count: 4, temperature: 1.5, rng: &rng, into: $0.baseAddress!) }
        precondition(z.allSatisfy(\.isFinite), "non-finite latent sample from a prior that loaded")
    }
}
