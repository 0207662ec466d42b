import Foundation
import XCTest
@testable import DigitCore

/// MNIST-style preprocessing, spherical paths, GIF files, view texts and morphs.
final class ExplorerCoreTests: XCTestCase {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func mnistTest() throws -> (images: IDXImages, labels: [UInt8]) {
        let mnist = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        guard FileManager.default.fileExists(atPath: mnist + "/t10k-images-idx3-ubyte.gz") else {
            throw XCTSkip("MNIST not found at \(mnist) (../shared/mnist from the repository); skipping")
        }
        return (try IDX.readImages(path: mnist + "/t10k-images-idx3-ubyte.gz"),
                try IDX.readLabels(path: mnist + "/t10k-labels-idx1-ubyte.gz"))
    }

    /// Upscales a 28 x 28 byte image by `k` (nearest neighbour) and inverts it: dark on light.
    static func upscaledInverted(_ pixels: ArraySlice<UInt8>, k: Int) -> [UInt8] {
        let p = Array(pixels), side = 28 * k
        return (0..<(side * side)).map { i in 255 - p[(i / side / k) * 28 + (i % side) / k] }
    }

    static func centreOfMass(_ image: [Float], side: Int = 28) -> (x: Double, y: Double) {
        var m = 0.0, mx = 0.0, my = 0.0
        for y in 0..<side { for x in 0..<side { let v = Double(image[y * side + x]); m += v; mx += v * Double(x); my += v * Double(y) } }
        return (mx / m, my / m)
    }

    // MARK: - Preprocessing

    func testUpscaledInvertedMNISTDigitsComeBackAsTheOriginals() throws {
        let (images, _) = try Self.mnistTest()
        var worstMean = 0.0
        for n in 0..<50 {
            let original = images.pixels[(n * 784)..<((n + 1) * 784)]
            let big = Self.upscaledInverted(original, k: 4)
            let (image, darkOnLight) = try MNISTStyle.image(gray: big, width: 112, height: 112)
            XCTAssertTrue(darkOnLight, "image \(n): the inverted picture is dark ink on light paper")
            let c = Self.centreOfMass(image)
            XCTAssertEqual(c.x, 14, accuracy: 0.5, "image \(n)")
            XCTAssertEqual(c.y, 14, accuracy: 0.5, "image \(n)")
            var diff = 0.0
            for i in 0..<784 { diff += abs(Double(image[i]) - Double(original[original.startIndex + i]) / 255) }
            worstMean = max(worstMean, diff / 784)
        }
        print(String(format: "MNIST test digits 0-49, upscaled 4x and inverted: worst mean absolute pixel error %.4f", worstMean))
        XCTAssertLessThan(worstMean, 0.01)
    }

    func testAspectRatioIsKeptAndTheLongerSideIsTwentyPixels() throws {
        // A 40 x 120 bar of ink on a 300 x 200 light background.
        var gray = [UInt8](repeating: 230, count: 300 * 200)
        for y in 40..<160 { for x in 100..<140 { gray[y * 300 + x] = 20 } }
        let (image, darkOnLight) = try MNISTStyle.image(gray: gray, width: 300, height: 200)
        XCTAssertTrue(darkOnLight)
        let rows = (0..<28).filter { y in (0..<28).contains { image[y * 28 + $0] > 0.5 } }
        let cols = (0..<28).filter { x in (0..<28).contains { image[$0 * 28 + x] > 0.5 } }
        XCTAssertEqual(rows.count, 20)
        XCTAssertEqual(cols.count, 7, "40/120 of 20 pixels, rounded")
        let c = Self.centreOfMass(image)
        XCTAssertEqual(c.x, 14, accuracy: 0.5)
        XCTAssertEqual(c.y, 14, accuracy: 0.5)
    }

