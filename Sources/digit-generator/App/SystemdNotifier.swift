import CSystemd
import DigitStudio
import Foundation

/// The service manager's side of the exhibit (libsystemd's sd_notify(3)): `READY=1` once the
/// first samples are on screen (the unit is `Type=notify`), then `WATCHDOG=1` from the GTK
/// main loop at half of `WatchdogSec=`, so that a hung main loop stops the pings and systemd
/// restarts the exhibit. Without `NOTIFY_SOCKET` (not started by systemd) sd_notify does
/// nothing.
///
/// The interval comes from `WATCHDOG_USEC` alone, not sd_watchdog_enabled(3): under cage the
/// app is the child of the unit's main process, and sd_watchdog_enabled refuses when
/// `WATCHDOG_PID` names another process. The unit therefore sets `NotifyAccess=all`.
enum SystemdNotifier {
    /// Seconds between watchdog pings, or nil when systemd asks for none.
    static var watchdogInterval: Double? {
        WatchdogSchedule.pingInterval(watchdogUSec: ProcessInfo.processInfo.environment["WATCHDOG_USEC"])
    }

    @discardableResult
    static func ready(status: String) -> Bool { send("READY=1\nSTATUS=\(status)") }

    @discardableResult
    static func watchdog() -> Bool { send("WATCHDOG=1") }

    @discardableResult
    static func status(_ text: String) -> Bool { send("STATUS=\(text)") }

    /// Whether the message reached the service manager (false: no socket, or an error).
    private static func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }
}
