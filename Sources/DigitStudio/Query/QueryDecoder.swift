import DigitCore

/// Turns queries into images with one model. Not thread-safe: one instance belongs to one
/// queue (the inference worker) or one command-line run.
///
/// Sampled latents are kept per `SampleSpec`, so moving a slider costs one decode.
public final class QueryDecoder: @unchecked Sendable {
    public let model: CVAE
    /// Names handwritten digits (nil: the person must choose the digit).
    public let classifier: Classifier?
    private var sampled: [SampleSpec: [Float]] = [:]

    public init(model: CVAE, classifier: Classifier? = nil) {
        self.model = model
        self.classifier = classifier
    }

    /// The images of `query`, or an error naming what was wrong with it.
    public func decode(_ query: LatentQuery) throws -> Rendered {
        if case .batch(let parts) = query {
            var gray: [UInt8] = []
            var count = 0
            for part in parts {
                let r = try decode(part)
                gray += r.gray
                count += r.count
            }
            return Rendered(count: count, side: model.config.side, gray: gray)
        }
        if case .morph(let morph) = query {
            let pixels = try morph.render(model: model)
            return Rendered(count: morph.frames, side: model.config.side, gray: pixels.map(Self.quantize))
        }
        if case .blend(let from, let to, let t) = query {
            let pixels = try blend(from: from, to: to, t: t)
            return Rendered(count: from.count, side: model.config.side, gray: pixels.map(Self.quantize))
        }
        if case .restyle(let picture) = query {
            return try HandwritingRestyle.render(picture, model: model, classifier: classifier)
        }
        let (z, labels) = try resolve(query)
        guard !labels.isEmpty else { return Rendered(count: 0, side: model.config.side, gray: []) }
        let pixels = try model.decode(z: z, labels: labels)
        return Rendered(count: labels.count, side: model.config.side, gray: pixels.map(Self.quantize))
    }

