import DigitCore
import DigitStudio
import XCTest

/// The shipped weights and what the app derives from them, loaded once.
enum Fixtures {
    nonisolated(unsafe) static var cached: (CVAE, ModelInfo)?

    static func shipped() throws -> (model: CVAE, info: ModelInfo) {
        if let cached { return cached }
        let path = try Resources.defaultWeightsPath()
        let model = try WeightsFile.load(path: path)
        let c = model.config
        let info = ModelInfo(path: path, digest: try WeightsDigest.sha256(path: path), latent: c.latent, classes: c.classes,
                             side: c.side, fittedPrior: model.prior != nil, catalog: DirectionCatalog.build(model: model))
        cached = (model, info)
        return (model, info)
    }

    /// A state with the shipped model loaded, and the effects of loading it.
    static func loaded(_ view: ViewSettings = AppState.welcomeView) throws -> (AppState, [Effect]) {
        var s = AppState(view: view, seedStream: 11)
        s.view = view
        return reduce(s, .modelLoaded(try shipped().info))
    }

    static func renders(_ effects: [Effect]) -> [(Lane, QueryID, LatentQuery)] {
        effects.compactMap { if case .render(let l, let id, let q) = $0 { return (l, id, q) } else { return nil } }
    }

    static func samplesQuery(_ effects: [Effect]) -> (QueryID, LatentQuery)? {
        renders(effects).first { $0.0 == .samples }.map { ($0.1, $0.2) }
    }

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("studio-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
