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
            checkpoint and only --epochs may change it. --init starts from trained weights instead \
            of a random initialisation (fresh Adam state); with --train-only encoder only fc1, fc21 \
            and fc22 are updated and the decoder (fc3, fc4) stays bit for bit as in the --init \
            file, so every generated image stays the same: the output then keeps that file's \
            prior, directions and metadata (but for its eval_* figures, which measured the old \
            encoder) and records this run under encoder_finetune_* keys.
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

    @Option(name: .long, parsing: .unconditional, help: "Latent dimensions (1-\(Train.maxLatent); default 20, or --init's).")
    var latent: Int?

    @Option(name: .long, parsing: .unconditional, help: "Hidden units of encoder and decoder (1-\(Train.maxHidden); default 400, or --init's).")
    var hidden: Int?

    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Start from these weights (a CVAE safetensors file) instead of a random initialisation.", valueName: "file.safetensors"))
    var initWeights: String?

    @Option(name: .customLong("train-only"), help: ArgumentHelp(
        "Tensors to update: all (default) or encoder (fc1, fc21, fc22; the decoder stays as in --init, which it needs).",
        valueName: "all|encoder"))
    var trainOnly: TrainingRecipe.TrainedParameters?

    static let maxLatent = TrainingRecipe.maxLatent, maxHidden = TrainingRecipe.maxHidden

    @Option(name: .customLong("kl-warmup"), parsing: .unconditional, help: ArgumentHelp(
        "Epochs over which the KL weight rises linearly from 0 to 1 (0: always 1, as the seed).", valueName: "epochs"))
    var klWarmup: Double = 0

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: ArgumentHelp(
        "Decoupled weight decay of the trained tensors, as torch.optim.AdamW (0: plain Adam, the seed's).", valueName: "lambda"))
    var weightDecay: Double = 0

    @Option(name: .customLong("augment-rotate"), parsing: .unconditional, help: ArgumentHelp(
        "Rotate each training image by a random angle of up to this many degrees either way (0-\(Int(TrainingRecipe.maxAugmentRotation)); 0: none).",
        valueName: "degrees"))
    var augmentRotate: Double = 0

    @Option(name: .customLong("augment-shift"), parsing: .unconditional, help: ArgumentHelp(
        "Shift each training image by up to this many whole pixels on each axis (0-\(TrainingRecipe.maxAugmentShift); 0: none).",
        valueName: "pixels"))
    var augmentShift: Int = 0

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

    /// The recipe of a fresh run; with --init, `initial` gives the sizes.
    func recipe(initial: CVAEConfig? = nil) -> TrainingRecipe {
        TrainingRecipe(epochs: epochs ?? 10, batchSize: batchSize, learningRate: lr, seed: seed, threads: threads,
                       hidden: initial?.hidden ?? hidden ?? 400, latent: initial?.latent ?? latent ?? 20,
                       klWarmupEpochs: klWarmup, learningRateDecay: lrDecay, trainedParameters: trainOnly ?? .all,
                       weightDecay: weightDecay, augmentRotation: augmentRotate, augmentShift: augmentShift)
    }

    func validate() throws {
        if let epochs, !(1...TrainingRecipe.maxEpochs).contains(epochs) {
            throw ValidationError("--epochs must be in 1-\(TrainingRecipe.maxEpochs), got \(epochs)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be a finite number > 0, got \(lr)") }
        try checkThreads(threads)
        if let latent, !(1...Train.maxLatent).contains(latent) {
            throw ValidationError("--latent must be in 1-\(Train.maxLatent), got \(latent)")
        }
        if let hidden, !(1...Train.maxHidden).contains(hidden) {
            throw ValidationError("--hidden must be in 1-\(Train.maxHidden), got \(hidden)")
        }
        if resume != nil, initWeights != nil {
            throw ValidationError("--init and --resume cannot be combined: the checkpoint holds the weights to continue from")
        }
        if resume != nil, let trainOnly {
            throw ValidationError("--train-only \(trainOnly.rawValue) cannot be given with --resume: the checkpoint's recipe says what it trains")
        }
        if let trainOnly, trainOnly != .all, initWeights == nil {
            throw ValidationError("--train-only \(trainOnly.rawValue) needs --init <weights>: a decoder left at its random initialisation would stay random")
        }
        guard weightDecay.isFinite, weightDecay >= 0, lr * weightDecay < 1 else {
            throw ValidationError("--weight-decay must be a finite number >= 0 with --lr x --weight-decay < 1, got \(weightDecay)")
        }
        guard augmentRotate.isFinite, (0...TrainingRecipe.maxAugmentRotation).contains(augmentRotate) else {
            throw ValidationError("--augment-rotate must be in 0-\(Int(TrainingRecipe.maxAugmentRotation)) degrees, got \(augmentRotate)")
        }
        guard (0...TrainingRecipe.maxAugmentShift).contains(augmentShift) else {
            throw ValidationError("--augment-shift must be in 0-\(TrainingRecipe.maxAugmentShift) pixels, got \(augmentShift)")
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
        var initial: CVAE? = nil
        var initPath = initWeights
        if let resume {
            trainer = try Checkpoint.restore(path: resume, data: train, test: test, epochs: epochs)
            print("resuming from \(resume): \(trainer.epochsDone) epoch(s) and \(trainer.batchesDone) batch(es) done, recipe from the checkpoint")
            initPath = try SafeTensors.read(path: resume).metadata["init_weights"]
            if let initPath, trainer.recipe.trainedParameters == .encoder {
                initial = try Train.fineTuneBase(initPath, for: trainer)
            }
        } else if let initWeights {
            let model = try WeightsFile.load(path: initWeights)
            for (option, given, has) in [("--hidden", hidden, model.config.hidden), ("--latent", latent, model.config.latent)] {
                if let given, given != has {
                    throw ValidationError("\(option) \(given) does not match --init \(initWeights), which has \(has)")
                }
            }
            trainer = try Trainer(recipe: recipe(initial: model.config), data: train, test: test, initialWeights: model)
            initial = model
            print("starting from \(initWeights)")
        } else {
            trainer = try Trainer(recipe: recipe(), data: train, test: test)
        }
        let r = trainer.recipe
        print("training on \(train.count) images\(test.map { ", testing on \($0.count)" } ?? " (no test files)") from \(data)")
        print("recipe: \(r.epochs) epochs, batch \(r.batchSize), Adam lr \(r.learningRate), seed \(r.seed), latent \(r.latent), hidden \(r.hidden), \(r.threads) thread(s)"
              + (r.klWarmupEpochs > 0 ? ", KL warm-up \(r.klWarmupEpochs) epochs" : "")
              + (r.learningRateDecay != .none ? ", lr decay \(r.learningRateDecay.rawValue)" : "")
              + (r.weightDecay > 0 ? ", weight decay \(r.weightDecay)" : "")
              + (r.augments ? ", augmentation: rotation up to \(r.augmentRotation) degrees, shift up to \(r.augmentShift) px" : "")
              + (r.trainedParameters != .all ? ", training only the \(r.trainedParameters.rawValue) (\(r.trainedParameters.tensorNames(trainer.config).joined(separator: ", ")))" : ""))

        let command = commandLineString
        let display = ProgressDisplay()
        let interrupt = InterruptHandler()
        var checkpointMeta = ["command": command]
        if let initPath { checkpointMeta["init_weights"] = initPath }
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
        if let initPath { meta["init_weights"] = initPath }
        if let initial, r.trainedParameters == .encoder {
            // The decoder is the --init file's, bit for bit: so are its samples, and the file's
            // prior, directions and sampling metadata still hold. Its eval_* figures do not.
            var kept = initial.metadata.filter { !$0.key.hasPrefix("eval_") }
            for (k, v) in meta { kept["encoder_finetune_" + k] = v }
            let model = try trainer.model.with(prior: initial.prior, metadata: kept).with(directions: initial.directions)
            try WeightsFile.save(model, to: out, metadata: [:])
        } else {
            try WeightsFile.save(trainer.model.with(prior: nil, metadata: meta), to: out, metadata: meta)
        }
        print(String(format: "wrote %@ (%.1f s of training); checkpoint %@", out, seconds, checkpointPath))
        if let log { print("log: \(log)") }
        if let plot { print("plot: \(plot)") }
    }
}

extension Train {
    /// The --init file of a resumed encoder fine-tune, whose prior, directions and metadata
    /// the output keeps, or nil (with a warning) when it is gone or no longer holds the
    /// checkpoint's decoder: the output then has the weights only.
    static func fineTuneBase(_ path: String, for trainer: Trainer) throws -> CVAE? {
        let model: CVAE
        do { model = try WeightsFile.load(path: path) } catch {
            warn("the --init file \(path) of this fine-tune cannot be read (\(error)); the output will hold the weights only, without its prior and metadata")
            return nil
        }
        let same = model.config == trainer.config && CVAEConfig.decoderTensorNames.allSatisfy {
            model.parameters.values($0) == trainer.model.parameters.values($0)
        }
        guard same else {
            warn("the --init file \(path) no longer holds this fine-tune's decoder; the output will hold the weights only, without its prior and metadata")
            return nil
        }
        return model
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("digitgen: warning: \(message)\n".utf8))
    }
}

extension TrainingRecipe.LearningRateDecay: ExpressibleByArgument {}
extension TrainingRecipe.TrainedParameters: ExpressibleByArgument {}
