import CDigitKernels
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Fork-join over a few threads for loops whose parts write disjoint memory.
enum Parallel {
    /// Runs `body(part)` for part in 0..<parts, on `parts` threads when more than one,
    /// and returns when all are done. Each part runs in the caller's floating-point mode
    /// (`DenormalFlushing`); a worker thread's own mode is restored after its part.
    /// Inside `withSpinningWorkers` the parts go to its pool, else to libdispatch.
    @inline(__always)
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        if let pool = spinningPool, parts <= Int(dk_pool_size(pool)), pthread_equal(pthread_self(), poolOwner) != 0 {
            withoutActuallyEscaping(body) { escapable in
                let job = PoolJob(escapable)
                withExtendedLifetime(job) {
                    dk_pool_run(pool, Int32(parts), poolThunk, Unmanaged.passUnretained(job).toOpaque())
                }
            }
            return
        }
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

    /// Whether `forEachPart(parts)` on this thread runs every part on a thread of its own at
    /// once (inside `withSpinningWorkers` with that many threads), so that the parts can wait
    /// for each other (`dk_barrier_wait`); libdispatch does not promise that.
    static func runsPartsAtOnce(_ parts: Int) -> Bool {
        guard let pool = spinningPool else { return parts <= 1 }
        return parts <= Int(dk_pool_size(pool)) && pthread_equal(pthread_self(), poolOwner) != 0
    }

    /// The pool of `withSpinningWorkers`, if one is running, and the thread that runs it (the
    /// only one whose loops go to the pool: a loop started inside a part goes to libdispatch).
    nonisolated(unsafe) private static var spinningPool: OpaquePointer?
    nonisolated(unsafe) private static var poolOwner = pthread_self()

    /// Runs `body` with the fork-joins of this thread's `forEachPart` calls going to `threads - 1`
    /// worker threads that spin for a fraction of a millisecond between jobs (`CDigitKernels`
    /// pool.c) instead of sleeping: a training step hands work over twice within a few hundred
    /// microseconds. The workers stop when `body` returns. Without threads to spare, or when the
    /// pool cannot start, `body` runs as it would without it.
    static func withSpinningWorkers<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        guard threads > 1, spinningPool == nil, let pool = dk_pool_create(Int32(threads - 1)) else { return try body() }
        poolOwner = pthread_self()
        spinningPool = pool
        defer {
            spinningPool = nil
            dk_pool_free(pool)
        }
        return try body()
    }
}

/// A part's closure for the C pool (kept alive by the caller for the run).
private final class PoolJob {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

private let poolThunk: dk_pool_fn = { context, part in
    guard let context else { return }
    Unmanaged<PoolJob>.fromOpaque(context).takeUnretainedValue().body(Int(part))
}

/// Hands a closure over raw buffers to worker threads; sound only because each part
/// writes its own block of the buffers.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
