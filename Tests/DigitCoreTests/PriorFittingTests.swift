import XCTest
@testable import DigitCore

final class PriorFittingTests: XCTestCase {
    /// Two well-separated clusters per class: EM finds their centres, weights and spreads, and the
    /// fitted variance is the spread of the means plus the average posterior variance.
    func testRecoversTwoClusterMixturePerClass() throws {
        var rng = Xoshiro256(seed: 1)
        let latent = 2, perClass = 3000
        var means: [Float] = [], logvars: [Float] = [], labels: [Int] = []
        for c in 0..<2 {
            for i in 0..<perClass {
                let centre: Float = (i % 4 == 0) ? -4 : 4   // weights 1/4 and 3/4
                let noise = rng.gaussians(2)
                means += [centre + Float(c) + 0.5 * noise[0], -centre + 0.5 * noise[1]]
                logvars += [_logf(0.25), _logf(0.25)]
                labels.append(c)
            }
        }
        let prior = try PriorFitting.fit(means: means, logvars: logvars, labels: labels, classes: 2,
                                         latent: latent, options: .init(components: 2, iterations: 200, seed: 3))
        for c in 0..<2 {
            // Order components by their first coordinate.
            let order = (0..<2).sorted { prior.means[(c * 2 + $0) * 2] < prior.means[(c * 2 + $1) * 2] }
            let lo = order[0], hi = order[1]
            XCTAssertEqual(prior.weights[c * 2 + lo], 0.25, accuracy: 0.02)
            XCTAssertEqual(prior.weights[c * 2 + hi], 0.75, accuracy: 0.02)
            XCTAssertEqual(prior.means[(c * 2 + lo) * 2], -4 + Float(c), accuracy: 0.05)
            XCTAssertEqual(prior.means[(c * 2 + hi) * 2 + 1], -4, accuracy: 0.05)
            // variance of means 0.25 + posterior variance 0.25 = 0.5
            for j in 0..<2 {
                XCTAssertEqual(prior.logvars[(c * 2 + hi) * 2 + j].exp, 0.5, accuracy: 0.05)
            }
        }
    }

    func testSamplingFollowsTheFittedMixture() throws {
        let prior = try LatentPrior(classes: 1, components: 2, latent: 1, weights: [0.2, 0.8],
                                    means: [-10, 10], logvars: [0, 0])
        var rng = Xoshiro256(seed: 9)
        let n = 20_000
        let out = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { out.deallocate() }
        prior.sample(digit: 0, count: n, temperature: 1, rng: &rng, into: out)
        let buf = UnsafeBufferPointer(start: out, count: n)
        let share = Double(buf.filter { $0 < 0 }.count) / Double(n)
        XCTAssertEqual(share, 0.2, accuracy: 0.01)
        let right = buf.filter { $0 > 0 }.map(Double.init)
        let mean = right.reduce(0, +) / Double(right.count)
        let variance = right.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(right.count)
        XCTAssertEqual(mean, 10, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        // Temperature 0 gives the component means only.
        prior.sample(digit: 0, count: 100, temperature: 0, rng: &rng, into: out)
        XCTAssertTrue(UnsafeBufferPointer(start: out, count: 100).allSatisfy { $0 == -10 || $0 == 10 })
    }

    func testRejectsInconsistentInput() {
        XCTAssertThrowsError(try PriorFitting.fit(means: [0, 0, 0], logvars: [0, 0, 0], labels: [0, 0],
                                                  classes: 1, latent: 2))
        XCTAssertThrowsError(try LatentPrior(classes: 1, components: 1, latent: 1, weights: [1],
                                             means: [.nan], logvars: [0]))
        XCTAssertThrowsError(try LatentPrior(classes: 1, components: 1, latent: 1, weights: [1],
                                             means: [0], logvars: [300])) {
            XCTAssertEqual($0 as? ModelError, .priorOutOfRange)
        }
        // Options that used to trap (index out of range, empty range) are errors that say why.
        let means: [Float] = [0, 1, 2, 3], logvars: [Float] = [0, 0, 0, 0]
        var zero = PriorFitting.Options()
        zero.components = 0
        XCTAssertThrowsError(try PriorFitting.fit(means: means, logvars: logvars, labels: [0, 0], classes: 1,
                                                  latent: 2, options: zero)) {
            XCTAssertTrue("\($0)".contains("at least 1 component"), "\($0)")
        }
        var negative = PriorFitting.Options(components: 1)
        negative.iterations = -1
        XCTAssertThrowsError(try PriorFitting.fit(means: means, logvars: logvars, labels: [0, 0], classes: 1,
                                                  latent: 2, options: negative)) {
            XCTAssertTrue("\($0)".contains("iterations"), "\($0)")
        }
        XCTAssertThrowsError(try PriorFitting.fit(means: means, logvars: logvars, labels: [0, 0], classes: 1,
                                                  latent: 2, options: PriorFitting.Options(components: 3))) {
            XCTAssertTrue("\($0)".contains("fewer than 3 components"), "\($0)")
        }
    }
}
