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
    /// The weights' default temperature (metadata `default_temperature`, chosen by measurement;
    /// 1 when absent): the welcome view samples at it.
    public let defaultTemperature: Float
    /// Why the classifier that names handwritten digits could not be loaded (nil: it was);
    /// without it the handwriting page asks the person for the digit.
    public let classifierProblem: String?

    public init(path: String, digest: String, latent: Int, classes: Int, side: Int, fittedPrior: Bool,
                catalog: DirectionCatalog, defaultTemperature: Float = 1, classifierProblem: String? = nil) {
        self.classifierProblem = classifierProblem
        self.path = path
        self.digest = digest
        self.latent = latent
        self.classes = classes
        self.side = side
        self.fittedPrior = fittedPrior
        self.catalog = catalog
        self.defaultTemperature = defaultTemperature
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
