import Foundation

/// The sampling temperature a weights file asks for by default (issue 12): the highest
/// temperature at which the samples met the quality targets when the file was measured
/// (`digitgen eval --samples N --temperatures ... --record`), stored in `__metadata__`.
/// A file without the entry (the seed's PyTorch weights, older files) samples at 1.
extension CVAE {
    /// The `__metadata__` key holding the default temperature, e.g. "0.8".
    public static let defaultTemperatureKey = "default_temperature"

    /// The default temperature recorded in `metadata`, 1 when there is none.
    static func defaultTemperature(in metadata: [String: String]) throws -> Float {
        guard let text = metadata[defaultTemperatureKey] else { return 1 }
        guard let t = Float(text.trimmingCharacters(in: .whitespaces)), t.isFinite, t >= 0 else {
            throw ModelError.invalidDefaultTemperature(text)
        }
        return t
    }
}
