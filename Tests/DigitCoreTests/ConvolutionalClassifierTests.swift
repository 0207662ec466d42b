import Foundation
import XCTest
@testable import DigitCore

/// The CNN evaluation classifier (issue 12): its layers, gradients, file format and, on the
/// real MNIST test set, the shipped network's accuracy.
final class ConvolutionalClassifierTests: XCTestCase {
    /// 6x6 images, two stages (6 -> 3 -> 1 after pooling), then fc 4 -> 3 classes.
    private let tiny = ClassifierConfig(inputs: 36, hidden: [4], classes: 3, channels: [2, 3])

    private func loss(_ net: ClassifierNetwork, _ p: ParameterStore, _ x: [Float], _ y: [Int]) -> Double {
        net.input.update(from: x, count: x.count)
        net.forward(parameters: p, count: y.count)
        return y.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.forwardBackward(logits: net.logits, labels: $0.baseAddress!, batch: y.count,
                                                classes: net.config.classes, gradient: nil)
        }
    }

    func testLayoutNamesAndArchitecture() {
        let c = ClassifierConfig.mnistCNN
        XCTAssertEqual(c.architecture, "cnn-relu 28x28-c32-c64-128-10")
        XCTAssertEqual(c.stages.map(\.side), [28, 14])
        XCTAssertEqual(c.flattened, 7 * 7 * 64)
        XCTAssertEqual(c.tensorSpecs.map(\.name), ["cnn.conv1.weight", "cnn.conv1.bias", "cnn.conv2.weight", "cnn.conv2.bias",
                                                   "cnn.fc1.weight", "cnn.fc1.bias", "cnn.fc2.weight", "cnn.fc2.bias"])
        XCTAssertEqual(c.tensorSpecs.map(\.shape), [[32, 3, 3, 1], [32], [64, 3, 3, 32], [64], [128, 3136], [128], [10, 128], [10]])
        XCTAssertEqual(c.parameterCount, 320 + 18_496 + 401_536 + 1_290)
        XCTAssertEqual(ClassifierConfig.mnist.architecture, "mlp-relu 784-512-256-10")
    }

    /// im2col and its backward pass are adjoint: <im2col(x), c> = <x, col2im(c)> for any x, c,
    /// and a patch holds the 3x3 neighbourhood with zeros outside the image.
    func testIm2colIsTheAdjointOfItsBackwardPass() {
        let s = 5, ch = 2, b = 2, patch = 9 * ch
        var rng = Xoshiro256(seed: 4)
        let x = (0..<b * s * s * ch).map { _ in Float(rng.nextDouble() * 2 - 1) }
        let c = (0..<b * s * s * patch).map { _ in Float(rng.nextDouble() * 2 - 1) }
        var cols = [Float](repeating: .nan, count: c.count)
        var dx = [Float](repeating: .nan, count: x.count)
        Im2col.forward(x, images: 0..<b, side: s, channels: ch, cols: &cols)
        Im2col.backward(c, images: 0..<b, side: s, channels: ch, dx: &dx)
        let lhs = zip(cols, c).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(x, dx).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4)
        // Image 1, pixel (row 0, column 4): the patch's top row and right column are outside.
        let row = Array(cols[((1 * s + 0) * s + 4) * patch..<((1 * s + 0) * s + 5) * patch])
        for ky in 0..<3 {
            for kx in 0..<3 {
                for k in 0..<ch {
                    let yy = ky - 1, xx = 4 + kx - 1
                    let expected: Float = (yy >= 0 && xx < s) ? x[((1 * s + yy) * s + xx) * ch + k] : 0
                    XCTAssertEqual(row[(ky * 3 + kx) * ch + k], expected, "ky \(ky) kx \(kx) channel \(k)")
                }
            }
        }
    }

    func testMaxPoolTakesTheLargestAndRoutesItsGradient() {
        // One 3x3 map with 2 channels: the pool uses the top-left 2x2 window and drops the rest.
        let x: [Float] = [1, -1, 5, -2, 0, 0,
                          3, 7, 2, -3, 0, 0,
                          9, 9, 9, 9, 9, 9]
        var out = [Float](repeating: 0, count: 2)
        var argmax = [Int32](repeating: -1, count: 2)
        MaxPool2x2.forward(x, images: 0..<1, side: 3, channels: 2, out: &out, argmax: &argmax)
        XCTAssertEqual(out, [5, 7])
        XCTAssertEqual(argmax, [2, 7])
        var dx = [Float](repeating: .nan, count: x.count)
        MaxPool2x2.backward([0.5, -2], argmax: argmax, images: 0..<1, side: 3, channels: 2, dx: &dx)
        var expected = [Float](repeating: 0, count: x.count)
        expected[2] = 0.5
        expected[7] = -2
        XCTAssertEqual(dx, expected)
    }

    /// Analytic gradients of every tensor, convolutions included, against central finite
    /// differences of the same forward pass.
    func testGradientsMatchFiniteDifferences() {
        let model = Classifier(config: tiny, seed: 3)
        let p = model.parameters
        var rng = Xoshiro256(seed: 9)
        let batch = 3
        let x = (0..<batch * 36).map { _ in Float(rng.nextDouble()) }
        let y = [0, 2, 1]
        let net = ClassifierNetwork(config: tiny, capacity: batch, threads: 1)
        let g = ParameterStore(specs: tiny.tensorSpecs)
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
            print("CNN gradient check \(v.name): max |analytic - numeric| = \(tensorMax)")
        }
        XCTAssertLessThan(maxDiff, 2e-3)
        // Every tensor gets a gradient: none of the checks above passed on all-zero gradients.
        for v in g.views { XCTAssertTrue((0..<v.count).contains { g.data[v.offset + $0] != 0 }, v.name) }
    }

    /// Two threads split the images of the convolution stages; the results match one thread.
    func testThreadsGiveTheSameForwardAndGradients() {
        let config = ClassifierConfig(inputs: 64, hidden: [5], classes: 3, channels: [4, 6])
        let model = Classifier(config: config, seed: 5)
        var rng = Xoshiro256(seed: 2)
        let batch = 7
        let x = (0..<batch * 64).map { _ in Float(rng.nextDouble()) }
        let y = (0..<batch).map { $0 % 3 }
        var results: [[Float]] = []
        for threads in [1, 2] {
            let net = ClassifierNetwork(config: config, capacity: batch, threads: threads)
            let g = ParameterStore(specs: config.tensorSpecs)
            _ = loss(net, model.parameters, x, y)
            _ = y.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.forwardBackward(logits: net.logits, labels: $0.baseAddress!, batch: batch,
                                                    classes: 3, gradient: net.logits)
            }
            net.backward(parameters: model.parameters, gradients: g, count: batch)
            results.append(Array(g.buffer))
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testRotationByZeroIsTheShiftAndByAQuarterTurnMovesPixels() {
        var image = [UInt8](repeating: 0, count: 25)
        image[1 * 5 + 3] = 255              // row 1, column 3
        let table = (0..<256).map { Float($0) / 255 }
        var shifted = [Float](repeating: -1, count: 25), warped = shifted
        image.withUnsafeBufferPointer { ip in
            table.withUnsafeBufferPointer { tp in
                ShiftAugmentation.shift(ip.baseAddress!, side: 5, dx: -1, dy: 2, table: tp.baseAddress!, into: &shifted)
                RotationAugmentation.warp(ip.baseAddress!, side: 5, angle: 0, dx: -1, dy: 2, table: tp.baseAddress!, into: &warped)
            }
        }
        XCTAssertEqual(warped, shifted)
        // A quarter turn counter-clockwise on screen about the centre (2, 2): the pixel right of
        // and above the centre, (column 3, row 1), goes to the left of and above it: (1, 1).
        image.withUnsafeBufferPointer { ip in
            table.withUnsafeBufferPointer { tp in
                RotationAugmentation.warp(ip.baseAddress!, side: 5, angle: .pi / 2, dx: 0, dy: 0, table: tp.baseAddress!, into: &warped)
            }
        }
        XCTAssertEqual(warped[1 * 5 + 1], 1, accuracy: 1e-5)
        XCTAssertEqual(warped.reduce(0, +), 1, accuracy: 1e-4)
        var rng = Xoshiro256(seed: 1)
        let angles = (0..<1000).map { _ in RotationAugmentation.randomAngle(maxDegrees: 12, rng: &rng) }
        XCTAssertLessThanOrEqual(angles.map(abs).max()!, Float(12 * Double.pi / 180))
        XCTAssertGreaterThan(angles.map(abs).max()!, Float(11 * Double.pi / 180))
        XCTAssertLessThan(angles.min()!, 0)
    }

    func testFileRoundTripsAndRejectsContradictions() throws {
        let dir = try makeTemporaryDirectory(self)
        let model = Classifier(config: tiny, seed: 2)
        let path = dir + "/cnn.safetensors"
        try ClassifierFile.save(model, to: path, metadata: ["note": "x"])
        let loaded = try ClassifierFile.load(path: path)
        XCTAssertEqual(loaded.config, tiny)
        XCTAssertEqual(loaded.metadata["architecture"], "cnn-relu 6x6-c2-c3-4-3")
        let images = (0..<5 * 36).map { Float($0 % 7) / 7 }
        XCTAssertEqual(try loaded.probabilities(images: images), try model.probabilities(images: images))
        // CVAE weights name a CNN file as a classifier too.
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self, mentions: ["evaluation classifier"]) {
            $0 == .classifierFile(path: path)
        }
        let (tensors, _) = try SafeTensors.read(path: path)
        // A tag whose channels contradict the shapes.
        let lying = dir + "/lying.safetensors"
        try SafeTensors.write(tiny.tensorSpecs.map { ($0.name, tensors[$0.name]!) },
                              metadata: ["architecture": "cnn-relu 6x6-c2-c4-4-3"], to: lying)
        assertThrows(try ClassifierFile.load(path: lying), as: ClassifierError.self, mentions: ["6x6-c2-c3-4-3"]) {
            if case .notAClassifier = $0 { return true } else { return false }
        }
        // A tag whose image size contradicts them: fc1 does not fit the pooled map.
        try SafeTensors.write(tiny.tensorSpecs.map { ($0.name, tensors[$0.name]!) },
                              metadata: ["architecture": "cnn-relu 8x8-c2-c3-4-3"], to: lying)
        assertThrows(try ClassifierFile.load(path: lying), as: ClassifierError.self, mentions: ["cnn.fc1.weight", "[4, 3]", "[4, 12]"]) {
            if case .wrongShape = $0 { return true } else { return false }
        }
        // A convolution kernel of the wrong size.
        let wrong = dir + "/wrong.safetensors"
        var list = tiny.tensorSpecs.map { ($0.name, tensors[$0.name]!) }
        list[0] = ("cnn.conv1.weight", Tensor(shape: [2, 5, 5, 1], values: [Float](repeating: 0, count: 50)))
        try SafeTensors.write(list, metadata: ["architecture": tiny.architecture], to: wrong)
        assertThrows(try ClassifierFile.load(path: wrong), as: ClassifierError.self, mentions: ["cnn.conv1.weight", "[2, 3, 3, 1]"]) {
            if case .wrongShape = $0 { return true } else { return false }
        }
        // An unknown architecture.
        let other = dir + "/other.safetensors"
        try SafeTensors.write(list, metadata: ["architecture": "resnet 28x28"], to: other)
        assertThrows(try ClassifierFile.load(path: other), as: ClassifierError.self, mentions: ["resnet", "cnn-relu"]) {
            if case .notAClassifier = $0 { return true } else { return false }
        }
    }

    /// A few epochs on a small synthetic problem (a bright bar in one of three places, shifted
    /// and rotated) drive the training loss down and classify held-out images.
    func testTrainerLearnsASyntheticTask() throws {
        var rng = Xoshiro256(seed: 11)
        func images(_ n: Int) -> (pixels: [UInt8], labels: [UInt8]) {
            var pixels = [UInt8](repeating: 0, count: n * 144), labels = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let label = rng.nextInt(below: 3)
                labels[i] = UInt8(label)
                let col = 2 + 4 * label
                for r in 2..<10 { for c in col..<col + 2 { pixels[i * 144 + r * 12 + c] = UInt8(180 + rng.nextInt(below: 76)) } }
            }
            return (pixels, labels)
        }
        let train = images(300), held = images(60)
        let data = try LabeledImages(pixels: train.pixels, labels: train.labels, pixelsPerImage: 144)
        let test = try LabeledImages(pixels: held.pixels, labels: held.labels, pixelsPerImage: 144)
        let recipe = ClassifierRecipe(epochs: 8, batchSize: 10, learningRate: 5e-3, seed: 1, threads: 2, hidden: [8],
                                      maxShift: 1, channels: [4, 4], maxRotation: 10)
        let trainer = try ClassifierTrainer(recipe: recipe, data: data, test: test)
        try trainer.run()
        let h = trainer.history
        XCTAssertEqual(h.count, 8)
        XCTAssertLessThan(h.last!.trainLoss, h.first!.trainLoss)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(h.last?.testAccuracy), 0.95)
        XCTAssertEqual(trainer.classifier.config.architecture, "cnn-relu 12x12-c4-c4-8-10")   // LabeledImages has MNIST's 10 classes
    }
    /// The shipped classifier on the real MNIST test set: issue 12 asks for at least 99.3%.
    func testShippedCNNReachesTheTargetOnMNIST() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let mnist = root.deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        guard FileManager.default.fileExists(atPath: mnist + "/t10k-images-idx3-ubyte.gz") else {
            throw XCTSkip("MNIST not found at \(mnist) (../shared/mnist from the repository); skipping the shipped CNN's accuracy check")
        }
        let classifier = try ClassifierFile.load(path: root.appendingPathComponent("resources/\(Resources.classifierFileName)").path)
        XCTAssertEqual(classifier.config, .mnistCNN)
        let images = try IDX.readImages(path: mnist + "/t10k-images-idx3-ubyte.gz")
        let labels = try IDX.readLabels(path: mnist + "/t10k-labels-idx1-ubyte.gz")
        let test = try LabeledImages(pixels: images.pixels, labels: labels, pixelsPerImage: 784)
        let accuracy = try classifier.accuracy(on: test)
        print(String(format: "shipped CNN classifier, MNIST test accuracy: %.4f", accuracy))
        XCTAssertGreaterThanOrEqual(accuracy, 0.993)
        XCTAssertEqual(accuracy, try XCTUnwrap(classifier.metadata["test_accuracy"].flatMap(Double.init)), accuracy: 0.0001)
    }

    /// The app loads the classifier with buffers for one image: the same probabilities as the
    /// default batch of 100 (to float rounding), image after image.
    func testOneImageBuffersGiveTheSameProbabilities() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("resources/\(Resources.classifierFileName)").path
        let wide = try ClassifierFile.load(path: path)
        let narrow = try ClassifierFile.load(path: path, batch: 1)
        var rng = Xoshiro256(seed: 5)
        let images = (0..<(7 * 784)).map { _ in Float(rng.nextDouble()) }
        let a = try wide.probabilities(images: images), b = try narrow.probabilities(images: images)
        XCTAssertEqual(a.count, 70)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        XCTAssertThrowsError(try ClassifierFile.load(path: path + ".missing", batch: 1))
    }
}
