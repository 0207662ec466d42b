import Foundation
import XCTest
@testable import DigitCore

final class ClassifierTests: XCTestCase {
    /// Mean cross-entropy of `classifier` on the rows of `x`, in Double through the same forward pass.
    private func loss(_ net: ClassifierNetwork, _ p: ParameterStore, _ x: [Float], _ y: [Int]) -> Double {
        net.input.update(from: x, count: x.count)
        net.forward(parameters: p, count: y.count)
        return y.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: net.logits, labels: $0.baseAddress!, batch: y.count,
                                                classes: net.config.classes, gradient: nil)
        }
    }

    /// Analytic gradients of every tensor against central finite differences.
    func testGradientsMatchFiniteDifferences() {
        let config = ClassifierConfig(inputs: 6, hidden: [7, 5], classes: 3)
        let model = Classifier(config: config, seed: 3)
        let p = model.parameters
        var rng = Xoshiro256(seed: 9)
        let batch = 4
        let x = (0..<batch * 6).map { _ in Float(rng.nextDouble()) }
        let y = [0, 2, 1, 2]
        let net = ClassifierNetwork(config: config, capacity: batch, threads: 1)
        let g = ParameterStore(specs: config.tensorSpecs)
        _ = loss(net, p, x, y)
        _ = y.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: net.logits, labels: $0.baseAddress!, batch: batch,
                                                classes: 3, gradient: net.logits)
        }
        net.backward(parameters: p, gradients: g, count: batch)
        let h: Float = 1e-2
        var maxDiff = 0.0
        for v in p.views {
            var tensorMax = 0.0
            for i in 0..<v.count {
                let k = v.offset + i
                let saved = p.data[k]
                p.data[k] = saved + h
                let up = loss(net, p, x, y)
                p.data[k] = saved - h
                let down = loss(net, p, x, y)
                p.data[k] = saved
                let numeric = (up - down) / (2 * Double(h))
                let analytic = Double(g.data[k])
                let diff = abs(numeric - analytic)
                tensorMax = max(tensorMax, diff)
                XCTAssertLessThan(diff, 2e-3 + 2e-2 * abs(numeric), "\(v.name)[\(i)]: analytic \(analytic), numeric \(numeric)")
            }
            maxDiff = max(maxDiff, tensorMax)
            print("classifier gradient check \(v.name): max |analytic - numeric| = \(tensorMax)")
        }
        XCTAssertLessThan(maxDiff, 2e-3)
    }

    func testCrossEntropyValueAndGradient() {
        // logits (0, ln 2, 0): softmax = (1/4, 1/2, 1/4); label 1 -> loss ln 2.
        var logits: [Float] = [0, Float(M_LN2), 0]
        let labels = [1]
        let l = logits.withUnsafeMutableBufferPointer { lp in
            labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: lp.baseAddress!, labels: $0.baseAddress!, batch: 1,
                                                    classes: 3, gradient: lp.baseAddress!)
            }
        }
        XCTAssertEqual(l, M_LN2, accuracy: 1e-6)
        XCTAssertEqual(logits[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(logits[1], -0.5, accuracy: 1e-6)
        XCTAssertEqual(logits[2], 0.25, accuracy: 1e-6)
    }

    func testShiftMovesPixelsAndFillsWithBackground() {
        // 4 x 4 image with one bright pixel at row 1, column 2.
        var image = [UInt8](repeating: 0, count: 16)
        image[1 * 4 + 2] = 255
        let table = (0..<256).map { Float($0) / 255 }
        var out = [Float](repeating: -1, count: 16)
        image.withUnsafeBufferPointer { ip in
            table.withUnsafeBufferPointer { tp in
                ShiftAugmentation.shift(ip.baseAddress!, side: 4, dx: -1, dy: 2, table: tp.baseAddress!, into: &out)
            }
        }
        var expected = [Float](repeating: 0, count: 16)
        expected[3 * 4 + 1] = 1
        XCTAssertEqual(out, expected)
        // Shifted entirely out of the frame: all background.
        image.withUnsafeBufferPointer { ip in
            table.withUnsafeBufferPointer { tp in
                ShiftAugmentation.shift(ip.baseAddress!, side: 4, dx: 3, dy: 0, table: tp.baseAddress!, into: &out)
            }
        }
        XCTAssertEqual(out, [Float](repeating: 0, count: 16))
        var rng = Xoshiro256(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<500 {
            let s = ShiftAugmentation.randomShift(maxShift: 2, rng: &rng)
            XCTAssertTrue((-2...2).contains(s.dx) && (-2...2).contains(s.dy))
            seen.insert(s.dx * 10 + s.dy)
        }
        XCTAssertEqual(seen.count, 25)
    }

    func testFileRoundTripsAndRejectsOtherFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let config = ClassifierConfig(inputs: 16, hidden: [8], classes: 4)
        let model = Classifier(config: config, seed: 2)
        let path = dir + "/c.safetensors"
        try ClassifierFile.save(model, to: path, metadata: ["note": "x"])
        let loaded = try ClassifierFile.load(path: path)
        XCTAssertEqual(loaded.config, config)
        XCTAssertEqual(loaded.metadata["architecture"], "mlp-relu 16-8-4")
        XCTAssertEqual(loaded.metadata["note"], "x")
        let images = (0..<3 * 16).map { Float($0 % 7) / 7 }
        XCTAssertEqual(try loaded.probabilities(images: images), try model.probabilities(images: images))

        // A CVAE weights file is not a classifier.
        let cvae = dir + "/cvae.safetensors"
        try WeightsFile.save(CVAE(config: CVAEConfig(pixels: 16, classes: 4, hidden: 8, latent: 2), seed: 1), to: cvae, metadata: [:])
        assertThrows(try ClassifierFile.load(path: cvae), as: ClassifierError.self, mentions: ["not a digitgen classifier", "architecture"]) {
            if case .notAClassifier = $0 { return true } else { return false }
        }
        assertThrows(try ClassifierFile.load(path: cvae), as: ClassifierError.self, mentions: ["CVAE weights", "--weights"]) {
            if case .notAClassifier = $0 { return true } else { return false }
        }
        // And the classifier is not CVAE weights: named as such, not as a missing fc1.weight.
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self,
                     mentions: ["evaluation classifier, not CVAE weights"]) {
            $0 == .classifierFile(path: path)
        }
        XCTAssertTrue(WeightsFileError.classifierFile(path: path).userMessage.contains("--classifier"))
        // A tag that contradicts the shapes.
        let (tensors, _) = try SafeTensors.read(path: path)
        let lying = dir + "/lying.safetensors"
        try SafeTensors.write(config.tensorSpecs.map { ($0.name, tensors[$0.name]!) },
                              metadata: ["architecture": "mlp-relu 16-9-4"], to: lying)
        assertThrows(try ClassifierFile.load(path: lying), as: ClassifierError.self, mentions: ["16-8-4"]) {
            if case .notAClassifier = $0 { return true } else { return false }
        }
    }

    func testProbabilitiesSumToOneAndPredictTakesTheLargest() throws {
        let model = Classifier(config: ClassifierConfig(inputs: 5, hidden: [6], classes: 3), seed: 4)
        let images = (0..<4 * 5).map { Float(($0 * 37) % 11) / 11 }
        let p = try model.probabilities(images: images)
        let predicted = try model.predict(images: images)
        for r in 0..<4 {
            let row = Array(p[r * 3..<r * 3 + 3])
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertEqual(predicted[r], row.firstIndex(of: row.max()!))
        }
        XCTAssertThrowsError(try model.predict(images: [0, 1, 2]))
    }
}
