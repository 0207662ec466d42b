import DigitCore

/// Writes the handwriting page as a PNG: the ten restyled digits side by side at the job's
/// scale, no padding, with the drawing's input and digit in text chunks. The app's Save and
/// `digitgen restyle --view` both write through here, so that one drawing gives one file.
public enum HandwritingExport {
    public static func write(_ job: HandwritingSaveJob, model: CVAE) throws {
        let s = job.saved
        let r = try HandwritingRestyle.run(input: s.input, digit: s.digit, model: model, classifier: nil, shrink: s.shrink)
        let strip = r.images.strip(scale: s.scale)
        try PNG.writeGray(path: job.path, width: strip.width, height: strip.height, pixels: strip.pixels,
                          text: HandwritingMetadata.entries(s).map { (key: $0.key, value: $0.value) })
    }

    /// "handwriting-4.png".
    public static func suggestedName(digit: Int) -> String { "handwriting-\(digit).png" }
}

/// A handwriting PNG to write.
public struct HandwritingSaveJob: Equatable, Sendable {
    public let path: String
    public let saved: HandwritingMetadata.Saved

    public init(path: String, saved: HandwritingMetadata.Saved) {
        self.path = path
        self.saved = saved
    }
}
