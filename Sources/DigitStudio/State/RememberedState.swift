/// What the next launch restores: the window's size and the last view.
public struct RememberedState: Equatable, Sendable, Codable {
    public var version = 1
    public var window: WindowGeometry
    public var view: ViewSettings

    public init(window: WindowGeometry, view: ViewSettings) {
        self.window = window
        self.view = view
    }
}
