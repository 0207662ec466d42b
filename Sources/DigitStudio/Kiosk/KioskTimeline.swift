/// The exhibit's clockwork: when the app runs itself, when it resets, when staff may leave.
/// A value with a pure `handle(_:now:)`: the shell feeds it input, ticks and staff gestures
/// with the time of a `Clock`, performs the returned actions, and wakes it again at
/// `nextDeadline`. Tests drive it with a hand-moved clock.
public struct KioskTimeline: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// A visitor (or nobody, not long enough) has the exhibit.
        case visitor
        /// Nobody has touched it for `attractAfter`: it runs itself.
        case attract
        /// The staff hold succeeded and a PIN is asked for; `entered` so far.
        case staffPIN(entered: String)
        /// No model could be loaded: a calm "out of order" screen, retried every 30 s.
        case outOfOrder
    }

    public enum Event: Equatable, Sendable {
        /// A visitor's touch, click, key or drag.
        case input
        /// Time passed (the shell's timeout at `nextDeadline`, or any periodic tick).
        case tick
        /// The top-left corner is pressed / released.
        case staffCornerPressed, staffCornerReleased
        /// Ctrl+Alt+Shift+Q: the hold at once.
        case staffChord
        case pinDigit(Int)
        case pinBackspace
        case pinSubmit
        case pinCancel
        case modelLoaded
        case modelFailed(String)
    }

    public enum Action: Equatable, Sendable {
        /// Show the welcome view (default digit, fresh seed, offsets 0, temperature 1).
        case resetToWelcome
        case startAttract
        /// Stop at once and leave the current view to the visitor.
        case stopAttract
        case showPINPad
        case hidePINPad
        case exit(Int32)
        case showOutOfOrder
        case hideOutOfOrder
        /// Try loading the model again.
        case retryLoad
        case log(String)
    }

    public let options: KioskOptions
    public private(set) var mode: Mode = .visitor
    /// Time of the last visitor input (or of the start).
    public private(set) var lastInput: Double
    /// Whether the view has been reset since the last input (the welcome view is showing).
    public private(set) var atWelcome = true
    public private(set) var staffHoldSince: Double?
    /// When the PIN pad got its last key.
    public private(set) var pinActivity: Double?
    public private(set) var retryAt: Double?
    public private(set) var attractCycles = 0
    public private(set) var lastError: String?

    public init(options: KioskOptions, now: Double) {
        self.options = options
        self.lastInput = now
    }

    /// The next time `handle(.tick)` has something to do, or nil.
    public var nextDeadline: Double? {
        var times: [Double] = []
        switch mode {
        case .visitor:
            if !atWelcome { times.append(lastInput + options.resetAfter) }
            times.append(lastInput + options.attractAfter)
        case .staffPIN:
            if let t = pinActivity { times.append(t + KioskOptions.pinTimeoutSeconds) }
        case .attract:
            break
        case .outOfOrder:
            if let t = retryAt { times.append(t) }
        }
        if let t = staffHoldSince { times.append(t + KioskOptions.staffHoldSeconds) }
        return times.min()
    }

    public mutating func handle(_ event: Event, now: Double) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .input:
            actions += visitorInput(now: now)
        case .tick:
            break
        case .staffCornerPressed:
            actions += visitorInput(now: now)
            if staffHoldSince == nil { staffHoldSince = now }
        case .staffCornerReleased:
            staffHoldSince = nil
        case .staffChord:
            actions += visitorInput(now: now)
            actions += staffExitRequested(now: now)
        case .pinDigit(let d):
            if case .staffPIN(let entered) = mode, (0...9).contains(d), entered.count < 12 {
                mode = .staffPIN(entered: entered + String(d))
                pinActivity = now
            }
        case .pinBackspace:
            if case .staffPIN(let entered) = mode {
                mode = .staffPIN(entered: String(entered.dropLast()))
                pinActivity = now
            }
        case .pinSubmit:
            if case .staffPIN(let entered) = mode {
                if entered == options.staffPIN {
                    actions += [.log("staff exit"), .exit(0)]
                } else {
                    actions += leavePIN(now: now, reason: "wrong staff PIN; back to the exhibit")
                }
            }
        case .pinCancel:
            if case .staffPIN = mode { actions += leavePIN(now: now, reason: "staff PIN cancelled") }
        case .modelLoaded:
            if mode == .outOfOrder {
                mode = .visitor
                retryAt = nil
                lastInput = now
                atWelcome = true
                actions += [.hideOutOfOrder, .resetToWelcome, .log("model loaded; the exhibit is back")]
            }
        case .modelFailed(let message):
            lastError = message
            if mode == .attract { actions.append(.stopAttract) }
            if case .staffPIN = mode { actions.append(.hidePINPad) }
            if mode != .outOfOrder { actions.append(.showOutOfOrder) }
            mode = .outOfOrder
            retryAt = now + options.retryAfter
            actions.append(.log("model failed to load (\(message)); next try in \(Int(options.retryAfter)) s"))
        }
        actions += timersDue(now: now)
        return actions
    }

    private mutating func visitorInput(now: Double) -> [Action] {
        switch mode {
        case .attract:
            mode = .visitor
            lastInput = now
            atWelcome = false
            return [.stopAttract]
        case .visitor:
            lastInput = now
            atWelcome = false
            return []
        case .staffPIN:
            pinActivity = now
            return []
        case .outOfOrder:
            return []
        }
    }

    private mutating func staffExitRequested(now: Double) -> [Action] {
        staffHoldSince = nil
        if case .staffPIN = mode { return [] }
        guard options.staffPIN != nil else { return [.log("staff exit"), .exit(0)] }
        var actions: [Action] = []
        if mode == .attract { actions.append(.stopAttract) }
        mode = .staffPIN(entered: "")
        pinActivity = now
        actions.append(.showPINPad)
        return actions
    }

    private mutating func leavePIN(now: Double, reason: String) -> [Action] {
        mode = .visitor
        pinActivity = nil
        lastInput = now
        atWelcome = false
        return [.hidePINPad, .log(reason)]
    }

    private mutating func timersDue(now: Double) -> [Action] {
        var actions: [Action] = []
        if let t = staffHoldSince, now - t >= KioskOptions.staffHoldSeconds {
            actions += staffExitRequested(now: now)
        }
        switch mode {
        case .visitor:
            let idle = now - lastInput
            if idle >= options.resetAfter && !atWelcome {
                atWelcome = true
                actions.append(.resetToWelcome)
            }
            if idle >= options.attractAfter {
                // The loop always starts from the welcome view, whichever timeout is shorter.
                if !atWelcome { atWelcome = true; actions.append(.resetToWelcome) }
                mode = .attract
                attractCycles += 1
                actions.append(.startAttract)
            }
        case .staffPIN:
            if let t = pinActivity, now - t >= KioskOptions.pinTimeoutSeconds {
                actions += leavePIN(now: now, reason: "staff PIN pad timed out")
            }
        case .outOfOrder:
            if let t = retryAt, now >= t {
                retryAt = now + options.retryAfter
                actions.append(.retryLoad)
            }
        case .attract:
            break
        }
        return actions
    }
}
