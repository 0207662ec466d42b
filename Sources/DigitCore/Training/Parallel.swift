import Dispatch

/// Fork-join over a few threads for loops whose parts write disjoint memory.
enum Parallel {
    /// Runs `body(part)` for part in 0..<parts, on `parts` threads when more than one,
    /// and returns when all are done.
    @inline(__always)
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { shared.value($0) }
        }
    }
}

/// Hands a closure over raw buffers to worker threads; sound only because each part
/// writes its own block of the buffers.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
