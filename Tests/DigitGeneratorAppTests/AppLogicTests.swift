import DigitCore
import XCTest
@testable import digit_generator

/// The GUI's logic that needs no display: layout, options, scheduling pieces, the worker.
final class AppLogicTests: XCTestCase {
    func testLayoutPutsFiveCellsInOneRowWhenWide() {
        let layout = CanvasLayout(count: 5, side: 28, width: 900, height: 300, gap: 12)
        XCTAssertEqual(layout.cells.count, 5)
        XCTAssertEqual(Set(layout.cells.map(\.y)).count, 1)
        // (900 - 4 * 12) / 5 = 170.4, snapped down to 6 * 28.
        XCTAssertEqual(layout.cells[0].size, 168)
        // Centred: equal margins left and right.
        let left = layout.cells[0].x
        let right = 900 - (layout.cells[4].x + 168)
        XCTAssertEqual(left, right, accuracy: 1)
        XCTAssertEqual(layout.cells[1].x - layout.cells[0].x, 168 + 12)
    }

    func testLayoutWrapsWhenNarrowAndTall() {
        let layout = CanvasLayout(count: 5, side: 28, width: 400, height: 600, gap: 12)
        let rows = Set(layout.cells.map(\.y)).count
        XCTAssertGreaterThan(rows, 1)
        XCTAssertTrue(layout.cells.allSatisfy { $0.size.truncatingRemainder(dividingBy: 28) == 0 })
        XCTAssertTrue(layout.cells.allSatisfy { $0.x >= 0 && $0.x + $0.size <= 400 && $0.y + $0.size <= 600 })
    }

    func testLayoutBelowOneToOneKeepsFractionalSize() {
        let layout = CanvasLayout(count: 5, side: 28, width: 100, height: 20, gap: 2)
        XCTAssertEqual(layout.cells.count, 5)
        XCTAssertLessThan(layout.cells[0].size, 28)
        XCTAssertTrue(CanvasLayout(count: 5, side: 28, width: 0, height: 10, gap: 2).cells.isEmpty)
    }

    func testOptions() {
        guard case .run(let a) = Options.parse(["--weights", "m.safetensors"]) else { return XCTFail() }
        XCTAssertEqual(a.weightsPath, "m.safetensors")
        guard case .run(let b) = Options.parse(["--weights=x"]) else { return XCTFail() }
        XCTAssertEqual(b.weightsPath, "x")
        guard case .run(let c) = Options.parse([]) else { return XCTFail() }
        XCTAssertNil(c.weightsPath)
        guard case .exit(2) = Options.parse(["--weights"]) else { return XCTFail() }
        guard case .exit(2) = Options.parse(["--bogus"]) else { return XCTFail() }
    }

    func testPercentileIsNearestRank() {
        let values = (1...100).map(Double.init)
        XCTAssertEqual(Trace.percentile(values, 0.50), 50)
        XCTAssertEqual(Trace.percentile(values, 0.99), 99)
        XCTAssertEqual(Trace.percentile([7], 0.99), 7)
        XCTAssertEqual(Trace.percentile([], 0.5), 0)
    }

    func testRankingOrdersByEffect() {
        XCTAssertEqual(LatentEffect.ranked([0.1, 0.5, 0.3, 0.5]), [1, 3, 2, 0])
    }

    func testEffectsAreMeasuredForEveryDimension() {
        let model = CVAE(config: .mnist, seed: 3)
        let effect = LatentEffect.measure(model: model)
        XCTAssertEqual(effect.count, 20)
        XCTAssertTrue(effect.allSatisfy { $0.isFinite && $0 > 0 })
    }

    func testDescriptionNamesTheDigit() {
        let r = RenderRequest(generation: 1, digit: 7, seed: 42, temperature: 1, count: 5, overrides: [])
        XCTAssertEqual(DigitCanvas.describe(r), "Five generated images of the digit 7 (seed 42)")
        var cooler = r
        cooler.temperature = 0.5
        cooler.overrides = [LatentOverride(dimension: 3, value: -1.25)]
        XCTAssertEqual(DigitCanvas.describe(cooler),
                       "Five generated images of the digit 7 (seed 42, temperature 0.50, latent 3 at -1.25)")
    }

    func testMailboxWaitTimesOutAndDelivers() {
        let box = Mailbox<Int>()
        XCTAssertFalse(box.wait(timeout: 0.01))
        box.put(3)
        XCTAssertTrue(box.wait(timeout: 0.01))
        XCTAssertEqual(box.take(), 3)
        XCTAssertNil(box.take())
    }

    /// The worker gives the same pixels for the same request, and an override sets the
    /// dimension for every sample (so it changes them).
    func testWorkerIsDeterministicAndAppliesOverrides() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gui-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.safetensors").path
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: path, metadata: [:])

        let worker = InferenceWorker()
        func run(_ r: RenderRequest) -> RenderResult {
            let done = expectation(description: "render")
            nonisolated(unsafe) var out: RenderResult?
            worker.render(r) { out = $0; done.fulfill() }
            wait(for: [done], timeout: 10)
            return out!
        }
        let loaded = expectation(description: "load")
        worker.load(path: path) { outcome in
            if case .failure(let f) = outcome { XCTFail(f.message) }
            loaded.fulfill()
        }
        wait(for: [loaded], timeout: 10)

        let base = RenderRequest(generation: 1, digit: 4, seed: 9, temperature: 1, count: 5, overrides: [])
        let a = run(base), b = run(base)
        XCTAssertNil(a.error)
        XCTAssertEqual(a.pixels.count, 5 * 784)
        XCTAssertEqual(a.pixels, b.pixels)
        var moved = base
        moved.overrides = [LatentOverride(dimension: 0, value: 2.5)]
        let c = run(moved)
        XCTAssertNotEqual(c.pixels, a.pixels)
    }

    func testLoaderReportsTheFileAndTheProblem() {
        guard case .failure(let f) = ModelLoader.load(path: "/nonexistent/m.safetensors") else { return XCTFail() }
        XCTAssertEqual(f.path, "/nonexistent/m.safetensors")
        XCTAssertTrue(f.problem.contains("/nonexistent/m.safetensors"), f.problem)
        XCTAssertEqual(f.fix, "Check the file name, or start without `--weights` to use the shipped model.")
        XCTAssertTrue(f.message.hasPrefix(f.problem + ". "), f.message)
    }

    /// A file that exists but is not a model: the fix passes on the library's hint and
    /// points at the shipped model.
    func testLoaderFixForACorruptFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(getpid()).safetensors").path
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .failure(let f) = ModelLoader.load(path: path) else { return XCTFail() }
        XCTAssertEqual(f.path, path)
        XCTAssertTrue(f.problem.contains(path), f.problem)
        XCTAssertTrue(f.fix.hasSuffix("To use the shipped model instead, start without `--weights`."), f.fix)
    }

    func testMarkupSetsCodeInMonospaceAndEscapes() {
        XCTAssertEqual(MainWindow.markup("run `make install` <now> & go"),
                       "run <tt>make install</tt> &lt;now&gt; &amp; go")
    }
}
