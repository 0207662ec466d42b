import XCTest
@testable import DigitCore

/// Training flushes denormals to zero on its own thread and on every worker of a parallel
/// loop, and leaves the threads' modes as they were.
final class DenormalFlushingTests: XCTestCase {
    /// 1e-30 * 1e-10 = 1e-40, a denormal; flushed, it is 0.
    @inline(never)
    static func product(_ a: Float, _ b: Float) -> Float { a * b }

    func testFlushingReachesEveryPartAndIsUndone() {
        let tiny = DenormalFlushingTests.product(1e-30, 1e-10)
        XCTAssertNotEqual(tiny, 0, "without flushing 1e-40 is a denormal")
        XCTAssertTrue(tiny.isSubnormal)
        let parts = 4
        var flushed = [Float](repeating: -1, count: parts), plain = flushed
        flushed.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            DenormalFlushing.run {
                XCTAssertEqual(DenormalFlushingTests.product(1e-30, 1e-10), 0)
                // A denormal input is read as zero too: 1e-40 * 1e30 would be 1e-10.
                XCTAssertEqual(DenormalFlushingTests.product(tiny, 1e30), 0)
                Parallel.forEachPart(parts) { part in o[part] = DenormalFlushingTests.product(1e-30, 1e-10) }
            }
        }
        XCTAssertEqual(flushed, [0, 0, 0, 0])
        // Afterwards, on this thread and on the workers, denormals are back.
        XCTAssertEqual(DenormalFlushingTests.product(1e-30, 1e-10), tiny)
        plain.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            Parallel.forEachPart(parts) { part in o[part] = DenormalFlushingTests.product(1e-30, 1e-10) }
        }
        XCTAssertEqual(plain, [Float](repeating: tiny, count: parts))
    }

    /// The same through the spinning workers training uses (`Parallel.withSpinningWorkers`):
    /// every part runs once, in the caller's mode, many hand-offs in a row; the workers stop
    /// afterwards and the next loops go to libdispatch again.
    func testSpinningWorkersRunEveryPartInTheCallersMode() {
        let tiny = DenormalFlushingTests.product(1e-30, 1e-10)
        for threads in [2, 3] {
            var counts = [Int](repeating: 0, count: threads), results = [Float](repeating: -1, count: threads)
            counts.withUnsafeMutableBufferPointer { c in
                results.withUnsafeMutableBufferPointer { r in
                    let cp = c.baseAddress!, rp = r.baseAddress!
                    DenormalFlushing.run {
                        Parallel.withSpinningWorkers(threads) {
                            for _ in 0..<2000 {
                                Parallel.forEachPart(threads) { part in
                                    cp[part] += 1
                                    rp[part] = DenormalFlushingTests.product(1e-30, 1e-10)
                                }
                            }
                            // Fewer parts than threads: the spare worker only checks in.
                            Parallel.forEachPart(threads - 1) { part in cp[part] += 1 }
                        }
                    }
                }
            }
            XCTAssertEqual(counts, (0..<threads).map { $0 < threads - 1 ? 2001 : 2000 }, "\(threads) threads")
            XCTAssertEqual(results, [Float](repeating: 0, count: threads))
            var after = [Float](repeating: -1, count: threads)
            after.withUnsafeMutableBufferPointer { out in
                let o = out.baseAddress!
                Parallel.forEachPart(threads) { part in o[part] = DenormalFlushingTests.product(1e-30, 1e-10) }
            }
            XCTAssertEqual(after, [Float](repeating: tiny, count: threads))
        }
    }
}