    /// The latent vectors and labels of a query that is not a batch.
    public func resolve(_ query: LatentQuery) throws -> (z: [Float], labels: [Int]) {
        let L = model.config.latent
        switch query {
        case .samples(let spec, let offsets):
            var z = try latents(spec)
            for o in offsets {
                try check(o.step)
                guard o.amount.isFinite else { throw QueryError.nonFinite }
            }
            for i in 0..<spec.count {
                for o in offsets {
                    for j in 0..<L { z[i * L + j] += o.amount * o.step[j] }
                }
            }
            guard (0..<model.config.classes).contains(spec.drawnAs) else { throw QueryError.label(spec.drawnAs) }
            return (z, [Int](repeating: spec.drawnAs, count: spec.count))
        case .vectors(let z, let labels):
            guard z.count == labels.count * L else { throw QueryError.wrongLength(z.count, expected: labels.count * L) }
            guard z.allSatisfy(\.isFinite) else { throw QueryError.nonFinite }
            for label in labels where !(0..<model.config.classes).contains(label) { throw QueryError.label(label) }
            return (z, labels)
        case .grid(let base, let label, let x, let y):
            let b = try point(base)
            try check(x.step); try check(y.step)
            guard (0..<model.config.classes).contains(label) else { throw QueryError.label(label) }
            var z: [Float] = []
            z.reserveCapacity(x.amounts.count * y.amounts.count * L)
            for ay in y.amounts {
                for ax in x.amounts {
                    for j in 0..<L { z.append(b[j] + ax * x.step[j] + ay * y.step[j]) }
                }
            }
            return (z, [Int](repeating: label, count: x.amounts.count * y.amounts.count))
        case .path(let from, let to, let label, let steps):
            let a = try point(from), b = try point(to)
            guard (0..<model.config.classes).contains(label) else { throw QueryError.label(label) }
            guard steps >= 2, steps <= 10_000 else { throw QueryError.steps(steps) }
            var z: [Float] = []
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                for j in 0..<L { z.append(a[j] + t * (b[j] - a[j])) }
            }
            return (z, [Int](repeating: label, count: steps))
        case .sameStyle(let base, let offsets, let labels):
            var b = try point(base)
            for o in offsets {
                try check(o.step)
                guard o.amount.isFinite else { throw QueryError.nonFinite }
                for j in 0..<L { b[j] += o.amount * o.step[j] }
            }
            for label in labels where !(0..<model.config.classes).contains(label) { throw QueryError.label(label) }
            var z: [Float] = []
            z.reserveCapacity(labels.count * L)
            for _ in labels { z += b }
            return (z, labels)
        case .restyle:
            throw QueryError.picture
        case .morph, .blend:
            // Their images blend two digit conditions: no label per image (`decode` draws them).
            throw QueryError.blended
        case .batch(let parts):
            var z: [Float] = [], labels: [Int] = []
            for p in parts {
                let r = try resolve(p)
                z += r.z
                labels += r.labels
            }
            return (z, labels)
        }
    }

    /// The pixels of `.blend(from, to, t)`: at t = 0 and 1 exactly `from`'s and `to`'s.
    private func blend(from: LatentQuery, to: LatentQuery, t: Float) throws -> [Float] {
        guard t.isFinite, (0...1).contains(t) else { throw QueryError.fraction(t) }
        let a = try resolve(from), b = try resolve(to)
        guard a.labels.count == b.labels.count else { throw QueryError.blendCounts(a.labels.count, b.labels.count) }
        if t == 0 { return try model.decode(z: a.z, labels: a.labels) }
        if t == 1 { return try model.decode(z: b.z, labels: b.labels) }
        let L = model.config.latent, C = model.config.classes
        var z: [Float] = [], conditions = [Float](repeating: 0, count: a.labels.count * C)
        z.reserveCapacity(a.z.count)
        for i in a.labels.indices {
            z += LatentPath.slerp(Array(a.z[i * L..<(i + 1) * L]), Array(b.z[i * L..<(i + 1) * L]), t)
            conditions[i * C + a.labels[i]] += 1 - t
            conditions[i * C + b.labels[i]] += t
        }
        return try model.decode(z: z, conditions: conditions)
    }

    private func latents(_ spec: SampleSpec) throws -> [Float] {
        if let z = sampled[spec] { return z }
        let z = try model.sampleLatents(digit: spec.digit, count: spec.count, seed: spec.seed,
                                        temperature: spec.temperature, prior: spec.prior)
        if sampled.count >= 64 { sampled.removeAll() }
        sampled[spec] = z
        return z
    }

    private func point(_ base: LatentBase) throws -> [Float] {
        let L = model.config.latent
        switch base {
        case .sample(let spec, let index):
            guard (0..<spec.count).contains(index) else { throw QueryError.sampleIndex(index, count: spec.count) }
            let z = try latents(spec)
            return Array(z[index * L..<(index + 1) * L])
        case .vector(let v):
            try check(v)
            return v
        }
    }

    private func check(_ v: [Float]) throws {
        guard v.count == model.config.latent else { throw QueryError.wrongLength(v.count, expected: model.config.latent) }
        guard v.allSatisfy(\.isFinite) else { throw QueryError.nonFinite }
    }

    /// round(255 p), clamped, NaN to 0: the same bytes as `ImageGrid.compose`.
    @inline(__always)
    static func quantize(_ p: Float) -> UInt8 {
        if p.isNaN { return 0 }
        return UInt8(max(0, min(255, (255 * p).rounded())))
    }
}

public enum QueryError: DigitCoreError, Equatable {
    case wrongLength(Int, expected: Int)
    case nonFinite
    case label(Int)
    case sampleIndex(Int, count: Int)
    case steps(Int)
    case blended
    case picture
    case fraction(Float)
    case blendCounts(Int, Int)

    public var description: String {
        switch self {
        case .wrongLength(let n, let expected): return "a latent vector has \(n) values, the model expects \(expected)"
        case .nonFinite: return "a latent value or offset is not finite"
        case .label(let l): return "label \(l) is not one of the model's classes"
        case .sampleIndex(let i, let count): return "sample \(i) asked of \(count) samples"
        case .steps(let s): return "an interpolation path needs 2-10000 steps, not \(s)"
        case .blended: return "a morph's frames blend two digits and have no single label each"
        case .picture: return "a handwriting picture is restyled, not resolved to latent vectors"
        case .fraction(let t): return "a blend's fraction must be from 0 to 1, not \(t)"
        case .blendCounts(let a, let b): return "a blend needs as many images at both ends, not \(a) and \(b)"
        }
    }
}