    func testPolarityIsDetectedBothWays() throws {
        var light = [UInt8](repeating: 10, count: 64 * 64)
        for y in 10..<50 { for x in 28..<36 { light[y * 64 + x] = 240 } }
        let a = try MNISTStyle.image(gray: light, width: 64, height: 64)
        let dark = light.map { 255 - $0 }
        let b = try MNISTStyle.image(gray: dark, width: 64, height: 64)
        XCTAssertFalse(a.darkOnLight)
        XCTAssertTrue(b.darkOnLight)
        XCTAssertEqual(a.image, b.image)
    }

    func testUniformTinyAndHugeImagesAreRefusedWithTheirReason() {
        XCTAssertThrowsError(try MNISTStyle.image(gray: [UInt8](repeating: 200, count: 100 * 100), width: 100, height: 100)) {
            XCTAssertEqual($0 as? MNISTStyleError, .noContrast)
        }
        XCTAssertThrowsError(try MNISTStyle.image(gray: [0], width: 1, height: 1)) {
            XCTAssertEqual($0 as? MNISTStyleError, .tooSmall(width: 1, height: 1))
        }
        XCTAssertThrowsError(try MNISTStyle.normalize(ink: [], width: 30_000, height: 30_000)) {
            XCTAssertEqual($0 as? MNISTStyleError, .tooLarge(width: 30_000, height: 30_000))
        }
        // A light border with a single faint speck: no digit.
        var speck = [UInt8](repeating: 255, count: 50 * 50)
        speck[25 * 50 + 25] = 250
        XCTAssertThrowsError(try MNISTStyle.image(gray: speck, width: 50, height: 50))
    }

    // MARK: - Paths

    func testSlerpKeepsEndpointsExactlyAndNormsOnTheSphere() {
        let a: [Float] = [3, 0, 0, 0], b: [Float] = [0, 3, 0, 0]
        XCTAssertEqual(LatentPath.slerp(a, b, 0), a)
        XCTAssertEqual(LatentPath.slerp(a, b, 1), b)
        let mid = LatentPath.slerp(a, b, 0.5)
        var norm2: Float = 0
        for v in mid { norm2 += v * v }
        let norm = norm2.squareRoot()
        XCTAssertEqual(norm, 3, accuracy: 1e-5, "a straight line would pass at norm 2.12")
        XCTAssertEqual(mid[0], mid[1], accuracy: 1e-6)
        // Parallel vectors fall back to the straight line; no NaN.
        let p = LatentPath.slerp([1, 1], [2, 2], 0.5)
        XCTAssertEqual(p, [1.5, 1.5])
        XCTAssertEqual(LatentPath.slerp([0, 0], [1, 0], 0.25), [0.25, 0])
        let path = LatentPath.slerpPath(from: a, to: b, frames: 5)
        XCTAssertEqual(path.count, 5)
        XCTAssertEqual(path.first, a)
        XCTAssertEqual(path.last, b)
    }

    // MARK: - GIF

    func testGIFRoundTripsFramesDelayAndComment() throws {
        let dir = try makeTemporaryDirectory(self)
        var frames: [[UInt8]] = []
        for f in 0..<3 {
            var frame = [UInt8](repeating: 0, count: 35)
            for i in 0..<35 { frame[i] = UInt8((i * 7 + f * 50) % 256) }
            frames.append(frame)
        }
        let comment = String(repeating: "view=morph from=3 to=8 ", count: 20)   // longer than one 255-byte block
        let a = GIF.Animation(width: 7, height: 5, frames: frames, delay: 4, comment: comment)
        try GIF.write(a, to: dir + "/a.gif")
        let b = try GIF.read(path: dir + "/a.gif")
        XCTAssertEqual(b, a)
    }

