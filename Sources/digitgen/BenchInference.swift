import ArgumentParser
import DigitCore
import Foundation

/// The app's per-click work: sample five latent vectors and decode them.
struct BenchInference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Time the per-click work (sample z and decode 5 images) and batch throughput.")

    @OptionGroup var weightsOptions: WeightsOptions

    @Option(name: .long, parsing: .unconditional, help: "Timed iterations of the 5-image decode (1000-10000000).")
    var iterations: Int = 5000

    @Option(name: .long, parsing: .unconditional, help: "Images per click.")
    var count: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Batch size for the throughput measurement.")
    var batch: Int = 1000

    @Option(name: .long, parsing: .unconditional, help: "OpenBLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?

    func validate() throws {
        // The timings are kept in memory for the percentiles; ten million is minutes of work.
        guard (1000...10_000_000).contains(iterations) else {
            throw ValidationError("--iterations must be in 1000-10000000, got \(iterations)")
        }
        guard (1...10_000).contains(count) else { throw ValidationError("--count is outside 1-10000") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch is outside 1-10000") }
        try checkThreads(threads)
    }

    func run() throws {
        if let threads { BLAS.setThreads(threads) }
        let path = try weightsOptions.resolvedPath()
        let model = try WeightsFile.load(path: path)
        let latent = model.config.latent
        let z = UnsafeMutablePointer<Float>.allocate(capacity: max(count, batch) * latent)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: max(count, batch) * model.config.pixels)
        defer { z.deallocate(); out.deallocate() }
        var rng = Xoshiro256(seed: 1)
        var labels = [Int](repeating: 7, count: max(count, batch))
        for i in labels.indices { labels[i] = i % model.config.classes }

        func click(_ i: Int) {
            let digit = i % model.config.classes
            model.sampleLatents(digit: digit, count: count, temperature: 1, rng: &rng, into: z)
            labels.withUnsafeBufferPointer { model.decode(z: z, labels: $0.baseAddress!, count: count, into: out) }
        }
        for i in 0..<200 { click(i) }
        var micros = [Double]()
        micros.reserveCapacity(iterations)
        for i in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            click(i)
            micros.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
        }
        micros.sort()
        func pct(_ p: Double) -> Double { micros[min(micros.count - 1, Int(Double(micros.count) * p))] }

        // Throughput: batches of `batch` images, sampling included, for about a second.
        model.sampleLatents(digit: 0, count: batch, temperature: 1, rng: &rng, into: z)
        labels.withUnsafeBufferPointer { model.decode(z: z, labels: $0.baseAddress!, count: batch, into: out) }
        var images = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < 1.0 {
            model.sampleLatents(digit: images % 10, count: batch, temperature: 1, rng: &rng, into: z)
            labels.withUnsafeBufferPointer { model.decode(z: z, labels: $0.baseAddress!, count: batch, into: out) }
            images += batch
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        print("weights: \(path)")
        print("model: latent \(latent), hidden \(model.config.hidden); OpenBLAS threads \(BLAS.threads)")
        print(String(format: "per click (%d images, sampling + decode), %d iterations: p50 %.1f µs, p99 %.1f µs, mean %.1f µs",
                     count, iterations, pct(0.50), pct(0.99), micros.reduce(0, +) / Double(micros.count)))
        print(String(format: "throughput at batch %d: %.0f images/s", batch, Double(images) / elapsed))
    }
}
