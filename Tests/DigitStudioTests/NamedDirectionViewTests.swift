import DigitCore
@testable import DigitStudio
import XCTest

/// Named directions (slant, thickness, width, height, stored with the weights) as the app
/// offers them: in the catalog, in saved views, in the remembered state and in the view text.
final class NamedDirectionViewTests: XCTestCase {
    let digest = String(repeating: "cd", count: 32)

    func testNamedDirectionIDs() {
        let slant = DirectionID.named("slant")
        XCTAssertEqual(slant.title, "Slant")
        XCTAssertEqual(slant.phrase, "slant")
        XCTAssertEqual(slant.token, "named-slant")
        XCTAssertTrue(slant.isNamed)
        XCTAssertFalse(DirectionID.principal(0).isNamed)
        for id in [slant, .named("stroke-width_2"), .named("principal-1"), .named(String(repeating: "x", count: 32))] {
            XCTAssertEqual(DirectionID(token: id.token), id)
        }
        for bad in ["named-", "named-Slant", "named-a.b", "named-" + String(repeating: "x", count: 33), "named-é", "slant"] {
            XCTAssertNil(DirectionID(token: bad), bad)
        }
    }

    func testTheCatalogHoldsTheStoredVectorsWithTheirPriorSpread() throws {
        let (model, info) = try Fixtures.shipped()
        let catalog = info.catalog
        let stored = try XCTUnwrap(model.directions)
        XCTAssertTrue(catalog.contains(.named("slant")))
        XCTAssertFalse(catalog.contains(.named("curl")))
        for digit in 0..<10 {
            for name in stored.names {
                let d = try XCTUnwrap(catalog.direction(.named(name), digit: digit))
                XCTAssertEqual(d.unit, stored.vector(name, digit: digit))
                XCTAssertEqual(d.spread, LatentDirections.spread(of: d.unit, digit: digit, prior: model.prior))
                XCTAssertGreaterThan(d.spread, 0.1)
                XCTAssertGreaterThan(d.effect, 0.005, "\(name) of \(digit) changes the image")
                XCTAssertTrue(d.subtitle.hasPrefix("fitted to the \(name) of training digits; changes "), d.subtitle)
            }
        }
        // The samples move by offset x spread x unit along a named direction.
        let view = ViewSettings(digit: 5, seed: 3, sliders: [SliderSetting(direction: .named("width"), offset: 1.5),
                                                             SliderSetting(direction: .principal(0))])
        guard case .samples(_, let offsets) = view.query(catalog: catalog) else { return XCTFail() }
        let width = try XCTUnwrap(catalog.direction(.named("width"), digit: 5))
        XCTAssertEqual(offsets[0], LatentOffset(step: width.step, amount: 1.5))
        // Weights without named directions: none in the catalog, and a view naming one is refused.
        let plain = DirectionCatalog.build(model: try model.with(directions: nil), measureEffects: false)
        XCTAssertEqual(plain.names, [])
        XCTAssertEqual(plain.entries[0].count, 40)
        XCTAssertFalse(plain.contains(.named("slant")))
        XCTAssertEqual(plain.whyMissing(.named("slant")),
                       "these weights have no direction slant (they have principal-1 to principal-20, dimension-0 to dimension-19; "
                       + "no named directions (digitgen fit-directions adds them))")
        XCTAssertNil(catalog.whyMissing(.named("slant")))
    }

