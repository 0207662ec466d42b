import DigitCore
@testable import DigitStudio
import XCTest

/// Every transition of the main view, without a display.
final class ReducerTests: XCTestCase {
    func testLoadingTheModelAsksForTheSamplesAndThePreviews() throws {
        let (s, effects) = try Fixtures.loaded()
        XCTAssertNotNil(s.info)
        let lanes = Fixtures.renders(effects).map(\.0)
        XCTAssertEqual(lanes, [.samples, .previews, .styleRow])
        guard case .samples(let spec, let offsets)? = Fixtures.samplesQuery(effects)?.1 else { return XCTFail() }
        XCTAssertEqual(spec, SampleSpec(digit: 3, count: 5, seed: AppState.welcomeView.seed, temperature: 1, prior: .fitted))
        XCTAssertEqual(offsets.map(\.amount), [0, 0])
        XCTAssertTrue(effects.contains(.startTimer(.prefetch, seconds: Reducer.prefetchDelay)))
        // Before the model there is nothing to draw.
        XCTAssertTrue(reduce(AppState(), .newSamples).1.isEmpty)
    }

    func testSelectingADigitDrawsNewSamplesWithANewSeed() throws {
        let (s0, _) = try Fixtures.loaded()
        let (s1, e1) = reduce(s0, .selectDigit(7))
        XCTAssertEqual(s1.view.digit, 7)
        XCTAssertNotEqual(s1.view.seed, s0.view.seed)
        XCTAssertEqual(Fixtures.renders(e1).map(\.0), [.samples, .previews, .styleRow])
        // The same digit again: new samples again.
        let (s2, _) = reduce(s1, .selectDigit(7))
        XCTAssertEqual(s2.view.digit, 7)
        XCTAssertNotEqual(s2.view.seed, s1.view.seed)
        // Out of range: nothing.
        let (s3, e3) = reduce(s2, .selectDigit(10))
        XCTAssertEqual(s3, s2)
        XCTAssertTrue(e3.isEmpty)
    }

