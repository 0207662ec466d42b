import DigitCore

/// Writes a view as a PNG: the images side by side at the job's scale, no padding, with the
/// view in text chunks. The app's Save and `digitgen generate --view` both write through
/// here, so that the same view gives the same file.
public enum ViewExport {
    public static func write(_ job: SaveJob, decoder: QueryDecoder) throws {
        let images = try decoder.decode(job.query)
        let strip = images.strip(scale: job.scale)
        try PNG.writeGray(path: job.path, width: strip.width, height: strip.height, pixels: strip.pixels,
                          text: job.metadata.map { (key: $0.key, value: $0.value) })
    }

    /// The job for `view` saved at `scale` with the weights `info` describes.
    public static func job(view: ViewSettings, scale: Int, path: String, catalog: DirectionCatalog,
                           weightsDigest: String) -> SaveJob {
        SaveJob(path: path, query: view.query(catalog: catalog), scale: scale,
                metadata: ViewMetadata.entries(view: view, scale: scale, weightsDigest: weightsDigest))
    }

    /// "digit-3-seed-42.png", "digit-3-seed-42-t0.50.png"; offsets are in the file's text.
    public static func suggestedName(_ view: ViewSettings) -> String {
        var name = "digit-\(view.digit)-seed-\(view.seed)"
        if view.temperature != 1 { name += "-t\(String(hundredths: view.temperature))" }
        if view.sliders.contains(where: { $0.offset != 0 }) { name += "-moved" }
        return name + ".png"
    }
}
