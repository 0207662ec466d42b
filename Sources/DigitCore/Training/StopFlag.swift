import Synchronization

/// Set from a signal handler or another thread to ask the trainer to stop after the batch
/// in progress. Lock-free, so setting it is async-signal-safe.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
