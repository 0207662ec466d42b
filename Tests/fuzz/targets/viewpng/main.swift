import DigitCore
import DigitStudio
import FuzzSupport

// A saved view's PNG text chunks (`generate --view FILE.png`, the app's Save): libpng's text
// reader, then the strict view-metadata parser; a parsed view written back parses the same.
FuzzDriver.run { bytes in
    guard let chunks = try? PNG.decodeText(bytes, path: "fuzz-input") else { return }
    let entries = chunks.map { ViewMetadata.Entry($0.key, $0.value) }
    guard let saved = try? ViewMetadata.parse(entries) else { return }
    let again = ViewMetadata.entries(view: saved.view, scale: saved.scale, weightsDigest: saved.weightsDigest,
                                     page: saved.page)
    precondition((try? ViewMetadata.parse(again)) == saved, "saved view does not round-trip")
}
