import Foundation

/// Where timers read the time: the system's monotonic clock in the app, a hand-moved one in
/// tests (so that an idle reset after 90 s is checked without waiting 90 s).
public protocol Clock: AnyObject {
    /// Seconds since an arbitrary start, never going back.
    var now: Double { get }
}

public final class SystemClock: Clock {
    public init() {}
    public var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

public final class ManualClock: Clock {
    public private(set) var now: Double
    public init(now: Double = 0) { self.now = now }
    public func advance(by seconds: Double) { now += seconds }
}

/// The app's timers as deadlines on a `Clock`. `start` replaces a running timer of the same
/// id; `due` returns the timers whose deadline has passed (removing them), earliest first.
/// The shell wakes it with one main-loop timeout at `nextDeadline`.
public final class Timers {
    private let clock: Clock
    private var deadlines: [TimerID: Double] = [:]

    public init(clock: Clock) { self.clock = clock }

    public func start(_ id: TimerID, seconds: Double) { deadlines[id] = clock.now + max(0, seconds) }

    public func cancel(_ id: TimerID) { deadlines[id] = nil }

    public func isRunning(_ id: TimerID) -> Bool { deadlines[id] != nil }

    /// Seconds until the earliest deadline (0 when one has passed), or nil without timers.
    public var nextDelay: Double? {
        deadlines.values.min().map { max(0, $0 - clock.now) }
    }

    public func due() -> [TimerID] {
        let now = clock.now
        let fired = deadlines.filter { $0.value <= now }.sorted { $0.value < $1.value }.map(\.key)
        for id in fired { deadlines[id] = nil }
        return fired
    }
}