    func testSavedViewsCarryNamedDirectionsByToken() throws {
        let view = ViewSettings(digit: 7, seed: 12, temperature: 0.8, prior: .fitted,
                                sliders: [SliderSetting(direction: .named("thickness"), offset: -1.25),
                                          SliderSetting(direction: .named("slant"), offset: 2)])
        let entries = ViewMetadata.entries(view: view, scale: 4, weightsDigest: digest)
        XCTAssertTrue(entries.contains(ViewMetadata.Entry("Slider A direction", "named-thickness")))
        XCTAssertTrue(entries.contains(ViewMetadata.Entry("Slider B direction", "named-slant")))
        XCTAssertTrue(entries.last!.value.contains("thickness at -1.3 standard deviations, slant at +2.0 standard deviations"),
                      entries.last!.value)
        XCTAssertEqual(try ViewMetadata.parse(entries).view, view)
        let bad = entries.map { $0.key == "Slider A direction" ? ViewMetadata.Entry($0.key, "named-Thick") : $0 }
        XCTAssertThrowsError(try ViewMetadata.parse(bad)) { e in
            XCTAssertEqual((e as? ViewMetadataError)?.description,
                           "the view's 'Slider A direction' is 'named-Thick', expected 'principal-N' (N from 1), 'dimension-N' (N from 0) or 'named-NAME'")
        }
    }

    func testARememberedNamedDirectionComesBackAndAMissingOneIsRefused() throws {
        let view = ViewSettings(digit: 2, seed: 99, temperature: 0.7, prior: .fitted,
                                sliders: [SliderSetting(direction: .principal(3), offset: 0.5),
                                          SliderSetting(direction: .named("height"), offset: -2.05)])
        let remembered = RememberedState(window: WindowGeometry(width: 800, height: 600, maximized: false), view: view)
        // Through the JSON file.
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.json"
        try StateFile.save(remembered, path: path)
        XCTAssertEqual(StateFile.load(path: path), .remembered(remembered))
        // Older files (principal and dimension only) still read the same way.
        let json = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(json.contains("\"named\""), json)
        XCTAssertTrue(json.contains("\"principal\""), json)
        // Restored before and after the weights load.
        var s = reduce(AppState(), .restore(remembered)).0
        s = reduce(s, .modelLoaded(try Fixtures.shipped().info)).0
        XCTAssertEqual(s.view, view)
        XCTAssertEqual(s.offsetText(slider: 1), "-2.1 standard deviations along height")
        // A named direction these weights lack: the welcome view, with the reason in the log.
        var bad = view
        bad.sliders[1].direction = .named("curl")
        let (s2, e2) = reduce(reduce(AppState(), .restore(RememberedState(window: .init(), view: bad))).0,
                              .modelLoaded(try Fixtures.shipped().info))
        XCTAssertEqual(s2.view, AppState.welcomeView)
        XCTAssertTrue(e2.contains(.log("the remembered view is not valid for these weights (no curl); starting afresh")), "\(e2)")
        // Restored after loading: ignored the same way.
        let (loaded, _) = try Fixtures.loaded()
        XCTAssertEqual(reduce(loaded, .restore(RememberedState(window: .init(), view: bad))).0.view, loaded.view)
        // Choosing a named direction from the menu.
        let chosen = reduce(loaded, .chooseDirection(slider: 0, .named("slant"))).0
        XCTAssertEqual(chosen.view.sliders.map(\.direction), [.named("slant"), .principal(1)])
        XCTAssertEqual(reduce(loaded, .chooseDirection(slider: 0, .named("curl"))).0.view, loaded.view)
    }

    // MARK: - View text

