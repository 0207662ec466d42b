/// How an exhibit runs: `digit-generator --kiosk` with its options, or the operator's key file
/// (`$XDG_CONFIG_HOME/digit-generator/kiosk.conf`, group `[kiosk]`); options on the command line
/// win over the file.
public struct KioskOptions: Equatable, Sendable {
    /// Seconds without input before the app runs itself (attract loop).
    public var attractAfter: Double = 60
    /// Seconds without input before the view returns to the welcome state.
    public var resetAfter: Double = 45
    /// Digits a member of staff types to leave the exhibit; nil: the hold alone exits.
    public var staffPIN: String?
    /// Where the health report is written every minute; nil: not written.
    public var healthFile: String?
    /// Seconds between tries to load a model that failed (`retrySeconds`; tests shorten it).
    public var retryAfter = KioskOptions.retrySeconds
    /// Seconds between health reports (`healthSeconds`; tests shorten it).
    public var healthEvery = KioskOptions.healthSeconds

    /// Holding the top-left corner this long (or Ctrl+Alt+Shift+Q) asks for the staff exit.
    public static let staffHoldSeconds = 5.0
    /// The number pad gives up after this long without a key and returns to the exhibit.
    public static let pinTimeoutSeconds = 30.0
    /// A model that failed to load is tried again this often.
    public static let retrySeconds = 30.0
    /// The health report's period.
    public static let healthSeconds = 60.0
    /// The pointer hides after this long without pointer motion.
    public static let pointerHideSeconds = 3.0
    /// Longest timeout accepted (a day): beyond that an exhibit never resets.
    public static let maxSeconds = 86_400.0

    public init(attractAfter: Double = 60, resetAfter: Double = 45, staffPIN: String? = nil, healthFile: String? = nil) {
        self.attractAfter = attractAfter
        self.resetAfter = resetAfter
        self.staffPIN = staffPIN
        self.healthFile = healthFile
    }

    /// Checks every value; the error names the setting and where it came from.
    public func validate(source: String = "option") throws {
        for (name, value) in [("attract-after", attractAfter), ("reset-after", resetAfter)] {
            guard value.isFinite, value >= 1, value <= KioskOptions.maxSeconds else {
                throw KioskOptionsError.badValue(name: name, value: "\(value)", source: source,
                                                 expected: "seconds from 1 to \(Int(KioskOptions.maxSeconds))")
            }
        }
        if let pin = staffPIN {
            guard (1...12).contains(pin.count), pin.allSatisfy({ ("0"..."9").contains($0) }) else {
                throw KioskOptionsError.badValue(name: "staff-pin", value: String(repeating: "*", count: min(pin.count, 12)),
                                                 source: source, expected: "1 to 12 digits")
            }
        }
        if let path = healthFile, path.isEmpty {
            throw KioskOptionsError.badValue(name: "health-file", value: "", source: source, expected: "a file path")
        }
    }

    /// The options of a key file's `[kiosk]` group (already read by the shell: GLib's GKeyFile
    /// parses the file), applied over `self`. Unknown keys are errors, so a typo is not silently
    /// ignored on an unattended machine.
    public func applying(keyFile entries: [String: String], path: String) throws -> KioskOptions {
        var o = self
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            let v = value.trimmingSpaces
            switch key {
            case "attract-after", "reset-after":
                guard let seconds = Double(v) else {
                    throw KioskOptionsError.badValue(name: key, value: v, source: path, expected: "a number of seconds")
                }
                if key == "attract-after" { o.attractAfter = seconds } else { o.resetAfter = seconds }
            case "staff-pin": o.staffPIN = v.isEmpty ? nil : v
            case "health-file": o.healthFile = v.isEmpty ? nil : v
            default: throw KioskOptionsError.unknownKey(key, source: path)
            }
        }
        try o.validate(source: path)
        return o
    }
}

/// The kiosk settings given on the command line (nil: not given).
public struct KioskOverrides: Equatable, Sendable {
    public var attractAfter: Double?
    public var resetAfter: Double?
    public var staffPIN: String?
    public var healthFile: String?

    public init(attractAfter: Double? = nil, resetAfter: Double? = nil, staffPIN: String? = nil, healthFile: String? = nil) {
        self.attractAfter = attractAfter; self.resetAfter = resetAfter; self.staffPIN = staffPIN; self.healthFile = healthFile
    }

    /// The name of the first option given, for "use it with --kiosk".
    public var givenOption: String? {
        if attractAfter != nil { return "attract-after" }
        if resetAfter != nil { return "reset-after" }
        if staffPIN != nil { return "staff-pin" }
        if healthFile != nil { return "health-file" }
        return nil
    }
}

extension KioskOptions {
    /// Where the operator's key file is: `$XDG_CONFIG_HOME/digit-generator/kiosk.conf`
    /// (`~/.config` when XDG_CONFIG_HOME is unset or not absolute).
    public static func keyFilePath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/digit-generator/kiosk.conf" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.config/digit-generator/kiosk.conf"
    }

    /// The defaults, then the key file's `[kiosk]` entries (if any), then the command line.
    public static func resolve(_ overrides: KioskOverrides, keyFile: (entries: [String: String], path: String)?) throws -> KioskOptions {
        var o = KioskOptions()
        if let keyFile { o = try o.applying(keyFile: keyFile.entries, path: keyFile.path) }
        if let v = overrides.attractAfter { o.attractAfter = v }
        if let v = overrides.resetAfter { o.resetAfter = v }
        if let v = overrides.staffPIN { o.staffPIN = v }
        if let v = overrides.healthFile { o.healthFile = v }
        try o.validate(source: "command line")
        return o
    }
}

public enum KioskOptionsError: Error, Equatable, CustomStringConvertible {
    case badValue(name: String, value: String, source: String, expected: String)
    case unknownKey(String, source: String)

    public var description: String {
        switch self {
        case .badValue(let name, let value, let source, let expected):
            return "kiosk setting \(name) = '\(value)' (\(source)) is not valid: expected \(expected)"
        case .unknownKey(let key, let source):
            return "\(source): unknown kiosk setting '\(key)' (known: attract-after, reset-after, staff-pin, health-file)"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
