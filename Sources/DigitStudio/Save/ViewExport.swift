import DigitCore

/// Writes a view as a PNG: the images side by side at the job's scale, no padding, with the
/// view in text chunks. The app's Save and `digitgen generate --view` both write through
/// here, so that the same view gives the same file.
public enum ViewExport {
    public static func write(_ job: SaveJob, decoder: QueryDecoder) throws {
        let images = try decoder.decode(job.query)
        let strip = images.grid(scale: job.scale, columns: job.columns ?? images.count)
        try PNG.writeGray(path: job.path, width: strip.width, height: strip.height, pixels: strip.pixels,
                          text: job.metadata.map { (key: $0.key, value: $0.value) })
    }

    /// The job for `view` saved at `scale` with the weights `info` describes.
    public static func job(view: ViewSettings, page: SavedPage = .samples, scale: Int, path: String,
                           catalog: DirectionCatalog, weightsDigest: String) -> SaveJob {
        let metadata = ViewMetadata.entries(view: view, scale: scale, weightsDigest: weightsDigest, page: page)
        switch page {
        case .samples:
            return SaveJob(path: path, query: view.query(catalog: catalog), scale: scale, metadata: metadata)
        case .sameStyle:
            return SaveJob(path: path, query: view.sameStyleQuery(catalog: catalog, classes: ViewMetadata.classes),
                           scale: scale, metadata: metadata)
        case .map(let size):
            return SaveJob(path: path, query: LatentMap.query(LatentMap.key(view, size: size), catalog: catalog),
                           scale: scale, metadata: metadata, columns: size)
        }
    }

    /// "map-digit-3-seed-42.png", "same-style-digit-3-seed-42.png".
    public static func suggestedName(_ view: ViewSettings, page: SavedPage) -> String {
        switch page {
        case .samples: return suggestedName(view)
        case .sameStyle: return "same-style-" + suggestedName(view)
        case .map: return "map-" + suggestedName(view)
        }
    }

    /// "digit-3-seed-42.png", "digit-3-seed-42-t0.50.png"; offsets are in the file's text.
    public static func suggestedName(_ view: ViewSettings) -> String {
        var name = "digit-\(view.digit)-seed-\(view.seed)"
        if view.temperature != 1 { name += "-t\(String(hundredths: view.temperature))" }
        if view.sliders.contains(where: { $0.offset != 0 }) { name += "-moved" }
        return name + ".png"
    }
}
