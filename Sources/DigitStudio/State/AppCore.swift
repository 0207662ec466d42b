import DigitCore
import Foundation

/// The app without its window: the store, the inference lanes on one background queue, the
/// timers, loading, saving and the remembered state. The GUI shell gives it a way back to
/// the main thread (`post`), wakes its timers, moves the focus and renders `store.state`.
///
/// Thread-safety: used on the main thread only; closures that run on the background queue
/// touch only `decoder` and come back through `post` before using anything else.
public final class AppCore: @unchecked Sendable {
    public let store: Store
    public let lanes: InferenceLanes
    public let timers: Timers
    /// Where the remembered state lives (nil: not remembered).
    public let statePath: String?
    /// Moves the keyboard focus (the shell's).
    public var focus: ((FocusTarget) -> Void)?
    /// Asks the shell to call `timersDue` after this many seconds (nil: no timer running).
    public var wakeTimers: ((Double?) -> Void)?
    /// One line for the user on stderr.
    public var log: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(("digit-generator: " + line + "\n").data(using: .utf8) ?? Data())
    }
    /// Renders the drawing's strokes into a gray picture, `Handwriting.rasterSide` pixels a
    /// side, white paper and dark ink (the shell's, with cairo, on the main thread: cheap).
    public var rasterize: (([[PadPoint]]) -> [UInt8])?
    private let post: InferenceLanes.Post

    /// - post: runs a closure on the main thread (from any thread).
    public init(clock: Clock, statePath: String?, fresh: Bool, seedStream: UInt64,
                post: @escaping InferenceLanes.Post) {
        self.post = post
        self.statePath = statePath
        timers = Timers(clock: clock)
        lanes = InferenceLanes(label: Resources.appID + ".inference", post: post)
        store = Store(state: AppState(seedStream: seedStream))
        store.perform = { [weak self] effect in self?.perform(effect) }
        lanes.onResult = { [weak self] lane, id, result in
            guard let self else { return }
            switch result {
            case .success(let images): self.store.dispatch(.rendered(lane, id, images))
            case .failure(let error):
                let text = (error as? DigitCoreError)?.userMessage ?? "\(error)"
                self.store.dispatch(.renderFailed(lane, id, text))
            }
        }
        if let statePath, !fresh {
            switch StateFile.load(path: statePath) {
            case .firstLaunch: break
            case .remembered(let remembered): store.dispatch(.restore(remembered))
            case .ignored(let warning): log(warning)
            }
        }
    }

    /// Loads the weights (nil: the shipped ones) on the background queue, with their digest
    /// and directions, and the classifier that names handwritten digits (`classifier`, nil:
    /// the shipped one; when it cannot be loaded the handwriting page asks for the digit),
    /// then dispatches `.modelLoaded` or `.modelFailed`.
    public func load(weights path: String?, classifier classifierPath: String? = nil) {
        let post = self.post
        lanes.enqueue { [self] in
            switch ModelLoader.load(path: path) {
            case .success(let (model, resolved)):
                let digest = (try? WeightsDigest.sha256(path: resolved)) ?? String(repeating: "0", count: 64)
                let catalog = DirectionCatalog.build(model: model)
                let c = model.config
                var classifier: Classifier?
                var classifierProblem: String?
                do {
                    // One drawing at a time: buffers for one image (the default 100 take ~50 MB).
                    let loaded = try ClassifierFile.load(path: classifierPath ?? Resources.defaultClassifierPath(), batch: 1)
                    try SampleQuality.checkCompatible(model: model, classifier: loaded)
                    classifier = loaded
                } catch {
                    classifierProblem = (error as? DigitCoreError)?.description ?? "\(error)"
                }
                let info = ModelInfo(path: resolved, digest: digest, latent: c.latent, classes: c.classes, side: c.side,
                                     fittedPrior: model.usesFittedPrior(.fitted), catalog: catalog,
                                     defaultTemperature: model.defaultTemperature, classifierProblem: classifierProblem)
                let decoder = QueryDecoder(model: model, classifier: classifier)
                let runner: InferenceLanes.Runner = { query in try decoder.decode(query) }
                let box = UncheckedBox((runner, decoder))
                post { [self] in
                    self.decoder = box.value.1
                    self.lanes.setRunner(box.value.0)
                    self.store.dispatch(.modelLoaded(info))
                }
            case .failure(let failure):
                post { [self] in self.store.dispatch(.modelFailed(failure)) }
            }
        }
    }

    /// Used only on the background queue (saving), after the model loaded.
    private var decoder: QueryDecoder?

    /// The shell's timeout fired: dispatches the timers that are due and re-arms.
    public func timersDue() {
        for id in timers.due() { store.dispatch(.timerFired(id)) }
        wakeTimers?(timers.nextDelay)
    }

    /// The window is closing: writes the remembered state now, drops work in flight.
    public func shutdown() {
        lanes.cancelAll()
        // A timer's write of an older state may still be queued: it must not land last.
        lanes.waitForQueuedWork()
        if let statePath {
            let s = store.state
            do { try StateFile.save(RememberedState(window: s.window, view: s.view), path: statePath) } catch {
                log("cannot remember the view: \((error as? DigitCoreError)?.userMessage ?? "\(error)")")
            }
        }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .render(let lane, let id, let query):
            lanes.submit(query, lane: lane, id: id)
        case .save(let job):
            write(path: job.path) { decoder in try ViewExport.write(job, decoder: decoder) }
        case .restyle(let id, let job):
            guard let rasterize else {
                store.dispatch(.renderFailed(.handwriting, id, "this window cannot render drawings"))
                return
            }
            let picture = HandwritingPicture(side: Handwriting.rasterSide, gray: rasterize(job.strokes), digit: job.digit)
            lanes.submit(.restyle(picture), lane: .handwriting, id: id)
        case .saveHandwriting(let job):
            write(path: job.path) { decoder in try HandwritingExport.write(job, model: decoder.model) }
        case .exportMorph(let job):
            write(path: job.path) { decoder in
                try GIF.write(try job.morph.animation(model: decoder.model, fps: job.fps, scale: job.scale), to: job.path)
            }
        case .persist(let remembered):
            guard let statePath else { return }
            let log = self.log
            let post = self.post
            lanes.enqueue {
                do { try StateFile.save(remembered, path: statePath) } catch {
                    let text = "cannot remember the view: \((error as? DigitCoreError)?.userMessage ?? "\(error)")"
                    post { log(text) }
                }
            }
        case .startTimer(let id, let seconds):
            timers.start(id, seconds: seconds)
            wakeTimers?(timers.nextDelay)
        case .cancelTimer(let id):
            timers.cancel(id)
            wakeTimers?(timers.nextDelay)
        case .focus(let target):
            focus?(target)
        case .log(let line):
            log(line)
        }
    }

    /// Writes a file on the background queue with the model (after the jobs before it) and
    /// answers with `.saved` or `.saveFailed`.
    private func write(path: String, _ body: @escaping (QueryDecoder) throws -> Void) {
        let box = UncheckedBox(decoder)
        let work = UncheckedBox(body)
        let post = self.post
        lanes.enqueue { [self] in
            let outcome: Intent
            if let decoder = box.value {
                do {
                    try work.value(decoder)
                    outcome = .saved(path: path)
                } catch {
                    outcome = .saveFailed(path: path, message: (error as? DigitCoreError)?.userMessage ?? "\(error)")
                }
            } else {
                outcome = .saveFailed(path: path, message: "no model loaded")
            }
            post { [self] in self.store.dispatch(outcome) }
        }
    }
}

/// Carries a non-Sendable value to a closure that runs on one other thread at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
