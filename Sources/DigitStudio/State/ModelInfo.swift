/// What the app knows about the loaded model.
public struct ModelInfo: Equatable, Sendable {
    /// The weights file (resolved).
    public let path: String
    /// SHA-256 of the weights file, lowercase hex.
    public let digest: String
    public let latent: Int
    public let classes: Int
    public let side: Int
    public let fittedPrior: Bool
    public let catalog: DirectionCatalog

    public init(path: String, digest: String, latent: Int, classes: Int, side: Int, fittedPrior: Bool,
                catalog: DirectionCatalog) {
        self.path = path
        self.digest = digest
        self.latent = latent
        self.classes = classes
        self.side = side
        self.fittedPrior = fittedPrior
        self.catalog = catalog
    }
}

public enum ModelStatus: Equatable, Sendable {
    case loading
    case ready(ModelInfo)
    case failed(LoadFailure)

    public var info: ModelInfo? {
        if case .ready(let info) = self { return info }
        return nil
    }
}
