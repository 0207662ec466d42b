import DigitCore
import Foundation

/// What the exhibit shows while nobody uses it: an endless walk that starts at the welcome
/// view and, every `stepSeconds`, morphs on to the next stop (the next digit, another seed,
/// another point on the two directions). Between stops every frame is a `.blend` of the two
/// stops' images (spherical interpolation of each latent vector, blended digit condition), so
/// the images never stand still: no bright pixel stays put long enough to burn in.
///
/// A value: the shell asks it for the frame of the time elapsed since the loop started and
/// decodes it; tests ask it for any time.
public struct AttractLoop: Equatable, Sendable {
    /// Seconds from one stop to the next.
    public static let stepSeconds = 3.0
    /// Frames are fractions of a step rounded to 1/`fractionSteps` (a frame is never asked
    /// twice for the same picture, and a 60 Hz display still gets a new one every frame).
    public static let fractionSteps = 600
    /// How far the stops reach along each direction, in standard deviations (inside the range
    /// where digits stay readable).
    public static let reach: Float = 1.2
    /// The window's content is moved by a few pixels every `orbitStepSeconds` around a circle
    /// of `orbitPositions` points: text and buttons, which do not move by themselves, never
    /// stand still for longer than that either.
    public static let orbitStepSeconds = 10.0
    public static let orbitRadius = 10.0
    public static let orbitPositions = 6

    /// The view the loop starts from (the welcome view).
    public let start: ViewSettings

    public init(start: ViewSettings) {
        self.start = start
    }

    /// One picture of the loop: a stop, or the way between two.
    public enum Frame: Equatable, Hashable, Sendable {
        case stop(ViewSettings)
        case between(ViewSettings, ViewSettings, t: Float)
    }

    /// Stop `k`: stop 0 is `start`; stop k shows digit `start.digit + k` (mod 10) with a seed
    /// of its own and the two offsets on a Lissajous figure (so both directions move, each at
    /// its own pace).
    public func stop(_ k: Int) -> ViewSettings {
        guard k > 0 else { return start }
        var v = start
        v.digit = (start.digit + k) % 10
        v.style = nil
        var g = SplitMix64(seed: start.seed &+ UInt64(k) &* 0x2545_F491_4F6C_DD1D)
        v.seed = g.next() % (ViewSettings.maxSeed + 1)
        let amounts = [AttractLoop.reach * Float(sin(1.3 * Double(k))), AttractLoop.reach * Float(sin(0.8 * Double(k) + 0.5))]
        for i in v.sliders.indices where i < amounts.count {
            v.sliders[i].offset = ViewSettings.snapOffset(amounts[i])
        }
        return v
    }

    /// Index of the stop the loop left last at `elapsed` seconds.
    public static func stopIndex(at elapsed: Double) -> Int {
        guard elapsed.isFinite, elapsed > 0 else { return 0 }
        return Int(elapsed / stepSeconds)
    }

    /// The frame at `elapsed` seconds since the loop started.
    public func frame(at elapsed: Double) -> Frame {
        let k = AttractLoop.stopIndex(at: elapsed)
        let within = max(0, elapsed - Double(k) * AttractLoop.stepSeconds) / AttractLoop.stepSeconds
        let t = AttractLoop.eased(within)
        let q = Float((Double(t) * Double(AttractLoop.fractionSteps)).rounded()) / Float(AttractLoop.fractionSteps)
        if q <= 0 { return .stop(stop(k)) }
        if q >= 1 { return .stop(stop(k + 1)) }
        return .between(stop(k), stop(k + 1), t: q)
    }

    /// The view a visitor takes over at `elapsed`: the stop nearer on screen (the morph's
    /// halfway point decides), so the images move at most half a step when the loop ends.
    public func handover(at elapsed: Double) -> ViewSettings {
        switch frame(at: elapsed) {
        case .stop(let v): return v
        case .between(let a, let b, let t): return t < 0.5 ? a : b
        }
    }

    /// What the samples lane decodes for `frame`: a stop exactly as the view's own query
    /// (the same pixels the visitor then gets), a frame between as a `.blend` of the two.
    public static func query(_ frame: Frame, catalog: DirectionCatalog) -> LatentQuery {
        switch frame {
        case .stop(let v): return v.query(catalog: catalog)
        case .between(let a, let b, let t): return .blend(from: a.query(catalog: catalog), to: b.query(catalog: catalog), t: t)
        }
    }

    /// Mostly a smooth start and stop, but never standing still: a quarter of the way is
    /// covered at constant speed (t' >= 0.25 everywhere).
    static func eased(_ x: Double) -> Float {
        let c = max(0, min(1, x))
        return Float(0.25 * c + 0.75 * c * c * (3 - 2 * c))
    }

    /// The content's left and top margin in pixels at `elapsed` seconds of the loop, in
    /// 0...2 `orbitRadius` (the right and bottom margins make up the rest, so the content
    /// keeps its size); nil elapsed (no loop running): the centre, `orbitRadius` each.
    public static func orbit(at elapsed: Double?) -> (left: Int, top: Int) {
        let r = orbitRadius
        guard let elapsed, elapsed.isFinite, elapsed >= 0 else { return (Int(r), Int(r)) }
        let n = Int(elapsed / orbitStepSeconds) % orbitPositions
        let angle = 2 * Double.pi * Double(n) / Double(orbitPositions)
        return (Int((r + r * cos(angle)).rounded()), Int((r + r * sin(angle)).rounded()))
    }
}
