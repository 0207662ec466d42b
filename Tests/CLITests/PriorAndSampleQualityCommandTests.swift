import DigitCore
import Foundation
import XCTest

/// `digitgen fit-prior`, `digitgen eval --samples` and `digitgen generate --prior/--temperature`,
/// run as real command lines on a tiny synthetic MNIST-shaped data set (no download needed).
final class PriorAndSampleQualityCommandTests: XCTestCase {
    var dir: URL!
    var weights = ""
    var classifier = ""
    var data = ""

    override func setUpWithError() throws {
        dir = try CLIRunner.tempDir()
        weights = path("model.safetensors")
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: weights, metadata: ["note": "kept"])
        classifier = path("classifier.safetensors")
        try ClassifierFile.save(Classifier(config: ClassifierConfig(inputs: 784, hidden: [8], classes: 10), seed: 3),
                                to: classifier, metadata: [:])
        data = path("mnist")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try writeIDX(count: 40, seed: 1, images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte")
        try writeIDX(count: 30, seed: 2, images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Raw IDX files of `count` random 28 x 28 images labelled 0, 1, ..., 9, 0, ...
    private func writeIDX(count: Int, seed: UInt64, images: String, labels: String) throws {
        func be32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * (3 - $0))) } }
        var rng = Xoshiro256(seed: seed)
        let pixels = (0..<count * 784).map { _ in UInt8(rng.nextInt(below: 256)) }
        try Data(be32(0x803) + be32(count) + be32(28) + be32(28) + pixels).write(to: URL(fileURLWithPath: data + "/" + images))
        try Data(be32(0x801) + be32(count) + (0..<count).map { UInt8($0 % 10) }).write(to: URL(fileURLWithPath: data + "/" + labels))
    }

    private func pngBytes(_ args: [String]) throws -> Data {
        let out = path("g\(UUID().uuidString).png")
        let r = try CLIRunner.run(["generate", "--digit", "3", "--count", "4", "--seed", "11", "--out", out] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    func testFitPriorWritesTheSameWeightsWithAPrior() throws {
        let out = path("fitted.safetensors")
        let r = try CLIRunner.run(["fit-prior", "--weights", weights, "--data", data, "--out", out,
                                   "--components", "2", "--seed", "4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("fitted 2 components per digit on 40 images"), r.stdout)
        let original = try WeightsFile.load(path: weights)
        let fitted = try WeightsFile.load(path: out)
        let prior = try XCTUnwrap(fitted.prior)
        XCTAssertEqual([prior.classes, prior.components, prior.latent], [10, 2, 20])
        XCTAssertEqual(WeightsFile.tensors(of: fitted).prefix(10).map(\.tensor), WeightsFile.tensors(of: original).map(\.tensor))
        XCTAssertEqual(fitted.metadata["prior_components"], "2")
        XCTAssertEqual(fitted.metadata["prior_seed"], "4")
        XCTAssertEqual(fitted.metadata["note"], "kept")
        XCTAssertTrue(fitted.metadata["prior_command"]?.contains("fit-prior") ?? false)
        // The same seed gives the same prior.
        let again = path("again.safetensors")
        XCTAssertEqual(try CLIRunner.run(["fit-prior", "--weights", weights, "--data", data, "--out", again,
                                          "--components", "2", "--seed", "4"]).status, 0)
        XCTAssertEqual(try WeightsFile.load(path: again).prior, prior)
        // Refitting drops the sample-quality figures measured with the previous prior, keeps the rest.
        let measured = path("measured.safetensors")
        try WeightsFile.save(fitted, to: measured, metadata: ["quality_accuracy": "0.5", "eval_negative_elbo": "99"])
        let refit = path("refit.safetensors")
        XCTAssertEqual(try CLIRunner.run(["fit-prior", "--weights", measured, "--data", data, "--out", refit,
                                          "--components", "1"]).status, 0)
        let refitMeta = try WeightsFile.load(path: refit).metadata
        XCTAssertNil(refitMeta["quality_accuracy"])
        XCTAssertEqual(refitMeta["eval_negative_elbo"], "99")
        XCTAssertEqual(refitMeta["prior_components"], "1")

        // generate: the fitted prior by default, N(0, I) with --prior standard.
        XCTAssertNotEqual(try pngBytes(["--weights", out]), try pngBytes(["--weights", out, "--prior", "standard"]))
        XCTAssertEqual(try pngBytes(["--weights", out, "--prior", "standard"]), try pngBytes(["--weights", weights]))
        XCTAssertNotEqual(try pngBytes(["--weights", out]), try pngBytes(["--weights", out, "--temperature", "0.5"]))
    }

    func testFitPriorPosteriorsMethodStoresTrainingPosteriors() throws {
        let out = path("posteriors.safetensors")
        let r = try CLIRunner.run(["fit-prior", "--method", "posteriors", "--weights", weights, "--data", data,
                                   "--out", out, "--components", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let fitted = try WeightsFile.load(path: out)
        let prior = try XCTUnwrap(fitted.prior)
        XCTAssertEqual(prior.components, 3)
        XCTAssertEqual(prior.weights, [Float](repeating: 1.0 / 3.0, count: 30))
        XCTAssertEqual(fitted.metadata["prior_method"], "posteriors")
        XCTAssertNil(fitted.metadata["prior_iterations"])
        let tooMany = try CLIRunner.run(["fit-prior", "--method", "posteriors", "--weights", weights, "--data", data,
                                         "--out", path("x.safetensors"), "--components", "5001"])
        XCTAssertNotEqual(tooMany.status, 0)
        XCTAssertTrue(tooMany.stderr.contains("1...5000"), tooMany.stderr)
    }

    func testGenerateWithoutPriorIsTheSameForBothChoices() throws {
        XCTAssertEqual(try pngBytes(["--weights", weights]), try pngBytes(["--weights", weights, "--prior", "standard"]))
        XCTAssertNotEqual(try pngBytes(["--weights", weights]), try pngBytes(["--weights", weights, "--temperature", "0.5"]))
    }

    func testFitPriorBadInputsFailCleanly() throws {
        let cases: [(args: [String], mentions: String)] = [
            (["--components", "0"], "--components"),
            (["--components", "5"], "fewer than 5 components"),   // 4 images per digit
            (["--components", "5"], "use --components 4 or fewer"),
            (["--method", "posteriors", "--components", "5"], "digit 0 has 4 training images"),
            (["--data", path("nowhere")], "nowhere"),
        ]
        for (i, c) in cases.enumerated() {
            let out = path("bad\(i).safetensors")
            var args = ["fit-prior", "--weights", weights, "--out", out] + c.args
            if !c.args.contains("--data") { args += ["--data", data] }
            let r = try CLIRunner.run(args)
            XCTAssertNotEqual(r.status, 0, "\(c.args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(c.mentions), "\(c.args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }

    func testEvalSamplesReportsAccuracyAndDiversityPerDigit() throws {
        let r = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--samples", "20",
                                   "--classifier", classifier, "--draws", "1", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let q = try XCTUnwrap(json["sample_quality"] as? [String: Any])
        XCTAssertEqual(q["samples_per_digit"] as? Int, 20)
        XCTAssertEqual(q["prior"] as? String, "standard")
        let digits = try XCTUnwrap(q["per_digit"] as? [[String: Any]])
        XCTAssertEqual(digits.count, 10)
        var correct = 0
        for (d, entry) in digits.enumerated() {
            XCTAssertEqual(entry["digit"] as? Int, d)
            let predicted = try XCTUnwrap(entry["predicted"] as? [Int])
            XCTAssertEqual(predicted.reduce(0, +), 20)
            XCTAssertEqual(try XCTUnwrap(entry["accuracy"] as? Double), Double(predicted[d]) / 20, accuracy: 1e-9)
            XCTAssertGreaterThan(try XCTUnwrap(entry["diversity"] as? Double), 0)
            XCTAssertGreaterThan(try XCTUnwrap(entry["negative_elbo"] as? Double), 0)   // 3 test images per digit
            correct += predicted[d]
        }
        XCTAssertEqual(try XCTUnwrap(q["accuracy"] as? Double), Double(correct) / 200, accuracy: 1e-9)

        // The table: one row per digit and an overall row; temperature 0 means no diversity.
        let t = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--samples", "5",
                                   "--classifier", classifier, "--draws", "1", "--temperature", "0"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.contains("digit  accuracy  diversity"), t.stdout)
        XCTAssertTrue(t.stdout.contains("-ELBO"), t.stdout)
        XCTAssertTrue(t.stdout.contains("    9  "), t.stdout)
        XCTAssertTrue(t.stdout.contains("  all  "), t.stdout)
        XCTAssertTrue(t.stdout.contains("    0.000"), t.stdout)
    }

    /// `eval --samples --record` stores the figures, per digit too, and the command in the weights' metadata.
    func testEvalRecordStoresSampleQualityInTheWeights() throws {
        let r = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--samples", "10",
                                   "--classifier", classifier, "--draws", "1", "--record"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let meta = try WeightsFile.load(path: weights).metadata
        XCTAssertEqual(meta["note"], "kept")
        XCTAssertEqual(meta["quality_samples_per_digit"], "10")
        XCTAssertEqual(meta["quality_prior"], "standard")   // this file has no fitted prior
        XCTAssertNotNil(meta["quality_accuracy"].flatMap(Double.init))
        XCTAssertEqual(meta["quality_per_digit"]?.split(separator: " ").count, 10)
        let elbo = try XCTUnwrap(meta["eval_negative_elbo_per_digit"]).split(separator: " ")
        XCTAssertEqual(elbo.count, 10)
        XCTAssertTrue(elbo[3].hasPrefix("3:"), "\(elbo)")
        XCTAssertTrue(meta["eval_command"]?.contains("--samples 10") ?? false, meta["eval_command"] ?? "")
    }

    func testEvalSamplesBadInputsFailCleanly() throws {
        for (args, mentions) in [(["--samples", "0"], "--samples"),
                                 (["--samples", "5", "--classifier", weights], "not a digitgen classifier"),
                                 (["--samples", "5", "--classifier", weights], "CVAE weights, which go to --weights"),
                                 (["--samples", "5", "--temperature", "-1"], "temperature")] {
            let r = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--draws", "1"]
                                      + (args.contains("--classifier") ? args : args + ["--classifier", classifier]))
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(mentions), "\(args): \(r.stderr)")
        }
    }

    func testClassifierTrainAndEvalOnTinyData() throws {
        let out = path("c.safetensors")
        let r = try CLIRunner.run(["classifier", "train", "--data", data, "--out", out, "--epochs", "2", "--arch", "mlp",
                                   "--batch-size", "8", "--hidden", "16", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("epoch   2"), r.stdout)
        let c = try ClassifierFile.load(path: out)
        XCTAssertEqual(c.config, ClassifierConfig(inputs: 784, hidden: [16], classes: 10))
        XCTAssertEqual(c.metadata["epochs"], "2")
        let e = try CLIRunner.run(["classifier", "eval", "--data", data, "--classifier", out, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["images"] as? Int, 30)
        XCTAssertEqual((json["per_digit"] as? [Any])?.count, 10)
        let bad = try CLIRunner.run(["classifier", "train", "--data", data, "--out", path("x.safetensors"), "--hidden", "8,a"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--hidden"), bad.stderr)
    }

    /// `eval --temperatures` judges the samples at every temperature with the same seeds, picks
    /// the highest that meets the targets, and `--record` stores it as the default temperature,
    /// which `generate` and `eval` then use when no --temperature is given.
    func testTemperatureSweepChoosesRecordsAndIsUsedByDefault() throws {
        let base = ["eval", "--weights", weights, "--data", data, "--samples", "10", "--classifier", classifier, "--draws", "1"]
        let loose = ["--target-accuracy", "0", "--target-worst", "0", "--target-diversity", "0"]
        let plot = path("sweep.png")
        let j = try CLIRunner.run(base + ["--temperatures", "1,0.5,0.8", "--json", "--plot", plot] + loose)
        XCTAssertEqual(j.status, 0, j.stderr)
        let png = try Data(contentsOf: URL(fileURLWithPath: plot))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let sweep = try XCTUnwrap(json["temperature_sweep"] as? [String: Any])
        let rows = try XCTUnwrap(sweep["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["temperature"] as? Double }, [0.5, 0.8, 1.0])
        XCTAssertEqual(sweep["chosen_temperature"] as? Double, 1.0)
        for row in rows {
            XCTAssertEqual(row["meets_targets"] as? Bool, true)
            XCTAssertNotNil(row["worst_digit"] as? Int)
            XCTAssertGreaterThan(try XCTUnwrap(row["mean_diversity"] as? Double), 0)
        }
        // The detailed figures are those of the chosen temperature.
        XCTAssertEqual((json["sample_quality"] as? [String: Any])?["temperature"] as? Double, 1.0)

        // Targets no temperature meets: the table says so, and --record refuses and writes nothing.
        let before = try Data(contentsOf: URL(fileURLWithPath: weights))
        let refused = try CLIRunner.run(base + ["--temperatures", "0.5,0.8", "--record", "--target-accuracy", "0",
                                                "--target-worst", "0", "--target-diversity", "5"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stdout.contains("temperature sweep"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("no (diversity)"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("no temperature of the sweep meets the targets"), refused.stdout)
        XCTAssertTrue(refused.stderr.contains("no temperature of the sweep meets the targets"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: weights)), before)

        // Recorded: the highest temperature meeting the targets, the sweep, and the figures at it.
        let withoutDefault = try pngBytes(["--weights", weights])
        XCTAssertEqual(withoutDefault, try pngBytes(["--weights", weights, "--temperature", "1"]))
        let rec = try CLIRunner.run(base + ["--temperatures", "0.5,0.8", "--record"] + loose)
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let model = try WeightsFile.load(path: weights)
        XCTAssertEqual(model.metadata["default_temperature"], "0.8")
        XCTAssertEqual(model.defaultTemperature, 0.8)
        XCTAssertEqual(model.metadata["quality_temperature"], "0.8")
        XCTAssertEqual(model.metadata["sweep_results"]?.split(separator: " ").count, 2)
        XCTAssertTrue(model.metadata["sweep_results"]?.hasPrefix("0.5:") ?? false, model.metadata["sweep_results"] ?? "")
        XCTAssertEqual(model.metadata["note"], "kept")

        // generate and eval now sample at 0.8 by default.
        let atDefault = try pngBytes(["--weights", weights])
        XCTAssertEqual(atDefault, try pngBytes(["--weights", weights, "--temperature", "0.8"]))
        XCTAssertNotEqual(atDefault, withoutDefault)
        let e = try CLIRunner.run(base)
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.contains("temperature 0.80"), e.stdout)

        // A refit prior drops the default chosen for the old one.
        let refit = path("refit.safetensors")
        let f = try CLIRunner.run(["fit-prior", "--weights", weights, "--data", data, "--out", refit, "--components", "2"])
        XCTAssertEqual(f.status, 0, f.stderr)
        XCTAssertNil(try WeightsFile.load(path: refit).metadata["default_temperature"])
        XCTAssertEqual(try WeightsFile.load(path: refit).defaultTemperature, 1)

        // Bad sweeps are rejected before any work.
        for (args, mentions) in [(["--temperatures", "0.5,x"], "--temperatures"),
                                 (["--temperatures", "0.5", "--temperature", "1"], "either --temperature or --temperatures"),
                                 (["--temperatures", "-1"], "--temperatures")] {
            let bad = try CLIRunner.run(base + args)
            XCTAssertNotEqual(bad.status, 0, "\(args)")
            XCTAssertTrue(bad.stderr.contains(mentions), "\(args): \(bad.stderr)")
        }
        let noSweep = try CLIRunner.run(base + ["--plot", path("p.png")])
        XCTAssertNotEqual(noSweep.status, 0)
        XCTAssertTrue(noSweep.stderr.contains("--plot needs --temperatures"), noSweep.stderr)
        let noSamples = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--temperatures", "0.5"])
        XCTAssertNotEqual(noSamples.status, 0)
        XCTAssertTrue(noSamples.stderr.contains("--temperatures needs --samples"), noSamples.stderr)
    }

    func testClassifierTrainCNNOnTinyData() throws {
        let out = path("cnn.safetensors")
        let r = try CLIRunner.run(["classifier", "train", "--data", data, "--out", out, "--epochs", "1",
                                   "--batch-size", "8", "--channels", "2,3", "--hidden", "4", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("training cnn-relu 28x28-c2-c3-4-10"), r.stdout)
        let c = try ClassifierFile.load(path: out)
        XCTAssertEqual(c.config, ClassifierConfig(inputs: 784, hidden: [4], classes: 10, channels: [2, 3]))
        XCTAssertTrue(c.metadata["augmentation"]?.contains("rotation up to 12.0 degrees") ?? false, c.metadata["augmentation"] ?? "")
        let e = try CLIRunner.run(["classifier", "eval", "--data", data, "--classifier", out])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.contains("cnn-relu 28x28-c2-c3-4-10"), e.stdout)
        let bad = try CLIRunner.run(["classifier", "train", "--data", data, "--out", path("x.safetensors"), "--arch", "mlp",
                                     "--channels", "4"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--channels needs --arch cnn"), bad.stderr)
    }
}