    func testViewTextFormatsAndReadsBack() throws {
        let catalog = try Fixtures.shipped().info.catalog
        let view = ViewSettings(digit: 3, seed: 42, temperature: 0.8, prior: .fitted,
                                sliders: [SliderSetting(direction: .named("slant"), offset: 1.2),
                                          SliderSetting(direction: .principal(1), offset: -0.5)])
        XCTAssertEqual(view.viewText.description, "view=samples digit=3 seed=42 t=0.80 prior=fitted slant=+1.20 principal-2=-0.50")
        XCTAssertEqual(try ViewSettings(viewText: view.viewText.description, catalog: catalog), view)
        let other = ViewSettings(digit: 0, seed: ViewSettings.maxSeed, temperature: 0, prior: .standard,
                                 sliders: [SliderSetting(direction: .dimension(19), offset: -3),
                                           SliderSetting(direction: .named("height"), offset: 0.05)])
        XCTAssertEqual(other.viewText.description,
                       "view=samples digit=0 seed=4294967295 t=0.00 prior=standard dimension-19=-3.00 height=+0.05")
        XCTAssertEqual(try ViewSettings(viewText: other.viewText.description, catalog: catalog), other)
        // Every offset and temperature step survives the round trip.
        for ticks in -60...60 {
            var v = view
            v.sliders[1].offset = ViewSettings.offset(ticks: ticks)
            v.temperature = ViewSettings.snapTemperature(Float(abs(ticks) % 31) / 20)
            XCTAssertEqual(try ViewSettings(viewText: v.viewText.description, catalog: catalog), v)
        }
        // The short form: no view=, no prior; offsets and t snapped like the sliders.
        XCTAssertEqual(try ViewSettings(viewText: "digit=3 seed=42 t=0.8 slant=+1.2 thickness=-0.5", catalog: catalog),
                       ViewSettings(digit: 3, seed: 42, temperature: 0.8, prior: .fitted,
                                    sliders: [SliderSetting(direction: .named("slant"), offset: 1.2),
                                              SliderSetting(direction: .named("thickness"), offset: -0.5)]))
        XCTAssertEqual(try ViewSettings(viewText: "  slant=1.23\tseed=7 digit=9 t=0.83 named-width=-0.02 ", catalog: catalog),
                       ViewSettings(digit: 9, seed: 7, temperature: 0.85, prior: .fitted,
                                    sliders: [SliderSetting(direction: .named("slant"), offset: 1.25),
                                              SliderSetting(direction: .named("width"), offset: 0)]))
        // Fewer than two directions: the default sliders fill in; no t: the weights' default.
        XCTAssertEqual(try ViewSettings(viewText: "digit=4 seed=1", catalog: catalog, defaultTemperature: 0.9),
                       ViewSettings(digit: 4, seed: 1, temperature: 0.9))
        XCTAssertEqual(try ViewSettings(viewText: "digit=4 seed=1 principal-1=2", catalog: catalog).sliders,
                       [SliderSetting(direction: .principal(0), offset: 2), SliderSetting(direction: .principal(1))])
        XCTAssertEqual(try ViewSettings(viewText: "digit=4 seed=1 principal-2=2", catalog: catalog).sliders,
                       [SliderSetting(direction: .principal(1), offset: 2), SliderSetting(direction: .principal(0))])
    }

    func testANameThatReadsAsAnotherKeyIsWrittenAsItsToken() throws {
        XCTAssertEqual(ViewSettings.textKey(.named("slant")), "slant")
        XCTAssertEqual(ViewSettings.textKey(.named("seed")), "named-seed")
        XCTAssertEqual(ViewSettings.textKey(.named("principal-2")), "named-principal-2")
        XCTAssertEqual(ViewSettings.textKey(.named("named-x")), "named-named-x")
        XCTAssertEqual(ViewSettings.textKey(.dimension(4)), "dimension-4")
        // Weights whose directions are called "seed" and "principal-2" still round-trip.
        let (model, _) = try Fixtures.shipped()
        let stored = try XCTUnwrap(model.directions)
        let renamed = try LatentDirections(classes: 10, latent: 20, names: ["seed", "principal-2"],
                                           vectors: ["seed": stored.vectors["slant"]!, "principal-2": stored.vectors["width"]!])
        let catalog = DirectionCatalog.build(model: try model.with(directions: renamed), measureEffects: false)
        let view = ViewSettings(digit: 1, seed: 5, sliders: [SliderSetting(direction: .named("seed"), offset: 1),
                                                             SliderSetting(direction: .named("principal-2"), offset: -1)])
        XCTAssertEqual(view.viewText.description, "view=samples digit=1 seed=5 t=1.00 prior=fitted named-seed=+1.00 named-principal-2=-1.00")
        XCTAssertEqual(try ViewSettings(viewText: view.viewText.description, catalog: catalog), view)
    }

