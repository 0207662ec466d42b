/// xoshiro256** 1.0 (Blackman & Vigna 2018; reference: https://prng.di.unimi.it/xoshiro256starstar.c).
///
/// The project's only source of randomness: the same seed gives the same sequence on every
/// machine and run. Its four words of state are public so checkpoints can store and restore them.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Equatable {
    public var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s = (sm.next(), sm.next(), sm.next(), sm.next())
    }

    public init(state: [UInt64]) {
        precondition(state.count == 4)
        s = (state[0], state[1], state[2], state[3])
    }

    public var stateWords: [UInt64] { [s.0, s.1, s.2, s.3] }

    public static func == (a: Xoshiro256, b: Xoshiro256) -> Bool { a.stateWords == b.stateWords }

    @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = Xoshiro256.rotl(s.3, 45)
        return result
    }

    /// Uniform double in [0, 1) from the top 53 bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0..<bound (Lemire's nearly-divisionless method, unbiased).
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let t = (0 &- b) % b
            while m.low < t { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Fills `out` with independent standard normal samples (Box-Muller, both outputs used).
    public mutating func fillGaussian(_ out: UnsafeMutablePointer<Float>, count: Int) {
        let pairs = (count + 1) / 2
        let uniforms = UnsafeMutablePointer<Double>.allocate(capacity: 2 * max(pairs, 1))
        defer { uniforms.deallocate() }
        drawGaussianUniforms(uniforms, count: count)
        Xoshiro256.gaussians(fromUniforms: uniforms, values: 0..<count, into: out)
    }

    /// The generator's part of `fillGaussian(count:)`: the (u1, u2) pairs it draws, in order,
    /// ((count + 1) / 2 pairs into `uniforms`). `gaussians(fromUniforms:values:into:)` turns
    /// them into the same values, in any split of the range (for example over threads).
    public mutating func drawGaussianUniforms(_ uniforms: UnsafeMutablePointer<Double>, count: Int) {
        for k in 0..<((count + 1) / 2) {
            // u1 in (0, 1] so log(u1) is finite.
            uniforms[2 * k] = 1.0 - nextDouble()
            uniforms[2 * k + 1] = nextDouble()
        }
    }

    /// Box-Muller on the pairs: values `values` of the sequence (value 2k from pair k's
    /// cosine, 2k + 1 from its sine), written to out[i] for i in `values`.
    public static func gaussians(fromUniforms uniforms: UnsafePointer<Double>, values: Range<Int>,
                                 into out: UnsafeMutablePointer<Float>) {
        guard !values.isEmpty else { return }
        for k in (values.lowerBound / 2)...((values.upperBound - 1) / 2) {
            let r = (-2.0 * _log(uniforms[2 * k])).squareRoot()
            let theta = 2.0 * Double.pi * uniforms[2 * k + 1]
            if values.contains(2 * k) { out[2 * k] = Float(r * _cos(theta)) }
            if values.contains(2 * k + 1) { out[2 * k + 1] = Float(r * _sin(theta)) }
        }
    }

    public mutating func gaussians(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buf, n in
            fillGaussian(buf.baseAddress!, count: count)
            n = count
        }
    }

    /// Fisher-Yates shuffle driven by this generator (deterministic across platforms).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }
}
