import Foundation

/// Schedules renders on the `InferenceWorker` from the main thread: one job in flight, and
/// while it runs only the newest request is kept (latest wins), so a slider drag never
/// builds a queue. Results come back through the GLib main context.
final class InferenceService {
    let worker = InferenceWorker()
    /// Called on the main thread with each finished result.
    var onResult: ((RenderResult) -> Void)?

    private var inFlight: Int?
    private var pending: RenderRequest?
    private let mailbox = Mailbox<RenderResult>()

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

    /// Waits up to `timeout` for the job in flight and applies its result now, so that a
    /// frame about to be painted can show it instead of the next one. The main thread only
    /// waits here; the model work stays on the worker.
    func awaitInFlight(timeout: TimeInterval) {
        guard inFlight != nil, mailbox.wait(timeout: timeout) else { return }
        collect()
    }

    private func start(_ request: RenderRequest) {
        inFlight = request.generation
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
