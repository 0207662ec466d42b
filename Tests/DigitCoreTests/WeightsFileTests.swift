import Foundation
import XCTest
@testable import DigitCore

final class WeightsFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private let small = CVAEConfig(pixels: 16, classes: 3, hidden: 5, latent: 2)

    private func decodeSample(_ model: CVAE) throws -> [Float] {
        let c = model.config
        let z = (0..<(3 * c.latent)).map { Float($0 % 7) * 0.3 - 0.9 }
        return try model.decode(z: z, labels: [0, 1, c.classes - 1])
    }

    func testSaveLoadRoundTripGivesIdenticalDecoding() throws {
        let model = CVAE(config: .mnist, seed: 7)
        let path = dir + "/cvae.safetensors"
        try WeightsFile.save(model, to: path, metadata: ["epochs": "3"])
        let loaded = try WeightsFile.load(path: path)
        XCTAssertEqual(loaded.config, .mnist)
        XCTAssertNil(loaded.prior)
        XCTAssertEqual(loaded.metadata, ["epochs": "3"])
        for spec in model.config.tensorSpecs {
            XCTAssertEqual(loaded.parameters.values(spec.name), model.parameters.values(spec.name), spec.name)
        }
        XCTAssertEqual(try decodeSample(loaded), try decodeSample(model))
        XCTAssertEqual(filesIn(dir), ["cvae.safetensors"])

        // The tensors are in PyTorch's state_dict order in the file.
        let order = WeightsFile.tensors(of: model).map(\.name)
        XCTAssertEqual(order, ["fc1.weight", "fc1.bias", "fc21.weight", "fc21.bias", "fc22.weight", "fc22.bias",
                               "fc3.weight", "fc3.bias", "fc4.weight", "fc4.bias"])
    }

    func testConfigIsDerivedFromShapes() throws {
        let config = CVAEConfig(pixels: 784, classes: 10, hidden: 64, latent: 8)
        let path = dir + "/l8.safetensors"
        try WeightsFile.save(CVAE(config: config, seed: 1), to: path, metadata: [:])
        XCTAssertEqual(try WeightsFile.load(path: path).config, config)

        let odd = CVAEConfig(pixels: 16, classes: 3, hidden: 5, latent: 2)
        try WeightsFile.save(CVAE(config: odd, seed: 2), to: path, metadata: [:])
        XCTAssertEqual(try WeightsFile.load(path: path).config, odd)
    }

    func testMetadataMergesWithGivenWinning() throws {
        let model = try CVAE(config: small, seed: 3).with(prior: nil, metadata: ["a": "model", "b": "model"])
        let path = dir + "/m.safetensors"
        try WeightsFile.save(model, to: path, metadata: ["b": "given", "c": "given"])
        XCTAssertEqual(try WeightsFile.load(path: path).metadata, ["a": "model", "b": "given", "c": "given"])
    }

    private func prior(for c: CVAEConfig, components k: Int) throws -> LatentPrior {
        let n = c.classes * k * c.latent
        return try LatentPrior(classes: c.classes, components: k, latent: c.latent,
                               weights: (0..<(c.classes * k)).map { Float($0 % k + 1) },
                               means: (0..<n).map { Float($0) * 0.1 - 1 },
                               logvars: (0..<n).map { -Float($0 % 5) * 0.2 })
    }

    func testPriorRoundTrips() throws {
        let p = try prior(for: small, components: 3)
        let model = try CVAE(config: small, seed: 4).with(prior: p)
        let path = dir + "/p.safetensors"
        try WeightsFile.save(model, to: path, metadata: [:])
        let loaded = try WeightsFile.load(path: path)
        XCTAssertEqual(loaded.prior, p)
        XCTAssertEqual(try SafeTensors.read(path: path).tensors["prior.means"]?.shape, [3, 3, 2])
    }

    // MARK: - Files built tensor by tensor

    private func write(_ tensors: [(name: String, tensor: Tensor)], _ name: String = "w.safetensors") throws -> String {
        let path = dir + "/" + name
        try SafeTensors.write(tensors, metadata: [:], to: path)
        return path
    }

    private func tensors(_ model: CVAE) -> [(name: String, tensor: Tensor)] { WeightsFile.tensors(of: model) }

    func testExtraTensorsAreIgnored() throws {
        let model = CVAE(config: small, seed: 5)
        let path = try write(tensors(model) + [("optimizer.step", Tensor(shape: [1], values: [10]))])
        XCTAssertEqual(try decodeSample(WeightsFile.load(path: path)), try decodeSample(model))
    }

    func testWrongShapeIsReported() throws {
        let config = CVAEConfig.mnist
        var list = tensors(CVAE(config: config, seed: 6))
        let i = try XCTUnwrap(list.firstIndex { $0.name == "fc3.weight" })
        list[i].tensor = Tensor(shape: [400, 31], values: Array(repeating: 0, count: 400 * 31))
        let path = try write(list)
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self,
                     mentions: ["tensor fc3.weight has shape [400, 31], expected [400, 30]", path]) {
            $0 == .wrongShape(path: path, name: "fc3.weight", shape: [400, 31], expected: [400, 30])
        }
    }

    func testMissingTensorIsReported() throws {
        let path = try write(tensors(CVAE(config: small, seed: 8)).filter { $0.name != "fc21.bias" })
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self,
                     mentions: ["weights file \(path) has no tensor fc21.bias"]) {
            $0 == .missingTensor(path: path, name: "fc21.bias")
        }
    }

    func testSizeTensorThatIsNotAMatrixIsReported() throws {
        var list = tensors(CVAE(config: small, seed: 8))
        let i = try XCTUnwrap(list.firstIndex { $0.name == "fc4.weight" })
        list[i].tensor = Tensor(shape: [80], values: list[i].tensor.values)
        let path = try write(list)
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self, mentions: ["fc4.weight", path]) {
            $0 == .notAMatrix(path: path, name: "fc4.weight", shape: [80])
        }
    }

    func testPartialPriorIsReported() throws {
        let model = try CVAE(config: small, seed: 9).with(prior: prior(for: small, components: 2))
        let path = try write(tensors(model).filter { $0.name != "prior.logvars" })
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self, mentions: ["prior.logvars", path]) {
            $0 == .missingTensor(path: path, name: "prior.logvars")
        }
    }

    func testPriorForOtherLatentSizeIsReported() throws {
        var list = tensors(try CVAE(config: small, seed: 9).with(prior: prior(for: small, components: 2)))
        let i = try XCTUnwrap(list.firstIndex { $0.name == "prior.means" })
        list[i].tensor = Tensor(shape: [3, 2, 1], values: Array(repeating: 0, count: 6))
        let path = try write(list)
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self, mentions: ["prior.means", path]) {
            $0 == .wrongShape(path: path, name: "prior.means", shape: [3, 2, 1], expected: [3, 2, 2])
        }
    }

    /// An F16 file (as `model.half()` would save) loads; an infinity in it is rejected by name.
    func testF16WeightsLoadAndInfinityIsRejected() throws {
        func f16File(infinityIn bad: String?) throws -> String {
            var header: [String] = []
            var data: [UInt8] = []
            for (name, shape) in small.tensorSpecs {
                let count = shape.reduce(1, *)
                var halves = [UInt16](repeating: 0x3800, count: count)        // 0.5
                if name == bad { halves[count - 1] = 0x7C00 }                  // +inf
                let shapeText = shape.map(String.init).joined(separator: ",")
                header.append(#""\#(name)":{"dtype":"F16","shape":[\#(shapeText)],"data_offsets":[\#(data.count),\#(data.count + 2 * count)]}"#)
                data += littleEndian16(halves)
            }
            let path = dir + "/half-\(bad ?? "ok").safetensors"
            try writeBytes(safetensorsBytes(header: "{" + header.joined(separator: ",") + "}", data: data), to: path)
            return path
        }
        let good = try WeightsFile.load(path: f16File(infinityIn: nil))
        XCTAssertEqual(good.config, small)
        XCTAssertEqual(good.parameters.values("fc3.bias"), Array(repeating: 0.5, count: 5))

        let path = try f16File(infinityIn: "fc22.weight")
        assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self,
                     mentions: ["fc22.weight", path, "NaN or infinity"]) {
            $0 == .nonFinite(path: path, name: "fc22.weight")
        }
    }

    func testContainerErrorsNameThePath() throws {
        let path = dir + "/garbage.safetensors"
        try writeBytes(Array("this is not a weights file".utf8), to: path)
        assertThrows(try WeightsFile.load(path: path), as: SafeTensorsError.self, mentions: [path]) { _ in true }
        let missing = dir + "/none.safetensors"
        assertThrows(try WeightsFile.load(path: missing), as: IOError.self, mentions: [missing]) { _ in true }
    }

    func testSaveRefusesNonFiniteParameters() throws {
        let model = CVAE(config: small, seed: 10)
        model.parameters.pointer("fc4.bias")[2] = .nan
        let path = dir + "/nan.safetensors"
        assertThrows(try WeightsFile.save(model, to: path, metadata: [:]), as: WeightsFileError.self,
                     mentions: ["fc4.bias", path]) {
            $0 == .nonFiniteParameter(path: path, name: "fc4.bias")
        }
        XCTAssertEqual(filesIn(dir), [])
    }

    /// The default sampling temperature comes from `__metadata__["default_temperature"]`; a
    /// file without it (the seed's PyTorch weights, older files) samples at 1.
    func testDefaultTemperatureComesFromTheMetadataElseOne() throws {
        let model = CVAE(config: small, seed: 3)
        let plain = dir + "/plain.safetensors"
        try WeightsFile.save(model, to: plain, metadata: ["epochs": "1"])
        let loaded = try WeightsFile.load(path: plain)
        XCTAssertNil(loaded.metadata["default_temperature"])
        XCTAssertEqual(loaded.defaultTemperature, 1)

        let chosen = dir + "/chosen.safetensors"
        try WeightsFile.save(model, to: chosen, metadata: ["default_temperature": "0.8"])
        XCTAssertEqual(try WeightsFile.load(path: chosen).defaultTemperature, 0.8)
        // It survives a copy with another prior and a save.
        let copy = try WeightsFile.load(path: chosen).with(prior: nil)
        XCTAssertEqual(copy.defaultTemperature, 0.8)

        for bad in ["warm", "-0.5", "nan", "inf", ""] {
            let path = dir + "/bad.safetensors"
            try WeightsFile.save(model, to: path, metadata: ["default_temperature": bad])
            assertThrows(try WeightsFile.load(path: path), as: WeightsFileError.self,
                         mentions: ["default_temperature", "\"\(bad)\"", "finite number >= 0"]) {
                if case .invalidModel(_, .invalidDefaultTemperature(bad)) = $0 { return true } else { return false }
            }
        }
    }
}
