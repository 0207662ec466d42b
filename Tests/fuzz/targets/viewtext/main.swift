import DigitCore
import DigitStudio
import FuzzSupport

/// A catalog like the shipped weights' (latent 20), with named directions that also test the
/// names that must be written as tokens ("seed", "principal-2").
let catalog: DirectionCatalog = {
    let latent = 20
    let ids: [DirectionID] = [.named("slant"), .named("seed"), .named("principal-2")]
        + (0..<latent).map { .principal($0) } + (0..<latent).map { .dimension($0) }
    let list = ids.map { id -> Direction in
        var unit = [Float](repeating: 0, count: latent)
        unit[0] = 1
        return Direction(id: id, unit: unit, spread: 1, varianceShare: 0, effect: 0)
    }
    return DirectionCatalog(latent: latent, entries: Array(repeating: list, count: 10),
                            means: Array(repeating: [Float](repeating: 0, count: latent), count: 10))
}()

// The short view text ("Copy view", GIF comments): parsing is strict, and a parsed morph
// or samples view prints back to text that parses to the same view.
FuzzDriver.run { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let view = try? ViewText.parse(text) else { return }
    precondition((try? ViewText.parse(view.description)) == view, "view text does not round-trip")
    if let (morph, fps, scale) = try? Morph.from(view: view) {
        let back = try? Morph.from(view: morph.viewText(fps: fps, scale: scale))
        precondition(back?.morph == morph, "morph view does not round-trip")
    }
    if let samples = try? ViewSettings(viewText: view, catalog: catalog) {
        precondition(samples.sliders.count == 2 && samples.sliders[0].direction != samples.sliders[1].direction,
                     "a samples view needs two different directions")
        precondition(samples.sliders.allSatisfy { catalog.contains($0.direction) && abs($0.offset) <= ViewSettings.offsetRange },
                     "a samples view's directions and offsets are the catalog's and in range")
        let back = try? ViewSettings(viewText: samples.viewText.description, catalog: catalog)
        precondition(back == samples, "samples view does not round-trip")
    }
}
