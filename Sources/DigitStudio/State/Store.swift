/// Holds the state, runs intents through `reduce`, tells observers, hands effects over.
/// Main-thread only. Intents dispatched while one is being handled (by an observer or an
/// effect) run right after it, in order.
public final class Store {
    public private(set) var state: AppState
    /// Called after each intent with the state before and after it.
    public var observers: [(Intent, AppState, AppState) -> Void] = []
    public var perform: ((Effect) -> Void)?
    private var queue: [Intent] = []
    private var busy = false

    public init(state: AppState) { self.state = state }

    public func dispatch(_ intent: Intent) {
        queue.append(intent)
        guard !busy else { return }
        busy = true
        defer { busy = false }
        while !queue.isEmpty {
            let next = queue.removeFirst()
            let old = state
            let (new, effects) = reduce(old, next)
            state = new
            for o in observers { o(next, old, new) }
            for e in effects { perform?(e) }
        }
    }
}
