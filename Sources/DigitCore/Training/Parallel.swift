import CDigitKernels
import Dispatch

/// Fork-join over a few threads for loops whose parts write disjoint memory.
enum Parallel {
    /// Runs `body(part)` for part in 0..<parts, on `parts` threads when more than one,
    /// and returns when all are done. Each part runs in the caller's floating-point mode
    /// (`DenormalFlushing`); a worker thread's own mode is restored after its part.
    @inline(__always)
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        let mode = dk_fp_mode()
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let saved = dk_fp_mode()
                if saved != mode { dk_set_fp_mode(mode) }
                shared.value(part)
                if saved != mode { dk_set_fp_mode(saved) }
            }
        }
    }
}

/// Hands a closure over raw buffers to worker threads; sound only because each part
/// writes its own block of the buffers.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
