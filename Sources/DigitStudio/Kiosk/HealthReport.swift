import Foundation

/// The operator's health file: written atomically every minute while the exhibit runs, as JSON.
///
///     {"version": "...", "uptime_seconds": 3600, "images_generated": 123456,
///      "attract_cycles": 12, "last_input": "2026-11-28T20:15:00Z", "last_error": null,
///      "mode": "attract", "written": "2026-11-28T21:15:00Z"}
public struct HealthReport: Equatable, Sendable {
    public var version: String
    public var uptimeSeconds: Double
    public var imagesGenerated: Int
    public var attractCycles: Int
    /// Wall-clock time of the last visitor input, nil if none since start.
    public var lastInput: Date?
    public var lastError: String?
    public var mode: String
    public var written: Date

    public init(version: String, uptimeSeconds: Double, imagesGenerated: Int, attractCycles: Int, lastInput: Date?,
                lastError: String?, mode: String, written: Date) {
        self.version = version; self.uptimeSeconds = uptimeSeconds; self.imagesGenerated = imagesGenerated
        self.attractCycles = attractCycles; self.lastInput = lastInput; self.lastError = lastError
        self.mode = mode; self.written = written
    }

    public static func modeName(_ mode: KioskTimeline.Mode) -> String {
        switch mode {
        case .visitor: return "visitor"
        case .attract: return "attract"
        case .staffPIN: return "staff-pin"
        case .outOfOrder: return "out-of-order"
        }
    }

    /// The JSON text (Foundation's JSONSerialization, keys sorted, a final newline).
    public func json() -> String {
        let iso = ISO8601DateFormatter()
        let object: [String: Any] = [
            "version": version,
            "uptime_seconds": Int(uptimeSeconds.rounded()),
            "images_generated": imagesGenerated,
            "attract_cycles": attractCycles,
            "last_input": lastInput.map { iso.string(from: $0) as Any } ?? NSNull(),
            "last_error": lastError.map { $0 as Any } ?? NSNull(),
            "mode": mode,
            "written": iso.string(from: written),
        ]
        // Every value is a string, a number or null, so serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