    func testGIFRefusesBadAnimationsAndFiles() throws {
        XCTAssertThrowsError(try GIF.encode(GIF.Animation(width: 0, height: 5, frames: [[]], delay: 4)))
        XCTAssertThrowsError(try GIF.encode(GIF.Animation(width: 2, height: 2, frames: [], delay: 4)))
        XCTAssertThrowsError(try GIF.encode(GIF.Animation(width: 2, height: 2, frames: [[1, 2, 3]], delay: 4)))
        XCTAssertThrowsError(try GIF.decode(Array("not a gif".utf8), path: "x.gif")) {
            XCTAssertTrue("\($0)".contains("x.gif"), "\($0)")
        }
        let good = try GIF.encode(GIF.Animation(width: 4, height: 4, frames: [[UInt8](repeating: 9, count: 16)], delay: 2))
        XCTAssertThrowsError(try GIF.decode(Array(good.prefix(good.count / 2)), path: "half.gif"))
    }

    // MARK: - View text

    func testViewTextParsesStrictly() throws {
        let v = try ViewText.parse("digit=3 seed=42 t=0.8 slant=+1.2")
        XCTAssertEqual(v["digit"], "3")
        XCTAssertEqual(try v.float("slant", in: -3...3), 1.2)
        XCTAssertEqual(v.description, "digit=3 seed=42 t=0.8 slant=+1.2")
        for bad in ["", "digit", "digit=", "Digit=3", "a=1 a=2", "=3", String(repeating: "a=1 ", count: 2000)] {
            XCTAssertThrowsError(try ViewText.parse(bad), bad)
        }
        XCTAssertThrowsError(try ViewText.parse("digit=12").int("digit", in: 0...9)) {
            XCTAssertTrue("\($0)".contains("digit"), "\($0)")
        }
    }

    // MARK: - Morph

    func testMorphEndsAreTheGeneratedSamplesAndTheViewRoundTrips() throws {
        let model = CVAE(config: .mnist, seed: 3)
        let m = Morph(fromDigit: 3, toDigit: 8, fromSeed: 42, toSeed: 7, frames: 6)
        let frames = try m.render(model: model)
        XCTAssertEqual(frames.count, 6 * 784)
        // The same latent vectors and labels; a batch of 6 and a batch of 1 may round differently.
        let first = try model.sample(digit: 3, count: 1, seed: 42), last = try model.sample(digit: 8, count: 1, seed: 7)
        XCTAssertLessThan(zip(frames[0..<784], first).map { abs($0 - $1) }.max()!, 1e-5)
        XCTAssertLessThan(zip(frames[(5 * 784)...], last).map { abs($0 - $1) }.max()!, 1e-5)
        let (back, fps, scale) = try Morph.from(view: m.viewText(fps: 12, scale: 3))
        XCTAssertEqual(back, m)
        XCTAssertEqual(fps, 12)
        XCTAssertEqual(scale, 3)
        XCTAssertThrowsError(try Morph(fromDigit: 1, toDigit: 2, fromSeed: 1, toSeed: 1, frames: 1).render(model: model))
        XCTAssertThrowsError(try Morph.from(view: ViewText.parse("view=samples digit=3")))
        // Same style: the latent vector stays, only the condition moves.
        let s = Morph(fromDigit: 3, toDigit: 8, fromSeed: 42, toSeed: 99, frames: 3, sameStyle: true)
        let q = try s.queries(model: model)
        XCTAssertEqual(Array(q.z[0..<20]), Array(q.z[40..<60]))
        XCTAssertEqual(Array(q.conditions[10..<20]), [0, 0, 0, 0.5, 0, 0, 0, 0, 0.5, 0])
    }

    func testBlendedConditionWithOneHotRowsEqualsLabelDecode() throws {
        let model = CVAE(config: .mnist, seed: 9)
        let z = try model.sampleLatents(digit: 0, count: 3, seed: 5)
        var c = [Float](repeating: 0, count: 30)
        c[4] = 1; c[10 + 7] = 1; c[20 + 0] = 1
        let blended = try model.decode(z: z, conditions: c), labelled = try model.decode(z: z, labels: [4, 7, 0])
        XCTAssertLessThan(zip(blended, labelled).map { abs($0 - $1) }.max()!, 1e-6)
    }
}

