import DigitCore
@testable import DigitStudio
import XCTest

/// Options, timers, the remembered state, layout and trace figures.
final class ShellPartsTests: XCTestCase {
    func testOptions() {
        XCTAssertEqual(AppOptions.outcome(["--weights", "m.safetensors"], version: "1"), .run(weights: "m.safetensors", fresh: false, kiosk: nil))
        XCTAssertEqual(AppOptions.outcome(["--weights=x", "--fresh"], version: "1"), .run(weights: "x", fresh: true, kiosk: nil))
        XCTAssertEqual(AppOptions.outcome([], version: "1"), .run(weights: nil, fresh: false, kiosk: nil))
        XCTAssertEqual(AppOptions.outcome(["--version"], version: "1.2"), .exit(text: "digit-generator 1.2", status: 0))
        guard case .exit(let help, 0) = AppOptions.outcome(["--help"], version: "1") else { return XCTFail() }
        XCTAssertTrue(help.contains("--weights <file>"), help)
        XCTAssertTrue(help.contains("--fresh"), help)
        XCTAssertTrue(help.contains("DIGITGEN_TRACE"), help)
        for bad in [["--bogus"], ["--weights"], ["extra"], ["--weights="]] {
            guard case .exit(let text, 2) = AppOptions.outcome(bad, version: "1") else { return XCTFail("\(bad)") }
            XCTAssertFalse(text.contains("\n"), text)
            XCTAssertTrue(text.hasPrefix("digit-generator: "), text)
        }
        XCTAssertEqual(AppOptions.outcome(["--bogus"], version: "1"),
                       .exit(text: "digit-generator: Unknown option '--bogus' (see --help)", status: 2))
    }

    func testTimersFireOnTheInjectedClock() {
        let clock = ManualClock(now: 100)
        let timers = Timers(clock: clock)
        XCTAssertNil(timers.nextDelay)
        timers.start(.persist, seconds: 1)
        timers.start(.prefetch, seconds: 0.15)
        XCTAssertEqual(timers.nextDelay!, 0.15, accuracy: 1e-9)
        XCTAssertEqual(timers.due(), [])
        clock.advance(by: 0.2)
        XCTAssertEqual(timers.due(), [.prefetch])
        // Restarting moves the deadline.
        timers.start(.persist, seconds: 1)
        clock.advance(by: 0.9)
        XCTAssertEqual(timers.due(), [])
        clock.advance(by: 0.1)
        XCTAssertEqual(timers.due(), [.persist])
        timers.start(.persist, seconds: 1)
        timers.cancel(.persist)
        clock.advance(by: 5)
        XCTAssertEqual(timers.due(), [])
    }

    func testRememberedStateRoundTripsAndACorruptFileIsIgnored() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = StateFile.path(environment: ["XDG_STATE_HOME": dir, "HOME": "/nonexistent"])!
        XCTAssertEqual(path, dir + "/digit-generator/state.json")
        XCTAssertEqual(StateFile.path(environment: ["HOME": "/home/u"]), "/home/u/.local/state/digit-generator/state.json")
        XCTAssertEqual(StateFile.load(path: path), .firstLaunch)
        let state = RememberedState(window: WindowGeometry(width: 360, height: 640, maximized: true),
                                    view: ViewSettings(digit: 1, seed: 2, temperature: 0.25, prior: .standard,
                                                       sliders: [SliderSetting(direction: .dimension(5), offset: -0.35),
                                                                 SliderSetting(direction: .principal(2), offset: 3)]))
        try StateFile.save(state, path: path)
        XCTAssertEqual(StateFile.load(path: path), .remembered(state))
        try Data("{\"version\": 1, \"window\": 3".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(StateFile.load(path: path),
                       .ignored(warning: "ignoring the remembered state in \(path): not the JSON this version writes"))
        var huge = state
        huge.window.width = 10_000_000
        try StateFile.save(huge, path: path)
        XCTAssertEqual(StateFile.load(path: path),
                       .ignored(warning: "ignoring the remembered state in \(path): window size 10000000x640 is out of range"))
    }

