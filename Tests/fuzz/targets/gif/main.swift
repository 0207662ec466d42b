import DigitCore
import FuzzSupport

// GIF reading through giflib (`morph --view FILE.gif` reads a morph's comment and frames);
// whatever decodes must have whole frames, and small animations survive a round trip.
FuzzDriver.run { bytes in
    guard let a = try? GIF.decode(bytes, path: "fuzz-input") else { return }
    precondition(a.frames.allSatisfy { $0.count == a.width * a.height }, "a frame of the wrong size")
    guard a.width * a.height * a.frames.count <= 1 << 16 else { return }
    let again = (try? GIF.encode(a)).flatMap { try? GIF.decode($0, path: "round-trip") }
    precondition(again?.frames == a.frames, "GIF round trip changed the frames")
}