/// The shipped model and classifier on real MNIST test digits (skipped without MNIST).
final class RestyleQualityTests: XCTestCase {
    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    func testRestyledDigitsAreReadAsTheirDigitAndKeepTheSlant() throws {
        let (images, _) = try ExplorerCoreTests.mnistTest()
        let root = ExplorerCoreTests.repoRoot
        let model = try WeightsFile.load(path: root.appendingPathComponent("resources/\(Resources.weightsFileName)").path)
        let classifier = try ClassifierFile.load(path: root.appendingPathComponent("resources/\(Resources.classifierFileName)").path)
        var correct = 0, total = 0
        var inputSlant: [Double] = [], outputSlant: [Double] = []
        for n in 0..<100 {
            let original = images.pixels[(n * 784)..<((n + 1) * 784)]
            // Through the whole pipeline, as `digitgen restyle` runs it: a 112 x 112 dark-on-light picture.
            let picture = ExplorerCoreTests.upscaledInverted(original, k: 4)
            let input = try MNISTStyle.image(gray: picture, width: 112, height: 112).image
            let r = try Restyling.restyle(image: input, digit: nil, model: model, classifier: classifier)
            let predicted = try classifier.predict(images: r.images)
            for d in 0..<10 { total += 1; if predicted[d] == d { correct += 1 } }
            let s = ImageAttributes.measure(input, side: 28).slant
            for d in 0..<10 where d != 1 {
                inputSlant.append(s)
                outputSlant.append(ImageAttributes.measure(Array(r.images[(d * 784)..<((d + 1) * 784)]), side: 28).slant)
            }
        }
        let accuracy = Double(correct) / Double(total)
        let correlation = Self.pearson(inputSlant, outputSlant)
        print(String(format: "restyle of 100 MNIST test digits: %.1f%% of the 1000 outputs read as their digit; slant correlation %.3f",
                     accuracy * 100, correlation))
        XCTAssertGreaterThanOrEqual(accuracy, 0.95)
        XCTAssertGreaterThanOrEqual(correlation, 0.7)
    }
}