    /// AppCore with a fake main thread: loading, a slider move, a save, the state written.
    func testCoreLoadsRendersSavesAndRemembers() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let main = DispatchQueue(label: "fake-main")
        let clock = ManualClock()
        var core: AppCore!
        main.sync {
            core = AppCore(clock: clock, statePath: dir + "/state.json", fresh: false, seedStream: 5,
                           post: { body in main.async(execute: body) })
            core.load(weights: nil)
        }
        func waitUntil(_ what: String, _ condition: @escaping (AppState) -> Bool) {
            for _ in 0..<500 {
                if main.sync(execute: { condition(core.store.state) }) { return }
                Thread.sleep(forTimeInterval: 0.01)
            }
            XCTFail("timed out waiting for \(what)")
        }
        waitUntil("the first images") { $0.shown != nil && $0.previews != nil }
        main.sync { core.store.dispatch(.setOffset(slider: 0, 1)) }
        waitUntil("the moved images") { $0.shown?.view == $0.view }
        let png = dir + "/saved.png"
        main.sync { core.store.dispatch(.save(path: png, scale: 2)) }
        waitUntil("the save") { $0.messages.contains { $0.openPath == png } }
        let (w, h, _) = try PNG.readGray(path: png)
        XCTAssertEqual([w, h], [280, 56])
        let saved = try ViewMetadata.parse(PNG.readText(path: png).map { ViewMetadata.Entry($0.key, $0.value) })
        XCTAssertEqual(saved.view, main.sync { core.store.state.view })
        XCTAssertEqual(saved.weightsDigest, try Fixtures.shipped().info.digest)
        // The persist timer fires on the injected clock.
        main.sync {
            clock.advance(by: 2)
            core.timersDue()
        }
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: dir + "/state.json") { Thread.sleep(forTimeInterval: 0.01) }
        guard case .remembered(let r) = StateFile.load(path: dir + "/state.json") else { return XCTFail() }
        XCTAssertEqual(r.view.sliders[0].offset, 1)
        main.sync { core.shutdown() }
    }

    func testLayoutPutsFiveCellsInOneRowWhenWide() {
        let layout = CanvasLayout(count: 5, side: 28, width: 900, height: 300, gap: 12)
        XCTAssertEqual(layout.cells.count, 5)
        XCTAssertEqual(Set(layout.cells.map(\.y)).count, 1)
        XCTAssertEqual(layout.cells[0].size, 168)
        let right = 900 - (layout.cells[4].x + 168)
        XCTAssertEqual(layout.cells[0].x, right, accuracy: 1)
    }

    func testLayoutWrapsWhenNarrowAndTall() {
        let layout = CanvasLayout(count: 5, side: 28, width: 330, height: 400, gap: 8)
        XCTAssertGreaterThan(Set(layout.cells.map(\.y)).count, 1)
        XCTAssertTrue(layout.cells.allSatisfy { $0.size.truncatingRemainder(dividingBy: 28) == 0 })
        XCTAssertTrue(layout.cells.allSatisfy { $0.x >= 0 && $0.x + $0.size <= 330 && $0.y + $0.size <= 400 })
    }

    func testPercentileIsNearestRank() {
        let values = (1...100).map(Double.init)
        XCTAssertEqual(Trace.percentile(values, 0.50), 50)
        XCTAssertEqual(Trace.percentile(values, 0.99), 99)
        XCTAssertEqual(Trace.percentile([], 0.5), 0)
    }

    func testLoaderReportsTheFileAndTheProblem() {
        guard case .failure(let f) = ModelLoader.load(path: "/nonexistent/m.safetensors") else { return XCTFail() }
        XCTAssertEqual(f.path, "/nonexistent/m.safetensors")
        XCTAssertTrue(f.problem.contains("/nonexistent/m.safetensors"), f.problem)
        XCTAssertEqual(f.fix, "Check the file name, or start without `--weights` to use the shipped model.")
    }

    func testSuggestedNameCarriesDigitAndSeed() {
        var v = ViewSettings(digit: 7, seed: 42)
        XCTAssertEqual(ViewExport.suggestedName(v), "digit-7-seed-42.png")
        v.temperature = 0.5
        v.sliders[0].offset = 1
        XCTAssertEqual(ViewExport.suggestedName(v), "digit-7-seed-42-t0.50-moved.png")
    }
}

final class WindowLayoutTests: XCTestCase {
    func testArrangementFollowsTheWindow() {
        XCTAssertEqual(WindowLayout.choose(width: 360, height: 640), .compact)
        XCTAssertEqual(WindowLayout.choose(width: 619, height: 900), .compact)
        XCTAssertEqual(WindowLayout.choose(width: 940, height: 680), .stacked)
        XCTAssertEqual(WindowLayout.choose(width: 1280, height: 800), .stacked)
        XCTAssertEqual(WindowLayout.choose(width: 1000, height: 1400), .stacked)
        // Maximised 16:9 screens: the images are larger beside the controls.
        XCTAssertEqual(WindowLayout.choose(width: 1920, height: 1053), .sideBySide)
        XCTAssertEqual(WindowLayout.choose(width: 3840, height: 2160), .sideBySide)
        XCTAssertEqual(WindowLayout.digitButtonHeight(windowHeight: 640), 48)
        XCTAssertEqual(WindowLayout.digitButtonHeight(windowHeight: 1080), 72)
        XCTAssertEqual(WindowLayout.digitButtonHeight(windowHeight: 2160), 96)
    }
}
