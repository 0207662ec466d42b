import DigitCore
import FuzzSupport

// The evaluation classifier (`--classifier`): container, architecture tag, shapes, and one
// prediction with whatever loads.
FuzzDriver.run { bytes in
    guard let classifier = try? ClassifierFile.load(bytes: bytes, path: "fuzz-input") else { return }
    let image = [Float](repeating: 0.5, count: classifier.config.inputs)
    if let p = try? classifier.predict(images: image) {
        precondition(p.count == 1 && (0..<classifier.config.classes).contains(p[0]), "prediction outside the classes")
    }
}
