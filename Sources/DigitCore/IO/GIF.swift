import CGif

/// Animated 8-bit grayscale GIF files through giflib (Debian's libgif-dev): the LZW coding and
/// the file structure are giflib's; this file only feeds it frames and a 256-grey palette.
/// giflib reports errors by return codes (no longjmp), so Swift calls it directly.
public enum GIF {
    /// Largest width or height GIF can hold (16-bit fields).
    public static let maxSide = 65_535

    /// An animation: frames of width x height grey levels (row-major, 0 = black), each shown for
    /// `delay` hundredths of a second, looping forever, with an optional comment (text) block.
    public struct Animation: Equatable {
        public var width: Int
        public var height: Int
        public var frames: [[UInt8]]
        public var delay: Int
        public var comment: String?

        public init(width: Int, height: Int, frames: [[UInt8]], delay: Int, comment: String? = nil) {
            self.width = width; self.height = height; self.frames = frames; self.delay = delay; self.comment = comment
        }
    }

    /// Writes `animation` as a GIF file, atomically.
    public static func write(_ animation: Animation, to path: String) throws {
        try AtomicFile.write(encode(animation, path: path), to: path)
    }

    /// The GIF file's bytes; `path` only names the destination in errors.
    public static func encode(_ a: Animation, path: String = "<memory>") throws -> [UInt8] {
        guard (1...maxSide).contains(a.width), (1...maxSide).contains(a.height) else {
            throw GIFError.invalidAnimation(path: path, reason: "size \(a.width)x\(a.height) is outside 1-\(maxSide)")
        }
        guard !a.frames.isEmpty else { throw GIFError.invalidAnimation(path: path, reason: "no frames") }
        guard a.frames.allSatisfy({ $0.count == a.width * a.height }) else {
            throw GIFError.invalidAnimation(path: path, reason: "a frame does not have \(a.width)x\(a.height) pixels")
        }
        guard (0...65_535).contains(a.delay) else {
            throw GIFError.invalidAnimation(path: path, reason: "delay \(a.delay) is outside 0-65535")
        }
        let sink = ByteSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var error: Int32 = 0
        guard let gif = EGifOpen(context, { file, bytes, count in
            guard let file, let bytes, count > 0, let user = file.pointee.UserData else { return 0 }
            Unmanaged<ByteSink>.fromOpaque(user).takeUnretainedValue()
                .bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
            return count
        }, &error) else { throw GIFError.encodeFailed(path: path, message: message(error)) }
        var closed = false
        defer { if !closed { var e: Int32 = 0; _ = EGifCloseFile(gif, &e) } }
        func check(_ status: Int32) throws {
            if status == GIF_ERROR { throw GIFError.encodeFailed(path: path, message: message(gif.pointee.Error)) }
        }

        EGifSetGifVersion(gif, true)
        // 256 greys: palette index i is the colour (i, i, i), so a pixel's index is its grey level.
        var colors = (0..<256).map { GifColorType(Red: UInt8($0), Green: UInt8($0), Blue: UInt8($0)) }
        guard let map = GifMakeMapObject(256, &colors) else {
            throw GIFError.encodeFailed(path: path, message: "out of memory")
        }
        defer { GifFreeMapObject(map) }
        try check(EGifPutScreenDesc(gif, Int32(a.width), Int32(a.height), 8, 0, map))

        // NETSCAPE2.0 application block: loop forever (count 0).
        try check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE))
        var app = Array("NETSCAPE2.0".utf8)
        try check(EGifPutExtensionBlock(gif, Int32(app.count), &app))
        var loop: [UInt8] = [1, 0, 0]
        try check(EGifPutExtensionBlock(gif, Int32(loop.count), &loop))
        try check(EGifPutExtensionTrailer(gif))

        if let comment = a.comment, !comment.isEmpty {
            // A comment extension is a chain of sub-blocks of at most 255 bytes.
            let bytes = Array(comment.utf8)
            try check(EGifPutExtensionLeader(gif, COMMENT_EXT_FUNC_CODE))
            var start = 0
            while start < bytes.count {
                var block = Array(bytes[start..<min(start + 255, bytes.count)])
                try check(EGifPutExtensionBlock(gif, Int32(block.count), &block))
                start += 255
            }
            try check(EGifPutExtensionTrailer(gif))
        }

        for frame in a.frames {
            var gcb = GraphicsControlBlock(DisposalMode: DISPOSE_DO_NOT, UserInputFlag: false,
                                           DelayTime: Int32(a.delay), TransparentColor: NO_TRANSPARENT_COLOR)
            var ext = [UInt8](repeating: 0, count: 4)
            let n = EGifGCBToExtension(&gcb, &ext)
            try check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, Int32(n), ext))
            try check(EGifPutImageDesc(gif, 0, 0, Int32(a.width), Int32(a.height), false, nil))
            var row = [GifPixelType](repeating: 0, count: a.width)
            for y in 0..<a.height {
                for x in 0..<a.width { row[x] = frame[y * a.width + x] }
                try check(EGifPutLine(gif, &row, Int32(a.width)))
            }
        }
        closed = true
        var e: Int32 = 0
        guard EGifCloseFile(gif, &e) != GIF_ERROR else { throw GIFError.encodeFailed(path: path, message: message(e)) }
        return sink.bytes
    }

    /// Reads a GIF file written by `encode` (or any GIF): frames as grey levels (each frame's
    /// palette colours through the sRGB luma weights), the first frame's delay, and the first
    /// comment block. Frames must cover the whole screen.
    public static func read(path: String) throws -> Animation {
        try decode(FileBytes.read(path: path), path: path)
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> Animation {
        let source = ByteSource(bytes)
        var error: Int32 = 0
        guard let gif = DGifOpen(Unmanaged.passUnretained(source).toOpaque(), { file, out, count in
            guard let file, let out, count > 0, let user = file.pointee.UserData else { return 0 }
            let s = Unmanaged<ByteSource>.fromOpaque(user).takeUnretainedValue()
            let n = min(Int(count), s.bytes.count - s.offset)
            for i in 0..<n { out[i] = s.bytes[s.offset + i] }
            s.offset += n
            return Int32(n)
        }, &error) else { throw GIFError.decodeFailed(path: path, message: message(error)) }
        defer { var e: Int32 = 0; _ = DGifCloseFile(gif, &e) }
        guard DGifSlurp(gif) != GIF_ERROR else {
            throw GIFError.decodeFailed(path: path, message: message(gif.pointee.Error))
        }
        let width = Int(gif.pointee.SWidth), height = Int(gif.pointee.SHeight)
        let count = Int(gif.pointee.ImageCount)
        guard width > 0, height > 0, count > 0, let images = gif.pointee.SavedImages else {
            throw GIFError.decodeFailed(path: path, message: "no image in the file")
        }
        guard width * height <= 1 << 28 else { throw GIFError.decodeFailed(path: path, message: "image too large") }
        var frames: [[UInt8]] = []
        var delay = 0
        var comment: String?
        func scan(_ blocks: UnsafeMutablePointer<ExtensionBlock>?, _ n: Int32) {
            guard let blocks else { return }
            var i = 0
            while i < Int(n) {
                let b = blocks[i]
                if b.Function == COMMENT_EXT_FUNC_CODE, comment == nil {
                    var text: [UInt8] = []
                    var j = i
                    while j < Int(n), blocks[j].Function == COMMENT_EXT_FUNC_CODE || (j > i && blocks[j].Function == CONTINUE_EXT_FUNC_CODE) {
                        if let d = blocks[j].Bytes { text += UnsafeBufferPointer(start: d, count: Int(blocks[j].ByteCount)) }
                        j += 1
                    }
                    comment = String(decoding: text, as: UTF8.self)
                    i = j
                    continue
                }
                i += 1
            }
        }
        scan(gif.pointee.ExtensionBlocks, gif.pointee.ExtensionBlockCount)
        for f in 0..<count {
            let image = images[f]
            let d = image.ImageDesc
            guard d.Left == 0, d.Top == 0, Int(d.Width) == width, Int(d.Height) == height, let raster = image.RasterBits,
                  let map = d.ColorMap ?? gif.pointee.SColorMap, let colors = map.pointee.Colors
            else { throw GIFError.decodeFailed(path: path, message: "frame \(f + 1) does not cover the whole image") }
            scan(image.ExtensionBlocks, image.ExtensionBlockCount)
            if f == 0 {
                var gcb = GraphicsControlBlock()
                if DGifSavedExtensionToGCB(gif, 0, &gcb) != GIF_ERROR { delay = Int(gcb.DelayTime) }
            }
            let palette = (0..<Int(map.pointee.ColorCount)).map { i -> UInt8 in
                let c = colors[i]
                if c.Red == c.Green && c.Green == c.Blue { return c.Red }
                let r: Double = 0.2126 * Double(c.Red), g: Double = 0.7152 * Double(c.Green)
                let b: Double = 0.0722 * Double(c.Blue)
                return UInt8(min(255, (r + g + b).rounded()))
            }
            frames.append((0..<(width * height)).map { i in
                let index = Int(raster[i])
                return index < palette.count ? palette[index] : 0
            })
        }
        return Animation(width: width, height: height, frames: frames, delay: delay, comment: comment)
    }

    private static func message(_ code: Int32) -> String {
        GifErrorString(code).map { String(cString: $0) } ?? "giflib error \(code)"
    }

    private final class ByteSink { var bytes: [UInt8] = [] }
    private final class ByteSource {
        let bytes: [UInt8]; var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }
}

public enum GIFError: DigitCoreError, Equatable {
    case invalidAnimation(path: String, reason: String)
    case encodeFailed(path: String, message: String)
    case decodeFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidAnimation(let path, let reason): return "cannot write \(path): \(reason)"
        case .encodeFailed(let path, let message): return "cannot encode GIF for \(path): \(message)"
        case .decodeFailed(let path, let message): return "cannot read GIF \(path): \(message)"
        }
    }
}