/// Named directions fitted on real MNIST move their attribute in decoded images (skipped without MNIST).
final class NamedDirectionTests: XCTestCase {
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, i) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        return RestyleQualityTests.pearson(ranks(a), ranks(b))
    }

    static func shippedModel() throws -> CVAE {
        try WeightsFile.load(path: ExplorerCoreTests.repoRoot.appendingPathComponent("resources/\(Resources.weightsFileName)").path)
    }

    /// Moving -2 to +2 standard deviations (of the digit's prior along the direction) from 16
    /// samples of each digit: the mean measured attribute of the decoded images must rise with
    /// rank correlation >= 0.9, for every direction and digit. Returns the lowest correlation.
    @discardableResult
    static func checkMonotonic(_ directions: LatentDirections, model: CVAE, label: String,
                               file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let offsets = stride(from: -2.0, through: 2.0, by: 0.5).map { $0 }
        let c = model.config
        var worst = (1.0, "")
        for name in ImageAttributes.names {
            for digit in 0..<c.classes {
                let unit = try XCTUnwrap(directions.vector(name, digit: digit), "\(label): no \(name)", file: file, line: line)
                let sd = LatentDirections.spread(of: unit, digit: digit, prior: model.prior)
                let base = try model.sampleLatents(digit: digit, count: 16, seed: 11)
                var means: [Double] = []
                for t in offsets {
                    var z = base
                    for i in 0..<16 { for j in 0..<c.latent { z[i * c.latent + j] += Float(t) * sd * unit[j] } }
                    let decoded = try model.decode(z: z, labels: [Int](repeating: digit, count: 16))
                    var sum = 0.0
                    for i in 0..<16 {
                        sum += ImageAttributes.measure(Array(decoded[(i * c.pixels)..<((i + 1) * c.pixels)]), side: c.side).value(name)!
                    }
                    means.append(sum / 16)
                }
                let rho = spearman(offsets, means)
                if rho < worst.0 { worst = (rho, "\(name) of digit \(digit)") }
                XCTAssertGreaterThanOrEqual(rho, 0.9, "\(label): \(name), digit \(digit): \(means)", file: file, line: line)
            }
        }
        print(String(format: "named directions (%@): lowest rank correlation %.3f (%@)", label, worst.0, worst.1))
        return worst.0
    }

    /// The directions fitted afresh on 6,000 training images.
    func testEachDirectionChangesItsMeasuredAttributeMonotonically() throws {
        let mnist = ExplorerCoreTests.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/mnist").path
        guard FileManager.default.fileExists(atPath: mnist + "/train-images-idx3-ubyte.gz") else {
            throw XCTSkip("MNIST not found at \(mnist); skipping the named-direction check")
        }
        let model = try Self.shippedModel()
        let images = try IDX.readImages(path: mnist + "/train-images-idx3-ubyte.gz")
        let labels = try IDX.readLabels(path: mnist + "/train-labels-idx1-ubyte.gz")
        let n = 6_000
        let train = try LabeledImages(pixels: Array(images.pixels[0..<(n * 784)]), labels: Array(labels[0..<n]), pixelsPerImage: 784)
        let encoded = try PriorEncoding.encode(train, with: model)
        let attributes = (0..<n).map { i in
            ImageAttributes.measure((0..<784).map { Float(train.pixels[i * 784 + $0]) / 255 }, side: 28)
        }
        let fit = try DirectionFitting.fit(means: encoded.means, labels: train.labels.map(Int.init), attributes: attributes,
                                           classes: 10, latent: 20)
        try Self.checkMonotonic(fit.directions, model: model, label: "fitted on 6,000 images")
    }

    /// The directions shipped in the weights file (what the app's menus and view texts use):
    /// all four are there and each moves its attribute monotonically. Needs no data.
    func testShippedDirectionsChangeTheirMeasuredAttributeMonotonically() throws {
        let model = try Self.shippedModel()
        let shipped = try XCTUnwrap(model.directions, "the shipped weights have no named directions (digitgen fit-directions)")
        XCTAssertEqual(shipped.names, ImageAttributes.names)
        XCTAssertEqual(model.metadata[LatentDirections.metadataKey], ImageAttributes.names.joined(separator: ","))
        XCTAssertNotNil(model.metadata["default_temperature"], "fit-directions kept the other metadata")
        XCTAssertNotNil(model.prior, "fit-directions kept the fitted prior")
        try Self.checkMonotonic(shipped, model: model, label: "shipped")
    }
}

final class BLASCoreSelectionTests: XCTestCase {
    func testFallbackKernelsAreReplacedOnlyWhenTheCPUHasBetterOnes() {
        let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        XCTAssertEqual(BLASCoreSelection.preferredCoreType(detected: "Prescott", cpuFlags: avx512, userChoice: nil), "SkylakeX")
        XCTAssertEqual(BLASCoreSelection.preferredCoreType(detected: "Prescott", cpuFlags: ["avx", "avx2", "fma"], userChoice: nil), "Haswell")
        XCTAssertEqual(BLASCoreSelection.preferredCoreType(detected: "Sandybridge", cpuFlags: ["avx", "avx2", "fma"], userChoice: nil), "Haswell")
        XCTAssertNil(BLASCoreSelection.preferredCoreType(detected: "SkylakeX", cpuFlags: avx512, userChoice: nil))
        XCTAssertNil(BLASCoreSelection.preferredCoreType(detected: "Zen", cpuFlags: ["avx2", "fma"], userChoice: nil))
        XCTAssertNil(BLASCoreSelection.preferredCoreType(detected: "Prescott", cpuFlags: ["sse3"], userChoice: nil))
        XCTAssertNil(BLASCoreSelection.preferredCoreType(detected: "Prescott", cpuFlags: avx512, userChoice: "Haswell"),
                     "the user's OPENBLAS_CORETYPE is kept")
        XCTAssertNil(BLASCoreSelection.preferredCoreType(detected: "SomethingNew", cpuFlags: avx512, userChoice: nil))
    }
}
