import ArgumentParser
import DigitCore
import Foundation

/// The app's decoding work, timed: a click (sample five latent vectors and decode them), a
/// 25 x 25 latent map (625 images), and throughput at a large batch.
struct BenchInference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Time the per-click work (sample z and decode 5 images), a 625-image map and batch throughput.",
        discussion: """
            Prints the decoder path that ran (DIGITGEN_KERNEL=avx512|avx2|scalar|blas forces one) \
            and, last, one 'result:' line of key=value pairs for scripts (bench/compare.sh).
            """)

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, parsing: .unconditional, help: "Timed clicks (1000-10000000).")
    var iterations: Int = 5000

    @Option(name: .long, parsing: .unconditional, help: "Images per click.")
    var count: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Batch size for the throughput measurement.")
    var batch: Int = 1000

    @Option(name: .long, parsing: .unconditional, help: "Seconds spent on the throughput and map measurements each.")
    var seconds: Double = 1.0

    @Option(name: .long, help: "Latent prior to sample from: 'fitted' (the app's default) or 'standard' N(0, I).")
    var prior: PriorChoice = .fitted

    @Option(name: .long, parsing: .unconditional, help: "Threads for the decoder and OpenBLAS (default 2, or 1 on one core).")
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, 2)

    func validate() throws {
        // The timings are kept in memory for the percentiles; ten million is minutes of work.
        guard (1000...10_000_000).contains(iterations) else {
            throw ValidationError("--iterations must be in 1000-10000000, got \(iterations)")
        }
        guard (1...10_000).contains(count) else { throw ValidationError("--count is outside 1-10000") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch is outside 1-10000") }
        guard seconds.isFinite, (0.01...600).contains(seconds) else { throw ValidationError("--seconds is outside 0.01-600") }
        try checkThreads(threads)
    }

    func run() throws {
        _ = try DecoderKernel.fromEnvironment()
        BLAS.setThreads(threads)
        let path = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: path)
        model.threads = threads
        let latent = model.config.latent, classes = model.config.classes
        let mapCount = 625
        let rows = max(count, batch, mapCount)
        let z = UnsafeMutablePointer<Float>.allocate(capacity: rows * latent)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: rows * model.config.pixels)
        defer { z.deallocate(); out.deallocate() }
        var rng = Xoshiro256(seed: 1)
        var labels = [Int](repeating: 0, count: rows)

        func work(_ n: Int, digit: Int) {
            model.sampleLatents(digit: digit, count: n, temperature: 1, prior: prior, rng: &rng, into: z)
            for i in 0..<n { labels[i] = digit }
            labels.withUnsafeBufferPointer { model.decode(z: z, labels: $0.baseAddress!, count: n, into: out) }
        }
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

        // Per click.
        for i in 0..<200 { work(count, digit: i % classes) }
        var micros = [Double]()
        micros.reserveCapacity(iterations)
        for i in 0..<iterations {
            let t0 = now()
            work(count, digit: i % classes)
            micros.append(Double(now() - t0) / 1000)
        }
        micros.sort()
        func pct(_ v: [Double], _ p: Double) -> Double { v[min(v.count - 1, Int(Double(v.count) * p))] }

        // A 25 x 25 map: 625 images in one call, repeated for `seconds`.
        work(mapCount, digit: 0)
        var mapMillis = [Double]()
        var start = now()
        while Double(now() - start) < seconds * 1e9 || mapMillis.count < 5 {
            let t0 = now()
            work(mapCount, digit: mapMillis.count % classes)
            mapMillis.append(Double(now() - t0) / 1e6)
        }
        mapMillis.sort()

        // Throughput: batches of `batch` images, sampling included, for `seconds`.
        work(batch, digit: 0)
        var batchMillis = [Double]()
        start = now()
        while Double(now() - start) < seconds * 1e9 || batchMillis.count < 5 {
            let t0 = now()
            work(batch, digit: batchMillis.count % classes)
            batchMillis.append(Double(now() - t0) / 1e6)
        }
        batchMillis.sort()
        let throughput = Double(batch) / (pct(batchMillis, 0.5) / 1e3)

        let kClick = model.kernel(forRows: count), kMap = model.kernel(forRows: mapCount), kBatch = model.kernel(forRows: batch)
        print("weights: \(path)")
        print("model: latent \(latent), hidden \(model.config.hidden); \(threads) thread(s); prior \(prior.rawValue)")
        print("decoder: click \(kClick.rawValue), map \(kMap.rawValue), batch \(kBatch.rawValue) (CPU runs \(DecoderKernel.supported.map(\.rawValue).joined(separator: ", ")))")
        print(String(format: "per click (%d images, sampling + decode), %d clicks: p50 %.1f µs, p99 %.1f µs",
                     count, iterations, pct(micros, 0.5), pct(micros, 0.99)))
        print(String(format: "25 x 25 map (%d images), %d runs: p50 %.2f ms, p99 %.2f ms",
                     mapCount, mapMillis.count, pct(mapMillis, 0.5), pct(mapMillis, 0.99)))
        print(String(format: "throughput at batch %d, %d runs: %.0f images/s (median batch %.2f ms)",
                     batch, batchMillis.count, throughput, pct(batchMillis, 0.5)))
        print("result: kernel=\(kClick.rawValue) " + String(format: "click_p50_us=%.2f click_p99_us=%.2f map625_ms=%.3f batch%d_images_per_s=%.0f",
                     pct(micros, 0.5), pct(micros, 0.99), pct(mapMillis, 0.5), batch, throughput))
    }
}
