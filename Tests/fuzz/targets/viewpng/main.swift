import DigitCore
import DigitStudio
import FuzzSupport

// A saved view's PNG text chunks (`generate --view FILE.png`, `restyle --view FILE.png`, the
// app's Save on every page): libpng's text reader, then the strict parsers of the samples /
// same-style / map views and of the handwriting page; a parsed view written back parses the same.
FuzzDriver.run { bytes in
    guard let chunks = try? PNG.decodeText(bytes, path: "fuzz-input") else { return }
    let entries = chunks.map { ViewMetadata.Entry($0.key, $0.value) }
    if let saved = try? ViewMetadata.parse(entries) {
        let again = ViewMetadata.entries(view: saved.view, scale: saved.scale, weightsDigest: saved.weightsDigest,
                                         page: saved.page)
        precondition((try? ViewMetadata.parse(again)) == saved, "saved view does not round-trip")
    }
    if let drawing = try? HandwritingMetadata.parse(entries) {
        precondition((try? HandwritingMetadata.parse(HandwritingMetadata.entries(drawing))) == drawing,
                     "saved drawing does not round-trip")
    }
}
