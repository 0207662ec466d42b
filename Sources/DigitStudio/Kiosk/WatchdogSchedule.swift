/// systemd's watchdog (`WatchdogSec=` in the unit, `WATCHDOG_USEC` in the environment): the
/// service must send `WATCHDOG=1` more often than the interval or systemd restarts it. The app
/// pings from the GTK main loop at half the interval, as sd_watchdog_enabled(3) advises, so a
/// hung main loop stops the pings and gets the process restarted.
public struct WatchdogSchedule: Equatable, Sendable {
    public let interval: Double
    public private(set) var lastPing: Double?

    /// The ping interval for `WATCHDOG_USEC` (microseconds), or nil when systemd asks for none.
    public static func pingInterval(watchdogUSec: String?) -> Double? {
        guard let text = watchdogUSec, let usec = UInt64(text), usec > 0 else { return nil }
        return Double(usec) / 1e6 / 2
    }

    public init(interval: Double) { self.interval = interval }

    /// Whether a ping is due at `now`; records it when so.
    public mutating func pingIfDue(now: Double) -> Bool {
        if let last = lastPing, now - last < interval { return false }
        lastPing = now
        return true
    }

    public var nextPing: Double { (lastPing ?? 0) + interval }
}