    private func error(_ text: String) -> String {
        do {
            let catalog = try Fixtures.shipped().info.catalog
            let v = try ViewSettings(viewText: text, catalog: catalog)
            return "no error: \(v.viewText)"
        } catch {
            return (error as? DigitCoreError)?.description ?? "\(error)"
        }
    }

    func testBadViewTextsSayWhatIsWrong() {
        let available = "slant, thickness, width, height, principal-1 to principal-20, dimension-0 to dimension-19"
        XCTAssertEqual(error(""), "the view text is empty")
        XCTAssertEqual(error("digit=3 seed=1 colour=red"),
                       "'colour' is neither a view key (view, digit, seed, t, prior, style, size) nor a direction of these weights (\(available))")
        XCTAssertEqual(error("digit=3 seed=1 curl=+1"),
                       "'curl' is neither a view key (view, digit, seed, t, prior, style, size) nor a direction of these weights (\(available))")
        XCTAssertEqual(error("digit=3 seed=1 Slant=+1"), "'Slant' is not a view key (lower-case letters, digits, - _ .)")
        XCTAssertEqual(error("digit=3 seed=1 a.b=+1"),
                       "'a.b' is neither a view key (view, digit, seed, t, prior, style, size) nor a direction of these weights (\(available))")
        XCTAssertEqual(error("digit=3 seed=1 principal-21=+1"), "these weights have no direction principal-21 (they have \(available))")
        XCTAssertEqual(error("digit=3 seed=1 dimension-20=+1"), "these weights have no direction dimension-20 (they have \(available))")
        XCTAssertEqual(error("digit=3 digit=4 seed=1"), "view key 'digit' appears twice")
        XCTAssertEqual(error("digit=3 seed=1 slant=1 slant=2"), "view key 'slant' appears twice")
        XCTAssertEqual(error("digit=3 seed=1 slant=1 named-slant=2"), "named-slant and slant are the same direction; the two sliders need two")
        XCTAssertEqual(error("digit=3 seed=1 slant=1 width=2 height=0"),
                       "the view moves along 3 directions (slant, width, height); it has two sliders")
        XCTAssertEqual(error("digit=10 seed=1"), "view key 'digit' is '10', expected a whole number in 0-9")
        XCTAssertEqual(error("seed=1"), "the view has no 'digit'")
        XCTAssertEqual(error("digit=1"), "the view has no 'seed'")
        XCTAssertEqual(error("digit=1 seed=4294967296"), "view key 'seed' is '4294967296', expected a whole number 0-4294967295")
        XCTAssertEqual(error("digit=1 seed=-1"), "view key 'seed' is '-1', expected a whole number 0-4294967295")
        XCTAssertEqual(error("digit=1 seed=1 t=1.6"), "view key 't' is '1.6', expected a number in 0.0-1.5")
        XCTAssertEqual(error("digit=1 seed=1 t=nan"), "view key 't' is 'nan', expected a number in 0.0-1.5")
        XCTAssertEqual(error("digit=1 seed=1 prior=Fitted"), "view key 'prior' is 'Fitted', expected 'fitted' or 'standard'")
        XCTAssertEqual(error("digit=1 seed=1 slant=3.1"), "view key 'slant' is '3.1', expected an offset from -3 to +3 standard deviations")
        XCTAssertEqual(error("digit=1 seed=1 slant=-inf"), "view key 'slant' is '-inf', expected an offset from -3 to +3 standard deviations")
        XCTAssertEqual(error("digit=1 seed=1 slant=x"), "view key 'slant' is 'x', expected an offset from -3 to +3 standard deviations")
        XCTAssertEqual(error("view=morph from=3 to=8"), "the view is a morph view, not a samples, same-style or map view")
        XCTAssertEqual(error("digit 3"), "'digit' in the view text is not key=value")
        XCTAssertEqual(error("digit=1 seed=1 slant="), "view key 'slant' has no value")
    }
}
