/// Choosing the default sampling temperature by measurement (issue 12): judge the samples
/// at every temperature of a sweep with the same seeds, and take the highest temperature
/// whose samples meet the targets. Higher temperatures spread the samples further around
/// the prior: more variety, more malformed digits; the highest one that still meets the
/// accuracy targets keeps the most variety.
public enum TemperatureSweep {
    /// What default samples must reach (issue 12's targets by default).
    public struct Targets: Sendable, Equatable {
        /// Share of all samples read as the digit asked for.
        public var accuracy: Double = 0.995
        /// The same for the worst digit.
        public var worstAccuracy: Double = 0.985
        /// Mean diversity ratio over the digits.
        public var diversity: Double = 0.85

        public init(accuracy: Double = 0.995, worstAccuracy: Double = 0.985, diversity: Double = 0.85) {
            self.accuracy = accuracy
            self.worstAccuracy = worstAccuracy
            self.diversity = diversity
        }

        /// The targets `report` misses, by name ("accuracy", "worst digit", "diversity");
        /// empty when it meets them all.
        public func misses(_ report: SampleQuality.Report) -> [String] {
            var missed: [String] = []
            if report.accuracy < accuracy { missed.append("accuracy") }
            if report.worstAccuracy < worstAccuracy { missed.append("worst digit") }
            if report.meanDiversity < diversity { missed.append("diversity") }
            return missed
        }

        public func met(by report: SampleQuality.Report) -> Bool { misses(report).isEmpty }
    }

    /// One report per temperature, in the order given; every temperature uses `options`
    /// otherwise (so the same sample seeds: the figures differ by the temperature alone).
    public static func run(model: CVAE, classifier: Classifier, test: LabeledImages, train: LabeledImages? = nil,
                           options: SampleQuality.Options, temperatures: [Float]) throws -> [SampleQuality.Report] {
        guard !temperatures.isEmpty else { throw SampleQualityError.invalidOptions("the sweep needs at least one temperature") }
        for t in temperatures where !(t.isFinite && t >= 0) {
            throw SampleQualityError.invalidOptions("temperature \(t) must be a finite number >= 0")
        }
        return try temperatures.map { t in
            var o = options
            o.temperature = t
            return try SampleQuality.evaluate(model: model, classifier: classifier, test: test, train: train, options: o)
        }
    }

    /// The report at the highest temperature that meets `targets`, or nil when none does.
    public static func choose(_ reports: [SampleQuality.Report], targets: Targets) -> SampleQuality.Report? {
        reports.filter { targets.met(by: $0) }.max { $0.options.temperature < $1.options.temperature }
    }
}
