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
        var i = 0
        while i < count {
            // u1 in (0, 1] so log(u1) is finite.
            let u1 = 1.0 - nextDouble()
            let u2 = nextDouble()
            let r = (-2.0 * _log(u1)).squareRoot()
            let theta = 2.0 * Double.pi * u2
            out[i] = Float(r * _cos(theta))
            if i + 1 < count { out[i + 1] = Float(r * _sin(theta)) }
            i += 2
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
