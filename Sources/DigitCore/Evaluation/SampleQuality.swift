/// How good a CVAE's generated digits are, judged by the evaluation classifier (issue 4):
///
/// - accuracy: share of `samples` generated images of digit d that the classifier labels d;
/// - diversity: mean pairwise L2 distance among `diversitySamples` generated images of d,
///   divided by the same for the first `diversitySamples` real test images of d (pixels in
///   [0, 1]). 1.0 = as varied as real handwriting, 0 = all identical;
/// - novelty (when the training set is given): mean L2 distance from each of those generated
///   images to its nearest training image of d, divided by the same for the real test images.
///   It shows whether a prior makes the model copy its training data: near 0 = copies.
///
/// Everything is deterministic: digit d's samples use seed `seed + d`.
public enum SampleQuality {
    public struct Options: Sendable, Equatable {
        public var samples: Int = 1000
        public var diversitySamples: Int = 300
        public var temperature: Float = 1
        public var prior: PriorChoice = .fitted
        public var seed: UInt64 = 0
        public init(samples: Int = 1000, diversitySamples: Int = 300, temperature: Float = 1,
                    prior: PriorChoice = .fitted, seed: UInt64 = 0) {
            self.samples = samples
            self.diversitySamples = diversitySamples
            self.temperature = temperature
            self.prior = prior
            self.seed = seed
        }
    }

    public struct Digit: Sendable, Equatable {
        public let digit: Int
        public let samples: Int
        /// How many samples the classifier put in each class.
        public let predicted: [Int]
        public let sampleDistance: Double
        public let realDistance: Double
        /// Mean distance to the nearest training image of the digit: generated, real test images.
        public var nearestSampleDistance: Double? = nil
        public var nearestRealDistance: Double? = nil
        public var correct: Int { predicted[digit] }
        public var accuracy: Double { Double(correct) / Double(samples) }
        public var diversity: Double { realDistance > 0 ? sampleDistance / realDistance : 0 }
        public var novelty: Double? {
            guard let s = nearestSampleDistance, let r = nearestRealDistance, r > 0 else { return nil }
            return s / r
        }
        /// The class most often given instead of `digit`, if any sample was misread.
        public var mostConfusedWith: Int? {
            let wrong = predicted.indices.filter { $0 != digit && predicted[$0] > 0 }
            return wrong.max { predicted[$0] < predicted[$1] }
        }
    }

    public struct Report: Sendable, Equatable {
        public let options: Options
        public let usedFittedPrior: Bool
        public let digits: [Digit]
        /// All correct samples over all samples (each digit has the same count).
        public var accuracy: Double {
            Double(digits.reduce(0) { $0 + $1.correct }) / Double(max(1, digits.reduce(0) { $0 + $1.samples }))
        }
        public var worstAccuracy: Double { digits.map(\.accuracy).min() ?? 0 }
        public var meanDiversity: Double { digits.isEmpty ? 0 : digits.map(\.diversity).reduce(0, +) / Double(digits.count) }
        public var meanNovelty: Double? {
            let v = digits.compactMap(\.novelty)
            return v.count == digits.count && !v.isEmpty ? v.reduce(0, +) / Double(v.count) : nil
        }
    }

    public static func evaluate(model: CVAE, classifier: Classifier, test: LabeledImages, train: LabeledImages? = nil,
                                options: Options = Options()) throws -> Report {
        let c = model.config
        try checkCompatible(model: model, classifier: classifier)
        for set in [test, train].compactMap({ $0 }) where set.pixelsPerImage != c.pixels {
            throw SampleQualityError.incompatibleImages(pixels: set.pixelsPerImage, modelPixels: c.pixels)
        }
        guard (1...10_000).contains(options.samples) else {
            throw SampleQualityError.invalidOptions("samples per digit must be in 1...10000, got \(options.samples)")
        }
        guard (2...10_000).contains(options.diversitySamples) else {
            throw SampleQualityError.invalidOptions("diversity needs 2...10000 samples per digit, got \(options.diversitySamples)")
        }
        var digits: [Digit] = []
        for d in 0..<c.classes {
            let real = realImages(of: d, in: test, limit: options.diversitySamples)
            guard real.count >= 2 else {
                throw SampleQualityError.tooFewRealImages(digit: d, count: real.count)
            }
            let n = max(options.samples, options.diversitySamples)
            let images = try model.sample(digit: d, count: n, seed: options.seed &+ UInt64(d),
                                          temperature: options.temperature, prior: options.prior)
            let labels = try classifier.predict(images: Array(images[0..<options.samples * c.pixels]))
            var predicted = [Int](repeating: 0, count: c.classes)
            for l in labels { predicted[l] += 1 }
            let k = real.count
            let sampleDistance = PairwiseDistance.mean(images, count: min(k, options.diversitySamples), dimension: c.pixels)
            let realDistance = PairwiseDistance.mean(real.pixels, count: k, dimension: c.pixels)
            var digit = Digit(digit: d, samples: options.samples, predicted: predicted,
                              sampleDistance: sampleDistance, realDistance: realDistance)
            if let train {
                let seen = realImages(of: d, in: train, limit: train.count)
                if seen.count > 0 {
                    digit.nearestSampleDistance = PairwiseDistance.meanNearest(images, count: k, to: seen.pixels,
                                                                               count: seen.count, dimension: c.pixels)
                    digit.nearestRealDistance = PairwiseDistance.meanNearest(real.pixels, count: k, to: seen.pixels,
                                                                             count: seen.count, dimension: c.pixels)
                }
            }
            digits.append(digit)
        }
        return Report(options: options, usedFittedPrior: model.usesFittedPrior(options.prior), digits: digits)
    }

    /// Throws unless `classifier` reads the images `model` draws (same pixels, same classes).
    public static func checkCompatible(model: CVAE, classifier: Classifier) throws {
        let c = model.config
        guard classifier.config.inputs == c.pixels, classifier.config.classes == c.classes else {
            throw SampleQualityError.incompatibleClassifier(inputs: classifier.config.inputs, classes: classifier.config.classes,
                                                            modelPixels: c.pixels, modelClasses: c.classes)
        }
    }

    /// The first `limit` test images of `digit`, as Float in [0, 1] (count may be smaller).
    static func realImages(of digit: Int, in test: LabeledImages, limit: Int) -> (pixels: [Float], count: Int) {
        let p = test.pixelsPerImage
        var out: [Float] = []
        out.reserveCapacity(limit * p)
        var count = 0
        for i in 0..<test.count where Int(test.labels[i]) == digit && count < limit {
            for j in 0..<p { out.append(Float(test.pixels[i * p + j]) / 255) }
            count += 1
        }
        return (out, count)
    }
}
