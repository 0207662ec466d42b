import DigitCore
import FuzzSupport

// The short view text ("Copy view", GIF comments): parsing is strict, and a parsed morph
// view prints back to text that parses to the same morph.
FuzzDriver.run { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let view = try? ViewText.parse(text) else { return }
    precondition((try? ViewText.parse(view.description)) == view, "view text does not round-trip")
    if let (morph, fps, scale) = try? Morph.from(view: view) {
        let back = try? Morph.from(view: morph.viewText(fps: fps, scale: scale))
        precondition(back?.morph == morph, "morph view does not round-trip")
    }
}
