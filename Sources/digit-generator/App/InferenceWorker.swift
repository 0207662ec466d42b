import DigitStudio
import DigitCore
import Dispatch

/// Runs all model work on one background serial queue; never touches GTK.
///
/// Thread-safety: every stored property except `queue` is read and written only by blocks
/// running on `queue`, so one object can be shared with the main thread, which only
/// enqueues work and receives the completions.
final class InferenceWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: Resources.appID + ".inference", qos: .userInteractive)

    private var model: CVAE?
    /// Latents sampled for `sampledFor` (digit, seed, temperature, count); kept while only
    /// slider overrides change, so that dragging a slider costs one decode per event.
    private var sampled: [Float] = []
    private var sampledFor: SampleKey?
    private var z: [Float] = []
    private var labels: [Int] = []

    /// Loads the weights, then calls `completion` on the worker's thread.
    func load(path: String?, completion: @escaping @Sendable (Result<ModelSummary, LoadFailure>) -> Void) {
        queue.async { [self] in
            switch ModelLoader.load(path: path) {
            case .success(let (model, _)):
                self.model = model
                sampledFor = nil
                let c = model.config
                completion(.success(ModelSummary(path: path ?? "", latent: c.latent, classes: c.classes,
                                                 side: c.side, fittedPrior: model.usesFittedPrior(.fitted))))
            case .failure(let failure):
                self.model = nil
                completion(.failure(failure))
            }
        }
    }

    /// Measures each latent dimension's effect on the output (see `LatentEffect`).
    func measureEffects(completion: @escaping @Sendable ([Float]) -> Void) {
        queue.async { [self] in
            guard let model else { return }
            completion(LatentEffect.measure(model: model))
        }
    }

    /// Decodes the images for `request`.
    func render(_ request: RenderRequest, completion: @escaping @Sendable (RenderResult) -> Void) {
        queue.async { [self] in
            completion(run(request))
        }
    }

    private func run(_ r: RenderRequest) -> RenderResult {
        guard let model else {
            return RenderResult(request: r, side: 0, pixels: [], error: "no model loaded")
        }
        let c = model.config
        do {
            let key = SampleKey(digit: r.digit, seed: r.seed, temperature: r.temperature, count: r.count)
            if sampledFor != key {
                sampled = try model.sampleLatents(digit: r.digit, count: r.count, seed: r.seed,
                                                  temperature: r.temperature, prior: .fitted)
                sampledFor = key
            }
        } catch {
            return RenderResult(request: r, side: c.side, pixels: [],
                                error: (error as? DigitCoreError)?.userMessage ?? String(describing: error))
        }
        z = sampled
        for o in r.overrides where (0..<c.latent).contains(o.dimension) {
            for i in 0..<r.count { z[i * c.latent + o.dimension] = o.value }
        }
        if labels.count != r.count || labels.first != r.digit {
            labels = [Int](repeating: r.digit, count: r.count)
        }
        var pixels = [Float](repeating: 0, count: r.count * c.pixels)
        z.withUnsafeBufferPointer { zp in
            labels.withUnsafeBufferPointer { lp in
                pixels.withUnsafeMutableBufferPointer { op in
                    model.decode(z: zp.baseAddress!, labels: lp.baseAddress!, count: r.count, into: op.baseAddress!)
                }
            }
        }
        return RenderResult(request: r, side: c.side, pixels: pixels, error: nil)
    }
}

/// What the sampled latents depend on.
private struct SampleKey: Equatable {
    let digit: Int
    let seed: UInt64
    let temperature: Float
    let count: Int
}

/// What the window needs to know about a loaded model.
struct ModelSummary: Sendable {
    let path: String
    let latent: Int
    let classes: Int
    let side: Int
    let fittedPrior: Bool
}
