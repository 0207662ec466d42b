import Dispatch

/// Runs latent queries on one background queue, one job at a time, with a latest-wins slot
/// per lane: a query submitted while its lane's previous one waits replaces it, so a slider
/// drag never builds a queue. Batches run a few parts at a time, and between parts a more
/// urgent lane goes first, so the images on screen never wait behind a prefetch.
///
/// `submit` and everything else is called on one thread (the GUI's main thread); the runner
/// runs on the background queue; `post` brings the continuation back to the first thread
/// (GLib's main context in the app, a serial queue in tests). Results go to `onResult`.
public final class InferenceLanes: @unchecked Sendable {
    public typealias Runner = @Sendable (LatentQuery) throws -> Rendered
    public typealias Post = @Sendable (@escaping @Sendable () -> Void) -> Void

    /// Called on the posting thread with each finished query (never a superseded one).
    public var onResult: ((Lane, QueryID, Result<Rendered, Error>) -> Void)?
    /// Parts of a batch decoded per turn on the queue.
    public let partsPerTurn: Int

    private let queue: DispatchQueue
    private let post: Post
    private var runner: Runner?
    private var waiting: [Lane: Job] = [:]
    private var running: Job?

    private final class Job: @unchecked Sendable {
        let lane: Lane
        let id: QueryID
        let parts: [LatentQuery]
        let isBatch: Bool
        var done: [Rendered] = []
        var superseded = false
        init(lane: Lane, id: QueryID, query: LatentQuery) {
            self.lane = lane
            self.id = id
            if case .batch(let parts) = query { self.parts = parts; isBatch = true } else { parts = [query]; isBatch = false }
        }
    }

    public init(label: String, partsPerTurn: Int = 8, post: @escaping Post) {
        queue = DispatchQueue(label: label, qos: .userInteractive)
        self.partsPerTurn = max(1, partsPerTurn)
        self.post = post
    }

    /// Sets what decodes queries (the model arrives after the window is built). Queries
    /// submitted before wait for it.
    public func setRunner(_ runner: @escaping Runner) {
        self.runner = runner
        startNext()
    }

    /// Runs `body` on the background queue after the jobs queued before it (loading a model).
    public func enqueue(_ body: @escaping @Sendable () -> Void) { queue.async(execute: body) }

    /// Queues `query` on `lane`, replacing a query of that lane that has not started, and
    /// cutting short a batch of that lane that has.
    public func submit(_ query: LatentQuery, lane: Lane, id: QueryID) {
        running.map { if $0.lane == lane { $0.superseded = true } }
        waiting[lane] = Job(lane: lane, id: id, query: query)
        startNext()
    }

    /// Waits until the jobs already queued have run. Only for shutdown, when no frame is
    /// drawn any more (a state file being written must not land after the last one).
    public func waitForQueuedWork() { queue.sync {} }

    /// Drops everything not yet delivered (the window closed).
    public func cancelAll() {
        waiting.removeAll()
        running?.superseded = true
        onResult = nil
    }

    /// Whether a job is running or waiting.
    public var isIdle: Bool { running == nil && waiting.isEmpty }

    private func startNext() {
        guard running == nil, let runner,
              let job = waiting.values.min(by: { ($0.lane.priority, $0.id) < ($1.lane.priority, $1.id) }) else { return }
        waiting[job.lane] = nil
        running = job
        let start = job.done.count
        let end = min(job.parts.count, start + (job.isBatch ? partsPerTurn : 1))
        let parts = Array(job.parts[start..<end])
        queue.async { [self] in
            var outcome: Result<[Rendered], Error>
            do { outcome = .success(try parts.map(runner)) } catch { outcome = .failure(error) }
            let result = outcome
            post { [self] in self.turnFinished(job, result) }
        }
    }

    private func turnFinished(_ job: Job, _ result: Result<[Rendered], Error>) {
        running = nil
        if !job.superseded {
            switch result {
            case .success(let images):
                job.done += images
                if job.done.count < job.parts.count {
                    // Back in line; a more urgent lane may go first.
                    if waiting[job.lane] == nil { waiting[job.lane] = job }
                } else {
                    onResult?(job.lane, job.id, .success(Self.concatenate(job.done)))
                }
            case .failure(let error):
                onResult?(job.lane, job.id, .failure(error))
            }
        }
        startNext()
    }

    private static func concatenate(_ parts: [Rendered]) -> Rendered {
        if parts.count == 1 { return parts[0] }
        // One block of the final size: appending part by part would grow it by doubling,
        // leaving blocks of up to half the result behind on the main thread's heap.
        var gray: [UInt8] = []
        gray.reserveCapacity(parts.reduce(0) { $0 + $1.gray.count })
        for part in parts { gray += part.gray }
        return Rendered(count: parts.reduce(0) { $0 + $1.count }, side: parts.first?.side ?? 0, gray: gray)
    }
}
