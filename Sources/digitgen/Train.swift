import ArgumentParser
import DigitCore
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the conditional VAE on MNIST.",
        discussion: """
            The defaults are the seed's recipe: BCE summed over pixels + KL, Adam (lr 1e-3, \
            betas 0.9/0.999, eps 1e-8), batch 128, reshuffled each epoch, 10 epochs. Losses are \
            nats per image. After every epoch a checkpoint (weights, Adam state, epoch, PRNG \
            state) is written; Ctrl-C stops after the current batch, writes it and exits with \
            status 130. --resume continues bit for bit; the recipe then comes from the \
            checkpoint and only --epochs may change it.
            """)

    @Option(name: .long, help: ArgumentHelp("Directory with the four MNIST IDX files (.gz or raw).", valueName: "dir"))
    var data: String = "data/mnist"

    @Option(name: .long, parsing: .unconditional, help: "Passes over the training set (default 10).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per Adam step.")
    var batchSize: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Adam learning rate.")
    var lr: Double = 1e-3

    @Option(name: .long, parsing: .unconditional, help: "Seed for initialisation, shuffling and noise.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Threads for the matrix products (results are reproducible for a given count; the default is the number of cores).")
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, maxThreads)

    @Option(name: .long, parsing: .unconditional, help: "Latent dimensions (1-\(Train.maxLatent)).")
    var latent: Int = 20

    @Option(name: .long, parsing: .unconditional, help: "Hidden units of encoder and decoder (1-\(Train.maxHidden)).")
    var hidden: Int = 400

    static let maxLatent = TrainingRecipe.maxLatent, maxHidden = TrainingRecipe.maxHidden

    @Option(name: .customLong("kl-warmup"), parsing: .unconditional, help: ArgumentHelp(
        "Epochs over which the KL weight rises linearly from 0 to 1 (0: always 1, as the seed).", valueName: "epochs"))
    var klWarmup: Double = 0

    @Option(name: .customLong("lr-decay"), help: "Learning-rate schedule: none (the seed's) or cosine (to 0 at the last step).")
    var lrDecay: TrainingRecipe.LearningRateDecay = .none

    @Option(name: .long, help: ArgumentHelp("Trained weights to write (safetensors, PyTorch layout).", valueName: "file.safetensors"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Checkpoint written after every epoch (default: <out>.checkpoint.safetensors).", valueName: "file"))
    var checkpoint: String?

    @Option(name: .long, help: ArgumentHelp("Continue from this checkpoint.", valueName: "file"))
    var resume: String?

    @Option(name: .long, help: ArgumentHelp("Write the recipe and per-epoch losses as JSON.", valueName: "file.json"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp("Draw the loss curves (train and test; -ELBO, BCE, KL) as a PNG.", valueName: "file.png"))
    var plot: String?

    var checkpointPath: String {
        if let checkpoint { return checkpoint }
        let base = out.hasSuffix(".safetensors") ? String(out.dropLast(".safetensors".count)) : out
        return base + ".checkpoint.safetensors"
    }

    var recipe: TrainingRecipe {
        TrainingRecipe(epochs: epochs ?? 10, batchSize: batchSize, learningRate: lr, seed: seed, threads: threads,
                       hidden: hidden, latent: latent, klWarmupEpochs: klWarmup, learningRateDecay: lrDecay)
    }

    func validate() throws {
        if let epochs, !(1...TrainingRecipe.maxEpochs).contains(epochs) {
            throw ValidationError("--epochs must be in 1-\(TrainingRecipe.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be a finite number > 0, got \(lr)") }
        try checkThreads(threads)
        guard (1...Train.maxLatent).contains(latent) else {
            throw ValidationError("--latent must be in 1-\(Train.maxLatent), got \(latent)")
        }
        guard (1...Train.maxHidden).contains(hidden) else {
            throw ValidationError("--hidden must be in 1-\(Train.maxHidden), got \(hidden)")
        }
        guard klWarmup.isFinite, klWarmup >= 0 else { throw ValidationError("--kl-warmup must be a number of epochs >= 0") }
        let outputs = [("--out", out), ("--checkpoint", checkpointPath)] + [("--log", log), ("--plot", plot)].compactMap { o, p in p.map { (o, $0) } }
        var seen = Set<String>()
        for (option, path) in outputs {
            guard seen.insert(path).inserted else { throw ValidationError("\(option) \(path) is also used for another output") }
        }
    }

    func run() throws {
        for (option, path) in [("--out", out), ("--checkpoint", checkpointPath)] + [("--log", log), ("--plot", plot)].compactMap({ o, p in p.map { (o, $0) } }) {
            try checkWritable(path, option: option)
        }
        let (train, test) = try TrainingData.load(directory: data, requireTest: false)
        let trainer: Trainer
        if let resume {
            trainer = try Checkpoint.restore(path: resume, data: train, test: test, epochs: epochs)
            print("resuming from \(resume): \(trainer.epochsDone) epoch(s) and \(trainer.batchesDone) batch(es) done, recipe from the checkpoint")
        } else {
            trainer = try Trainer(recipe: recipe, data: train, test: test)
        }
        let r = trainer.recipe
        print("training on \(train.count) images\(test.map { ", testing on \($0.count)" } ?? " (no test files)") from \(data)")
        print("recipe: \(r.epochs) epochs, batch \(r.batchSize), Adam lr \(r.learningRate), seed \(r.seed), latent \(r.latent), hidden \(r.hidden), \(r.threads) thread(s)"
              + (r.klWarmupEpochs > 0 ? ", KL warm-up \(r.klWarmupEpochs) epochs" : "")
              + (r.learningRateDecay != .none ? ", lr decay \(r.learningRateDecay.rawValue)" : ""))

        let command = commandLineString
        let display = ProgressDisplay()
        let interrupt = InterruptHandler()
        let checkpointMeta = ["command": command]
        var reportError: Error? = nil
        func writeReports(finished: Bool) throws {
            if let log {
                try TrainingLog(command: command, data: data, recipe: r, trainImages: train.count, testImages: test?.count,
                                epochs: trainer.history, totalSeconds: trainer.history.reduce(0) { $0 + $1.seconds + ($1.testSeconds ?? 0) },
                                finished: finished).write(to: log)
            }
            if let plot, !trainer.history.isEmpty { try LossPlot.draw(trainer.history, to: plot) }
        }
        let outcome = try trainer.run(
            checkpointPath: checkpointPath, checkpointMetadata: checkpointMeta, stop: interrupt.flag,
            progress: { display.update($0) },
            epochEnded: { record in
                display.clear()
                var line = String(format: "epoch %3d/%d  train loss %8.3f (BCE %7.3f, KL %6.3f)",
                                  record.epoch, r.epochs, record.trainLoss, record.trainBCE, record.trainKL)
                if let t = record.testLoss { line += String(format: "  test -ELBO %8.3f", t) }
                line += String(format: "  %.2f s", record.seconds)
                print(line)
                fflush(nil)
                // Keep the log and plot current, so a stopped or failed run still has them.
                do { try writeReports(finished: false) } catch {
                    if reportError == nil { reportError = error }
                    interrupt.flag.request()
                }
            })
        display.clear()
        if let reportError { throw reportError }
        try writeReports(finished: outcome == .finished)
        if case .interrupted(let epoch, let batch) = outcome {
            print("interrupted in epoch \(epoch) after batch \(batch); checkpoint written to \(checkpointPath)")
            print("continue with: digitgen train --data \(data) --resume \(checkpointPath) --out \(out)")
            throw ExitCode(130)
        }

        let seconds = trainer.history.reduce(0) { $0 + $1.seconds }
        var meta = r.metadata
        meta["command"] = command
        meta["training_seconds"] = String(format: "%.1f", seconds)
        meta["train_images"] = String(train.count)
        if let last = trainer.history.last {
            meta["train_loss"] = String(format: "%.4f", last.trainLoss)
            if let t = last.testLoss { meta["test_negative_elbo"] = String(format: "%.4f", t) }
        }
        meta["created_by"] = "digitgen train"
        try WeightsFile.save(trainer.model.with(prior: nil, metadata: meta), to: out, metadata: meta)
        print(String(format: "wrote %@ (%.1f s of training); checkpoint %@", out, seconds, checkpointPath))
        if let log { print("log: \(log)") }
        if let plot { print("plot: \(plot)") }
    }
}

extension TrainingRecipe.LearningRateDecay: ExpressibleByArgument {}
