import DigitStudio
import Foundation

/// Schedules renders on the `InferenceWorker` from the main thread: one job in flight, and
/// while it runs only the newest request is kept (latest wins), so a slider drag never
/// builds a queue. Results come back through the GLib main context.
///
/// Frame latching: GTK hands pointer motion to widgets at the start of a frame, so a job
/// started by a slider's value-changed finishes just after that frame was painted and
/// would wait a whole frame interval (16.7 ms at 60 Hz) for the next one. Before each frame
/// paints, `latchFrame` gives a job started moments ago up to `latchTimeout` to finish, so
/// the frame shows its result. The main thread only waits; the work stays on the worker.
final class InferenceService {
    let worker = InferenceWorker()
    /// Called on the main thread with each finished result.
    var onResult: ((RenderResult) -> Void)?

    /// Called on the main thread once with the outcome of `load`, as soon as both the
    /// outcome and the handler exist (loading starts before the window is built).
    var onLoaded: ((Result<ModelSummary, LoadFailure>) -> Void)? {
        didSet { deliverLoad() }
    }
    private var loadOutcome: Result<ModelSummary, LoadFailure>?

    private var inFlight: Int?
    private var inFlightSince: UInt64 = 0
    /// Longest wait at a frame for the job in flight. A 5-image decode takes well under 1 ms,
    /// but on a busy machine the worker thread may wait for a core; half a 60 Hz frame
    /// still leaves time to paint.
    static let latchTimeout: TimeInterval = 0.008
    /// Only jobs started this recently are waited for (one 60 Hz frame interval).
    static let latchMaxAge: UInt64 = 17_000_000
    private var pending: RenderRequest?
    private let mailbox = Mailbox<RenderResult>()

    /// Starts loading the weights (nil: the shipped ones) on the worker.
    func load(path: String?) {
        let me = MainThreadRef(self)
        worker.load(path: path) { outcome in
            MainContext.invoke {
                me.value.loadOutcome = outcome
                me.value.deliverLoad()
            }
        }
    }

    private func deliverLoad() {
        guard let outcome = loadOutcome, let onLoaded else { return }
        loadOutcome = nil
        onLoaded(outcome)
    }

    /// Requests images; replaces any request still waiting for the job in flight.
    func render(_ request: RenderRequest) {
        if inFlight != nil {
            pending = request
        } else {
            start(request)
        }
    }

    /// Whether a job is running.
    var isBusy: Bool { inFlight != nil }

    /// Called before a frame paints: applies the result of a job started within the last
    /// frame interval if it finishes within `latchTimeout`.
    func latchFrame() {
        guard inFlight != nil, Trace.now() - inFlightSince < InferenceService.latchMaxAge,
              mailbox.wait(timeout: InferenceService.latchTimeout) else { return }
        collect()
    }

    private func start(_ request: RenderRequest) {
        inFlight = request.generation
        inFlightSince = Trace.now()
        let me = MainThreadRef(self)
        let mailbox = self.mailbox
        worker.render(request) { result in
            mailbox.put(result)
            MainContext.invoke { me.value.collect() }
        }
    }

    /// Applies a finished result if there is one (the invoke and `awaitInFlight` race for it).
    private func collect() {
        guard let result = mailbox.take() else { return }
        inFlight = nil
        onResult?(result)
        if let next = pending {
            pending = nil
            start(next)
        }
    }
}

/// A one-slot hand-over box between the worker and the main thread.
final class Mailbox<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?

    func put(_ v: T) {
        condition.lock()
        value = v
        condition.signal()
        condition.unlock()
    }

    func take() -> T? {
        condition.lock(); defer { condition.unlock() }
        let v = value
        value = nil
        return v
    }

    /// Waits until a value is present or `timeout` passes; true when one is present.
    func wait(timeout: TimeInterval) -> Bool {
        condition.lock(); defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while value == nil {
            if !condition.wait(until: deadline) { break }
        }
        return value != nil
    }
}
