import DigitCore
import Foundation

// Stand-in for the io helper's WeightsFile and image writers until they land on main.
enum WeightsFile {
    struct Missing: DigitCoreError {
        let path: String
        var description: String { "cannot read \(path)" }
        var hint: String? { "check the path" }
    }
    static func load(path: String) throws -> CVAE {
        guard let data = FileManager.default.contents(atPath: path), data.count > 8, data[8] == UInt8(ascii: "{") else {
            throw Missing(path: path)
        }
        return CVAE(config: .mnist, seed: 1)
    }
}

enum ImageGrid {
    static func compose(images: [Float], count: Int, side: Int, scale: Int, padding: Int,
                        columns: Int?, invert: Bool) -> (width: Int, height: Int, pixels: [UInt8]) {
        let w = count * side, h = side
        var px = [UInt8](repeating: 0, count: w * h)
        for i in 0..<count { for y in 0..<side { for x in 0..<side {
            px[y * w + i * side + x] = UInt8(max(0, min(255, (255 * images[i * side * side + y * side + x]).rounded())))
        } } }
        return (w, h, px)
    }
}
enum PNG {
    struct Unavailable: DigitCoreError { var description: String { "PNG writer not merged yet" } }
    static func writeGray(path: String, width: Int, height: Int, pixels: [UInt8]) throws { throw Unavailable() }
}
