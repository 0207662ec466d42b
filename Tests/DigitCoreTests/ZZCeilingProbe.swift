import Foundation
import XCTest
@testable import DigitCore

final class ZZCeilingProbe: XCTestCase {
    func testProbe() throws {
        let path = ProcessInfo.processInfo.environment["PROBE_WEIGHTS"] ?? "/tmp/q/cvae-e30c.safetensors"
        let model = try WeightsFile.load(path: path)
        let clf = try ClassifierFile.load(path: "/work/wt-quality/resources/classifier-mnist.safetensors")
        let images = try IDX.readImages(path: "/work/shared/mnist/t10k-images-idx3-ubyte.gz")
        let labels = try IDX.readLabels(path: "/work/shared/mnist/t10k-labels-idx1-ubyte.gz").map(Int.init)
        let n = 10000
        let x = images.pixels[0..<n*784].map { Float($0) / 255 }
        let y = Array(labels[0..<n])
        let (mu, lv) = try model.encode(images: x, labels: y)
        var rng = Xoshiro256(seed: 1)
        for t: Float in [0, 0.5, 0.8, 1.0] {
            var z = mu
            let e = rng.gaussians(z.count)
            for i in 0..<z.count { z[i] += t * (0.5 * lv[i]).exp * e[i] }
            let rec = try model.decode(z: z, labels: y)
            let p = try clf.predict(images: rec)
            var correct = [Int](repeating: 0, count: 10), tot = correct
            for i in 0..<n { tot[y[i]] += 1; if p[i] == y[i] { correct[y[i]] += 1 } }
            let per = (0..<10).map { String(format: "%.1f", 100 * Double(correct[$0]) / Double(tot[$0])) }
            print("PROBE posterior noise \(t): accuracy \(Double(correct.reduce(0,+)) / Double(n)) per digit \(per)")
        }
        // Active dimensions: mean posterior variance per dim.
        var avgVar = [Double](repeating: 0, count: 20), varMu = [Double](repeating: 0, count: 20), meanMu = varMu
        for i in 0..<n { for j in 0..<20 { avgVar[j] += Double((lv[i*20+j]).exp) / Double(n); meanMu[j] += Double(mu[i*20+j]) / Double(n) } }
        for i in 0..<n { for j in 0..<20 { let d = Double(mu[i*20+j]) - meanMu[j]; varMu[j] += d*d / Double(n) } }
        print("PROBE avg posterior var", avgVar.map { String(format: "%.2f", $0) })
        print("PROBE var of means     ", varMu.map { String(format: "%.2f", $0) })
    }
}
