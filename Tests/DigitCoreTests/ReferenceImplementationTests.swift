import Foundation
import XCTest
@testable import DigitCore

/// Files written by the reference `safetensors` library in PyTorch's state_dict layout, and
/// outputs computed from them in float64 by numpy (Fixtures/make_reference.py), must load
/// unchanged and give the same values here.
final class ReferenceImplementationTests: XCTestCase {
    struct Outputs: Decodable {
        let z: [Double], labels: [Int], decoded: [Double]
        let images: [Double], encode_labels: [Int], mean: [Double], logvar: [Double]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func outputs() throws -> Outputs {
        try JSONDecoder().decode(Outputs.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("reference-outputs.json")))
    }

    func testReferenceF32FileDecodesAndEncodesAsNumpy() throws {
        let model = try WeightsFile.load(path: Self.fixtures.appendingPathComponent("reference-f32.safetensors").path)
        XCTAssertEqual(model.config, CVAEConfig(pixels: 784, classes: 10, hidden: 16, latent: 3))
        XCTAssertNil(model.prior)
        XCTAssertEqual(model.metadata["format"], "pt")
        let o = try outputs()
        let decoded = try model.decode(z: o.z.map(Float.init), labels: o.labels)
        XCTAssertEqual(decoded.count, o.decoded.count)
        let decodeDiff = zip(decoded, o.decoded).map { abs(Double($0) - $1) }.max() ?? .infinity
        let (mean, logvar) = try model.encode(images: o.images.map(Float.init), labels: o.encode_labels)
        let encodeDiff = zip(mean + logvar, o.mean + o.logvar).map { abs(Double($0) - $1) }.max() ?? .infinity
        print("vs numpy float64: decode max |diff| \(decodeDiff), encode max |diff| \(encodeDiff)")
        XCTAssertLessThan(decodeDiff, 1e-5)
        XCTAssertLessThan(encodeDiff, 1e-5)
    }

    func testReferenceF16FileLoadsToTheRoundedValues() throws {
        let f32 = try WeightsFile.load(path: Self.fixtures.appendingPathComponent("reference-f32.safetensors").path)
        let f16 = try WeightsFile.load(path: Self.fixtures.appendingPathComponent("reference-f16.safetensors").path)
        XCTAssertEqual(f16.config, f32.config)
        for v in f32.parameters.views {
            let a = f32.parameters.values(v.name), b = f16.parameters.values(v.name)
            for (x, y) in zip(a, b) {
                // Half precision keeps 11 significant bits: relative error <= 2^-11 (normal range).
                XCTAssertEqual(y, Float(Float16(x)), "\(v.name)")
                XCTAssertLessThanOrEqual(abs(x - y), max(abs(x) * 0x1p-11, 0x1p-24), "\(v.name)")
            }
        }
    }

    /// What we write, the reference library reads: our writer gives the same tensors and an
    /// F32 file that loads back bit for bit.
    func testRewritingTheReferenceFileKeepsEveryValue() throws {
        let src = Self.fixtures.appendingPathComponent("reference-f32.safetensors").path
        let model = try WeightsFile.load(path: src)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("copy.safetensors").path
        try WeightsFile.save(model, to: out, metadata: [:])
        let original = try SafeTensors.read(path: src).tensors
        let copy = try SafeTensors.read(path: out).tensors
        XCTAssertEqual(Set(original.keys), Set(copy.keys))
        for (name, t) in original { XCTAssertEqual(copy[name], t, name) }
    }
}
