import DigitCore
import Foundation
import XCTest

/// `digitgen train` and `digitgen eval` run as real command lines on a tiny IDX data set.
final class TrainCommandTests: XCTestCase {
    var dir: URL!
    var data: String!
    /// Small model options so a debug binary trains in a second or two.
    let small = ["--hidden", "16", "--latent", "4", "--threads", "1", "--batch-size", "50"]

    override func setUpWithError() throws {
        dir = try CLIRunner.tempDir()
        data = dir.appendingPathComponent("mnist").path
        try Self.writeIDX(to: data, train: 200, test: 50)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Raw (uncompressed) IDX files of random sparse 28x28 images.
    static func writeIDX(to directory: String, train: Int, test: Int, trainLabels: Int? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var rng = Xoshiro256(seed: 77)
        func be(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        func write(_ name: String, images n: Int, labels: Int) throws {
            var img = be(0x803) + be(n) + be(28) + be(28)
            for _ in 0..<(n * 784) { img.append(rng.nextDouble() < 0.2 ? UInt8(rng.nextInt(below: 256)) : 0) }
            var lab = be(0x801) + be(labels)
            for i in 0..<labels { lab.append(UInt8(i % 10)) }
            try Data(img).write(to: URL(fileURLWithPath: directory + "/\(name)-images-idx3-ubyte"))
            try Data(lab).write(to: URL(fileURLWithPath: directory + "/\(name)-labels-idx1-ubyte"))
        }
        try write("train", images: train, labels: trainLabels ?? train)
        if test > 0 { try write("t10k", images: test, labels: test) }
    }

    func assertFailsCleanly(_ args: [String], mentions text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let out = path("never.safetensors")
        let r = try CLIRunner.run(["train", "--data", data, "--out", out] + small + args)
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(text), "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never.checkpoint.safetensors")), file: file, line: line)
    }

    func testTrainWritesWeightsLogPlotAndCheckpoint() throws {
        let out = path("w.safetensors"), log = path("log.json"), plot = path("loss.png")
        let r = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--out", out, "--log", log, "--plot", plot] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("epoch   2/2"), r.stdout)
        XCTAssertTrue(r.stdout.contains("test -ELBO"), r.stdout)
        let model = try WeightsFile.load(path: out)
        XCTAssertEqual(model.config, CVAEConfig(pixels: 784, classes: 10, hidden: 16, latent: 4))
        XCTAssertTrue(model.metadata["command"]?.contains("--epochs 2") ?? false, "\(model.metadata)")
        XCTAssertEqual(model.metadata["epochs"], "2")
        XCTAssertNotNil(model.metadata["test_negative_elbo"])

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: log))) as? [String: Any]
        let epochs = json?["epochs"] as? [[String: Any]]
        XCTAssertEqual(epochs?.count, 2)
        for key in ["train_loss", "train_bce", "train_kl", "test_loss", "seconds"] {
            XCTAssertNotNil(epochs?.last?[key], "log lacks \(key)")
        }
        XCTAssertEqual((json?["recipe"] as? [String: Any])?["batch_size"] as? Int, 50)

        let png = try PNG.readGray(path: plot)
        XCTAssertEqual(png.width, 1260)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("w.checkpoint.safetensors")))
    }

    func testResumedRunMatchesUninterruptedRun() throws {
        let full = path("full.safetensors"), part = path("part.safetensors"), resumed = path("resumed.safetensors")
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--out", full] + small).status, 0)
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--epochs", "1", "--out", part] + small).status, 0)
        let r = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--resume", path("part.checkpoint.safetensors"),
                                   "--out", resumed] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try SafeTensors.read(path: full).tensors, b = try SafeTensors.read(path: resumed).tensors
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (name, t) in a { XCTAssertEqual(t, b[name], "\(name) differs") }
    }

    func testCtrlCWritesCheckpointAndExits130() throws {
        let out = path("w.safetensors"), ckpt = path("w.checkpoint.safetensors")
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = ["train", "--data", data, "--epochs", "100000", "--out", out] + small
        let stdout = Pipe()
        p.standardOutput = stdout
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the first epoch's checkpoint, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ckpt) && Date() < deadline && p.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(p.isRunning)
        p.interrupt()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130, text)
        XCTAssertTrue(text.contains("checkpoint written to \(ckpt)"), text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no weights file for an interrupted run")
        let file = try SafeTensors.read(path: ckpt)
        XCTAssertEqual(file.metadata["format"], Checkpoint.format)
        XCTAssertNotNil(file.tensors["adam.v.fc4.weight"])
        // And it resumes.
        let r = try CLIRunner.run(["train", "--data", data, "--epochs", file.metadata["epochs_done"].map { String(Int($0)! + 1) } ?? "2",
                                   "--resume", ckpt, "--out", out] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("resuming from"), r.stdout)
    }

    func testBadArgumentsFailCleanly() throws {
        try assertFailsCleanly(["--epochs", "0"], mentions: "--epochs")
        try assertFailsCleanly(["--batch-size", "0"], mentions: "--batch-size")
        try assertFailsCleanly(["--batch-size", "201"], mentions: "larger than the training set")
        try assertFailsCleanly(["--lr", "0"], mentions: "--lr")
        try assertFailsCleanly(["--lr", "nan"], mentions: "--lr")
        try assertFailsCleanly(["--lr", "inf"], mentions: "--lr")
        try assertFailsCleanly(["--lr", "-1"], mentions: "--lr")
        try assertFailsCleanly(["--epochs", "-1"], mentions: "--epochs")
        try assertFailsCleanly(["--epochs", "9223372036854775807"], mentions: "--epochs")
        try assertFailsCleanly(["--hidden", "99999999999"], mentions: "--hidden")
        try assertFailsCleanly(["--latent", "100000"], mentions: "--latent")
        try assertFailsCleanly(["--log", "."], mentions: "is a directory")
        try assertFailsCleanly(["--threads", "99999999999"], mentions: "--threads")
        try assertFailsCleanly(["--threads", "0"], mentions: "--threads")
        try assertFailsCleanly(["--plot", "./"], mentions: "is a directory")
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try assertFailsCleanly(["--plot", fifo], mentions: "is not a regular file")
        try assertFailsCleanly(["--resume", path("missing.safetensors")], mentions: "missing.safetensors")
        try assertFailsCleanly(["--weight-decay", "-0.1"], mentions: "--weight-decay")
        try assertFailsCleanly(["--weight-decay", "nan"], mentions: "--weight-decay")
        try assertFailsCleanly(["--weight-decay", "2000"], mentions: "--weight-decay")
        try assertFailsCleanly(["--augment-rotate", "90"], mentions: "--augment-rotate")
        try assertFailsCleanly(["--augment-shift", "9"], mentions: "--augment-shift")
    }

    func testBadDataFailsCleanly() throws {
        let empty = path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try assertFailsCleanly(["--data", empty], mentions: "train-images")
        let mismatched = path("mismatched")
        try Self.writeIDX(to: mismatched, train: 100, test: 0, trainLabels: 90)
        try assertFailsCleanly(["--data", mismatched], mentions: "90")
        let garbage = path("garbage")
        try Self.writeIDX(to: garbage, train: 100, test: 0)
        try Data("not an idx file".utf8).write(to: URL(fileURLWithPath: garbage + "/train-images-idx3-ubyte"))
        try assertFailsCleanly(["--data", garbage], mentions: "train-images")
    }

    /// `--init W --train-only encoder`: fc3 and fc4 come out bit for bit as in W, and so do its
    /// prior and metadata (but for the eval_* figures of the old encoder); the run is recorded
    /// under encoder_finetune_* keys. Resuming gives the same file as an uninterrupted run.
    func testEncoderFineTuneKeepsDecoderPriorAndMetadata() throws {
        let base = path("base.safetensors"), start = path("start.safetensors")
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--epochs", "1", "--out", base] + small).status, 0)
        // Give the start file a prior and metadata, as the shipped weights have.
        let trained = try WeightsFile.load(path: base)
        let prior = try LatentPrior(classes: 10, components: 2, latent: 4,
                                    weights: [Float](repeating: 0.5, count: 20),
                                    means: (0..<80).map { Float($0 % 7) * 0.1 }, logvars: [Float](repeating: -1, count: 80))
        var meta = trained.metadata
        meta["default_temperature"] = "0.85"
        meta["eval_negative_elbo"] = "123.4"
        meta["note"] = "kept"
        try WeightsFile.save(try trained.with(prior: prior, metadata: meta), to: start, metadata: [:])

        let tuned = path("tuned.safetensors")
        let args = ["--init", start, "--train-only", "encoder", "--epochs", "2", "--lr", "0.003", "--seed", "3"]
        let r = try CLIRunner.run(["train", "--data", data, "--out", tuned] + small + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("training only the encoder (fc1.weight, fc1.bias, fc21.weight"), r.stdout)
        let a = try SafeTensors.read(path: start), b = try SafeTensors.read(path: tuned)
        XCTAssertEqual(Set(a.tensors.keys), Set(b.tensors.keys))
        for name in ["fc3.weight", "fc3.bias", "fc4.weight", "fc4.bias", "prior.weights", "prior.means", "prior.logvars"] {
            XCTAssertEqual(a.tensors[name]?.values.map(\.bitPattern), b.tensors[name]?.values.map(\.bitPattern), "\(name) changed")
        }
        for name in ["fc1.weight", "fc21.bias", "fc22.weight"] { XCTAssertNotEqual(a.tensors[name], b.tensors[name], name) }
        XCTAssertEqual(b.metadata["default_temperature"], "0.85")
        XCTAssertEqual(b.metadata["note"], "kept")
        XCTAssertEqual(b.metadata["command"], a.metadata["command"], "the decoder's training command stays")
        XCTAssertNil(b.metadata["eval_negative_elbo"], "the old encoder's figure is dropped")
        XCTAssertEqual(b.metadata["encoder_finetune_trained_parameters"], "encoder")
        XCTAssertEqual(b.metadata["encoder_finetune_epochs"], "2")
        XCTAssertEqual(b.metadata["encoder_finetune_init_weights"], start)
        XCTAssertTrue(b.metadata["encoder_finetune_command"]?.contains("--train-only encoder") ?? false, "\(b.metadata)")

        // Stopped after one epoch and resumed: the same file, prior and metadata included (but for the command).
        let part = path("part.safetensors"), resumed = path("resumed.safetensors")
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--out", part] + small
                                         + args.map { $0 == "2" ? "1" : $0 }).status, 0)
        let rr = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--resume", path("part.checkpoint.safetensors"),
                                    "--out", resumed])
        XCTAssertEqual(rr.status, 0, rr.stderr)
        let c = try SafeTensors.read(path: resumed)
        XCTAssertEqual(Set(b.tensors.keys), Set(c.tensors.keys))
        for (name, t) in b.tensors { XCTAssertEqual(t.values.map(\.bitPattern), c.tensors[name]?.values.map(\.bitPattern), "\(name) differs") }
        XCTAssertEqual(c.metadata["default_temperature"], "0.85")
        XCTAssertEqual(c.metadata["encoder_finetune_init_weights"], start)

        // The init file no longer holds the decoder: the resumed run warns and writes the weights alone.
        try WeightsFile.save(CVAE(config: trained.config, seed: 8), to: start, metadata: [:])
        let lone = path("lone.safetensors")
        let rw = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--resume", path("part.checkpoint.safetensors"),
                                    "--out", lone])
        XCTAssertEqual(rw.status, 0, rw.stderr)
        XCTAssertTrue(rw.stderr.contains("no longer holds this fine-tune's decoder"), rw.stderr)
        let d = try SafeTensors.read(path: lone)
        XCTAssertNil(d.tensors["prior.means"])
        XCTAssertEqual(d.tensors["fc4.weight"], b.tensors["fc4.weight"])
        XCTAssertEqual(d.tensors["fc1.weight"], b.tensors["fc1.weight"])
    }

    func testInitAndTrainOnlyArgumentsAreChecked() throws {
        let start = path("start.safetensors")
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--epochs", "1", "--out", start] + small).status, 0)
        try assertFailsCleanly(["--train-only", "encoder"], mentions: "--train-only encoder needs --init")
        try assertFailsCleanly(["--train-only", "decoder", "--init", start], mentions: "--train-only")
        try assertFailsCleanly(["--init", start, "--resume", path("start.checkpoint.safetensors")], mentions: "--init and --resume cannot be combined")
        try assertFailsCleanly(["--train-only", "all", "--resume", path("start.checkpoint.safetensors")],
                               mentions: "cannot be given with --resume")
        try assertFailsCleanly(["--init", path("missing.safetensors")], mentions: "missing.safetensors")
        try assertFailsCleanly(["--init", data + "/train-labels-idx1-ubyte"], mentions: "train-labels-idx1-ubyte")
        let r = try CLIRunner.run(["train", "--data", data, "--out", path("never.safetensors"), "--init", start,
                                   "--hidden", "17", "--latent", "4", "--threads", "1", "--batch-size", "50"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--hidden 17 does not match --init"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never.safetensors")))
        // --init with the full recipe: every tensor trains, starting from the file (sizes from it).
        let all = path("all.safetensors")
        let ok = try CLIRunner.run(["train", "--data", data, "--init", start, "--epochs", "1", "--threads", "1",
                                    "--batch-size", "50", "--out", all])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let a = try SafeTensors.read(path: start), b = try SafeTensors.read(path: all)
        XCTAssertEqual(b.tensors["fc4.weight"]?.shape, [784, 16])
        XCTAssertNotEqual(a.tensors["fc4.weight"], b.tensors["fc4.weight"])
        XCTAssertEqual(b.metadata["trained_parameters"], "all")
        XCTAssertEqual(b.metadata["init_weights"], start)
    }

    func testDivergingRunStopsWithEpochAndBatch() throws {
        let out = path("w.safetensors")
        let r = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--lr", "1e30", "--out", out] + small)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("NaN or infinite in epoch 1, batch"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testWarmupAndCosineOptionsAreRecorded() throws {
        let out = path("w.safetensors")
        let r = try CLIRunner.run(["train", "--data", data, "--epochs", "2", "--kl-warmup", "1.5", "--lr-decay", "cosine",
                                   "--out", out] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("KL warm-up 1.5 epochs, lr decay cosine"), r.stdout)
        let meta = try SafeTensors.read(path: out).metadata
        XCTAssertEqual(meta["kl_warmup_epochs"], "1.5")
        XCTAssertEqual(meta["lr_decay"], "cosine")
        let bad = try CLIRunner.run(["train", "--data", data, "--lr-decay", "step", "--out", out] + small)
        XCTAssertNotEqual(bad.status, 0)
    }

    func testUnwritableOutputFailsBeforeTraining() throws {
        let r = try CLIRunner.run(["train", "--data", data, "--out", "/nonexistent-dir/w.safetensors"] + small)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("/nonexistent-dir"), r.stderr)
        XCTAssertFalse(r.stdout.contains("epoch"), r.stdout)
    }

    func testEvalPrintsELBOAndIWAE() throws {
        let out = path("w.safetensors")
        XCTAssertEqual(try CLIRunner.run(["train", "--data", data, "--epochs", "1", "--out", out] + small).status, 0)
        let r = try CLIRunner.run(["eval", "--weights", out, "--data", data, "--iwae", "4", "--draws", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let elbo = try XCTUnwrap(json?["negative_elbo"] as? Double)
        let bce = try XCTUnwrap(json?["bce"] as? Double), kl = try XCTUnwrap(json?["kl"] as? Double)
        let iwae = try XCTUnwrap(json?["iwae_bound"] as? Double)
        XCTAssertEqual(json?["images"] as? Int, 50)
        XCTAssertEqual(elbo, bce + kl, accuracy: 1e-6 * elbo)
        XCTAssertGreaterThan(kl, 0)
        // The 4-sample bound is tighter than the ELBO (up to noise).
        XCTAssertLessThan(iwae, elbo + 1)
        let table = try CLIRunner.run(["eval", "--weights", out, "--data", data])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("-ELBO"), table.stdout)

        let bad = try CLIRunner.run(["eval", "--weights", out, "--data", data, "--iwae", "0"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--iwae"), bad.stderr)
        let noTest = path("notest")
        try Self.writeIDX(to: noTest, train: 10, test: 0)
        let missing = try CLIRunner.run(["eval", "--weights", out, "--data", noTest])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
    }

    /// A model whose KL overflows still gives valid JSON (non-finite values as strings).
    func testEvalJSONStaysValidForADegenerateModel() throws {
        let model = CVAE(config: CVAEConfig(pixels: 784, classes: 10, hidden: 16, latent: 4), seed: 2)
        model.parameters.set("fc22.bias", [Float](repeating: 100, count: 4))
        let weights = path("inf.safetensors")
        try WeightsFile.save(model, to: weights, metadata: [:])
        let r = try CLIRunner.run(["eval", "--weights", weights, "--data", data, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["kl"] as? String, "inf", r.stdout)
        XCTAssertEqual(json?["negative_elbo"] as? String, "inf", r.stdout)
    }
}