    func testNewSamplesKeepsTheDigitAndTheSliders() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setOffset(slider: 0, 1.2)).0
        let (s1, e1) = reduce(s, .newSamples)
        XCTAssertEqual(s1.view.digit, s.view.digit)
        XCTAssertNotEqual(s1.view.seed, s.view.seed)
        XCTAssertEqual(s1.view.sliders, s.view.sliders)
        XCTAssertNotNil(Fixtures.samplesQuery(e1))
        XCTAssertLessThanOrEqual(s1.view.seed, ViewSettings.maxSeed)
    }

    func testTemperatureSnapsToStepsAndKeysMoveIt() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setTemperature(0.537)).0
        XCTAssertEqual(s.view.temperature, 0.55)
        s = reduce(s, .setTemperature(7)).0
        XCTAssertEqual(s.view.temperature, 1.5)
        s = reduce(s, .temperatureKey(.pageDown)).0
        XCTAssertEqual(s.view.temperature, 1.25)
        s = reduce(s, .temperatureKey(.stepDown)).0
        XCTAssertEqual(s.view.temperature, 1.2)
        s = reduce(s, .temperatureKey(.minimum)).0
        XCTAssertEqual(s.view.temperature, 0)
        s = reduce(s, .temperatureKey(.stepDown)).0
        XCTAssertEqual(s.view.temperature, 0)
        s = reduce(s, .temperatureKey(.reset)).0
        XCTAssertEqual(s.view.temperature, 1)
    }

    func testTheSeedFieldChangesNothingUntilEnter() throws {
        let (s0, _) = try Fixtures.loaded()
        let (s1, e1) = reduce(s0, .editSeed("4242"))
        XCTAssertEqual(s1.view.seed, s0.view.seed, "typing does not change the seed in use")
        XCTAssertEqual(s1.seedText, "4242")
        XCTAssertTrue(e1.isEmpty)
        let (s2, e2) = reduce(s1, .commitSeed)
        XCTAssertEqual(s2.view.seed, 4242)
        XCTAssertNil(s2.seedDraft)
        XCTAssertEqual(s2.seedText, "4242")
        XCTAssertNotNil(Fixtures.samplesQuery(e2))
        XCTAssertTrue(e2.contains(.focus(.images)), "Enter gives the keyboard back")
    }

    func testEscapeAndLeavingTheSeedFieldRevertIt() throws {
        let (s0, _) = try Fixtures.loaded()
        let (s1, e1) = reduce(reduce(s0, .editSeed("99")).0, .cancelSeedEdit)
        XCTAssertEqual(s1.view.seed, s0.view.seed)
        XCTAssertEqual(s1.seedText, String(s0.view.seed))
        XCTAssertEqual(e1, [.focus(.images)])
        let (s2, e2) = reduce(reduce(s0, .editSeed("99")).0, .seedFieldLeft)
        XCTAssertEqual(s2.seedText, String(s0.view.seed))
        XCTAssertTrue(e2.isEmpty, "the focus went elsewhere already")
    }

    func testAnInvalidSeedIsRefusedWithAMessage() throws {
        let (s0, _) = try Fixtures.loaded()
        for text in ["abc", "-1", "4294967296", "", "1.5"] {
            let (s1, e1) = reduce(reduce(s0, .editSeed(text)).0, .commitSeed)
            XCTAssertEqual(s1.view.seed, s0.view.seed, text)
            XCTAssertEqual(s1.messages.count, 1, text)
            XCTAssertTrue(s1.messages[0].text.contains("whole number from 0 to 4294967295"), s1.messages[0].text)
            XCTAssertEqual(e1, [.focus(.images)])
        }
    }

    func testChoosingADirectionStartsItAtZero() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setOffset(slider: 0, 2)).0
        let (s1, e1) = reduce(s, .chooseDirection(slider: 0, .dimension(4)))
        XCTAssertEqual(s1.view.sliders[0], SliderSetting(direction: .dimension(4), offset: 0))
        XCTAssertEqual(s1.view.sliders[1], s.view.sliders[1])
        XCTAssertNotNil(Fixtures.samplesQuery(e1))
        // The same direction again: nothing.
        XCTAssertTrue(reduce(s1, .chooseDirection(slider: 0, .dimension(4))).1.isEmpty)
        // A direction the model does not have: nothing.
        XCTAssertEqual(reduce(s1, .chooseDirection(slider: 0, .dimension(20))).0, s1)
    }

    func testChoosingTheOtherSlidersDirectionSwapsThem() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setOffset(slider: 0, -1.5)).0
        s = reduce(s, .setOffset(slider: 1, 2.5)).0
        let before = s.view.sliders
        let (s1, _) = reduce(s, .chooseDirection(slider: 0, before[1].direction))
        XCTAssertEqual(s1.view.sliders, [before[1], before[0]], "directions and offsets swap")
        XCTAssertNotEqual(s1.view.sliders[0].direction, s1.view.sliders[1].direction)
    }

    func testOffsetsSnapAndKeysStepByTheRange() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setOffset(slider: 1, 0.26)).0
        XCTAssertEqual(s.view.sliders[1].offset, 0.25)
        s = reduce(s, .setOffset(slider: 1, -9)).0
        XCTAssertEqual(s.view.sliders[1].offset, -3)
        s = reduce(s, .sliderKey(slider: 1, .stepUp)).0
        XCTAssertEqual(s.view.sliders[1].offset, -2.7, "arrows move 1/20 of the 6-sd range")
        s = reduce(s, .sliderKey(slider: 1, .pageUp)).0
        XCTAssertEqual(s.view.sliders[1].offset, -1.2, "Page Up moves 1/4 of the range")
        s = reduce(s, .sliderKey(slider: 1, .maximum)).0
        XCTAssertEqual(s.view.sliders[1].offset, 3)
        s = reduce(s, .sliderKey(slider: 1, .stepUp)).0
        XCTAssertEqual(s.view.sliders[1].offset, 3)
        s = reduce(s, .sliderKey(slider: 1, .minimum)).0
        XCTAssertEqual(s.view.sliders[1].offset, -3)
        s = reduce(s, .sliderKey(slider: 1, .reset)).0
        XCTAssertEqual(s.view.sliders[1].offset, 0)
        s = reduce(s, .setOffset(slider: 1, 1)).0
        s = reduce(s, .resetOffset(slider: 1)).0
        XCTAssertEqual(s.view.sliders[1].offset, 0)
        XCTAssertEqual(s.offsetText(slider: 0), "+0.0 standard deviations along direction 1")
        s = reduce(s, .setOffset(slider: 0, 1.2)).0
        XCTAssertEqual(s.offsetText(slider: 0), "+1.2 standard deviations along direction 1")
        s = reduce(s, .setOffset(slider: 0, -1)).0
        XCTAssertEqual(s.offsetText(slider: 0), "-1.0 standard deviation along direction 1")
    }

    func testStaleResultsAreDropped() throws {
        let (s0, e0) = try Fixtures.loaded()
        let first = Fixtures.samplesQuery(e0)!.0
        let (s1, e1) = reduce(s0, .setOffset(slider: 0, 1))
        let second = Fixtures.samplesQuery(e1)!.0
        XCTAssertNotEqual(first, second)
        let image = Rendered(count: 5, side: 28, gray: [UInt8](repeating: 1, count: 5 * 784))
        let (s2, _) = reduce(s1, .rendered(.samples, first, image))
        XCTAssertNil(s2.shown, "the result of a replaced query is not shown")
        let (s3, _) = reduce(s2, .rendered(.samples, second, image))
        XCTAssertEqual(s3.shown?.view, s1.view)
        XCTAssertEqual(s3.shown?.revision, s1.viewRevision)
        // Delivered twice: the second time it is stale too.
        XCTAssertEqual(reduce(s3, .rendered(.samples, second, image)).0, s3)
    }

    /// After the view has been still, the sweeps are asked for; once they are in, a slider
    /// move is shown at once from them, with no query.
    func testSweepsServeSliderMovesWithoutAQuery() throws {
        let (s0, _) = try Fixtures.loaded()
        let (s1, e1) = reduce(s0, .timerFired(.prefetch))
        let sweeps = Fixtures.renders(e1)
        XCTAssertEqual(Set(sweeps.map(\.0)), [.sweep(.slider(0)), .sweep(.slider(1)), .sweep(.temperature)])
        guard let (_, id, query) = sweeps.first(where: { $0.0 == .sweep(.slider(0)) }) else { return XCTFail() }
        XCTAssertEqual(query.count, 121 * 5)
        let decoder = QueryDecoder(model: try Fixtures.shipped().model)
        let images = try decoder.decode(query)
        let (s2, _) = reduce(s1, .rendered(.sweep(.slider(0)), id, images))
        let (s3, e3) = reduce(s2, .setOffset(slider: 0, 0.3))
        XCTAssertNil(Fixtures.samplesQuery(e3), "served from the sweep")
        XCTAssertEqual(s3.shown?.view, s3.view)
        XCTAssertEqual(s3.shown?.revision, s3.viewRevision)
        // The same pixels as a query for that view.
        XCTAssertEqual(s3.shown?.images, try decoder.decode(s3.view.query(catalog: s3.catalog!)))
        // The other slider is not swept for this view yet: it asks.
        XCTAssertNotNil(Fixtures.samplesQuery(reduce(s3, .setOffset(slider: 1, 0.3)).1))
        // Asking again while nothing changed asks for nothing new for slider 0.
        let again = Fixtures.renders(reduce(s3, .timerFired(.prefetch)).1).map(\.0)
        XCTAssertFalse(again.contains(.sweep(.slider(0))))
    }

    func testPreviewsAreStoredPerDirection() throws {
        let (s0, e0) = try Fixtures.loaded()
        guard let (_, id, query) = Fixtures.renders(e0).first(where: { $0.0 == .previews }) else { return XCTFail() }
        let images = try QueryDecoder(model: try Fixtures.shipped().model).decode(query)
        XCTAssertEqual(images.count, 44 * 5, "4 named, 20 principal, 20 dimensions")
        let (s1, _) = reduce(s0, .rendered(.previews, id, images))
        XCTAssertEqual(s1.previews?.digit, 3)
        XCTAssertEqual(s1.previews?.strip(.principal(0))?.count, 5)
        XCTAssertEqual(s1.previews?.strip(.named("slant"))?.count, 5)
        XCTAssertEqual(s1.previews?.directions.count, 44)
        // An offset does not change the previews.
        XCTAssertFalse(Fixtures.renders(reduce(s1, .setOffset(slider: 0, 1)).1).contains { $0.0 == .previews })
    }

    func testSaveCarriesTheViewAndReportsBack() throws {
        var (s, _) = try Fixtures.loaded()
        s = reduce(s, .setOffset(slider: 1, -0.5)).0
        let (s1, e1) = reduce(s, .save(path: "/tmp/x.png", scale: nil))
        guard case .save(let job)? = e1.first else { return XCTFail("\(e1)") }
        XCTAssertEqual(job.scale, 8)
        XCTAssertEqual(job.path, "/tmp/x.png")
        XCTAssertEqual(try ViewMetadata.parse(job.metadata).view, s.view)
        XCTAssertEqual(s1.saveScale, 8)
        let (s2, _) = reduce(s1, .saved(path: "/tmp/x.png"))
        XCTAssertEqual(s2.messages.last?.text, "Saved x.png")
        XCTAssertEqual(s2.messages.last?.openPath, "/tmp/x.png")
        let id = s2.messages.last!.id
        XCTAssertTrue(reduce(s2, .messageShown(id)).0.messages.isEmpty)
        let (s3, e3) = reduce(s1, .saveFailed(path: "/tmp/x.png", message: "disk full"))
        XCTAssertEqual(s3.messages.last?.text, "Could not save x.png: disk full")
        XCTAssertEqual(e3, [.log("cannot save /tmp/x.png: disk full")])
        XCTAssertEqual(reduce(s, .save(path: "/tmp/x.png", scale: 0)).0.messages.last?.text, "Cannot save at scale 0: choose 1 to 64")
    }

    func testRememberedViewIsRestoredOrReplacedWhenInvalid() throws {
        let view = ViewSettings(digit: 8, seed: 77, temperature: 0.5, prior: .fitted,
                                sliders: [SliderSetting(direction: .dimension(3), offset: 1.5),
                                          SliderSetting(direction: .principal(0), offset: -0.25)])
        let remembered = RememberedState(window: WindowGeometry(width: 400, height: 700, maximized: false), view: view)
        var s = reduce(AppState(), .restore(remembered)).0
        XCTAssertEqual(s.view, view)
        XCTAssertEqual(s.window.width, 400)
        s = reduce(s, .modelLoaded(try Fixtures.shipped().info)).0
        XCTAssertEqual(s.view, view)

        var bad = view
        bad.sliders[0].direction = .dimension(57)
        let (s2, e2) = reduce(reduce(AppState(), .restore(RememberedState(window: .init(), view: bad))).0,
                              .modelLoaded(try Fixtures.shipped().info))
        XCTAssertEqual(s2.view, AppState.welcomeView)
        XCTAssertTrue(e2.contains(.log("the remembered view is not valid for these weights (no latent dimension 57); starting afresh")))
    }

    func testTimersPersistTheStateOnceStill() throws {
        let (s0, e0) = try Fixtures.loaded()
        XCTAssertTrue(e0.contains(.startTimer(.persist, seconds: Reducer.persistDelay)))
        let (_, e1) = reduce(s0, .timerFired(.persist))
        XCTAssertEqual(e1, [.persist(RememberedState(window: s0.window, view: s0.view))])
        let (s2, e2) = reduce(s0, .windowResized(WindowGeometry(width: 360, height: 640)))
        XCTAssertEqual(s2.window, WindowGeometry(width: 360, height: 640))
        XCTAssertEqual(e2, [.startTimer(.persist, seconds: Reducer.persistDelay)])
    }

    func testDescriptionNamesDigitSeedAndOffsets() {
        var v = ViewSettings(digit: 7, seed: 42)
        XCTAssertEqual(AppState.describe(v), "Five generated images of the digit 7 (seed 42)")
        v.temperature = 0.5
        v.sliders[1].offset = -1.25
        XCTAssertEqual(AppState.describe(v),
                       "Five generated images of the digit 7 (seed 42, temperature 0.50, direction 2 at -1.3 standard deviations)")
    }
}
