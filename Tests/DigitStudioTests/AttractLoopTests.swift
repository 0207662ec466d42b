import DigitCore
@testable import DigitStudio
import XCTest

/// The exhibit's attract loop and welcome view, the `.blend` query it decodes, and the
/// reducer's kiosk intents, with the shipped weights.
final class AttractLoopTests: XCTestCase {
    func welcome() throws -> ViewSettings {
        KioskWelcome.view(info: try Fixtures.shipped().info, seed: 1234)
    }

    func testTheWelcomeViewUsesTheNamedDirectionsAndTheDefaultTemperature() throws {
        let info = try Fixtures.shipped().info
        let v = KioskWelcome.view(info: info, seed: 77)
        XCTAssertEqual(v.digit, AppState.welcomeView.digit)
        XCTAssertEqual(v.seed, 77)
        XCTAssertEqual(v.temperature, ViewSettings.snapTemperature(info.defaultTemperature))
        XCTAssertEqual(v.sliders, [SliderSetting(direction: .named("slant")), SliderSetting(direction: .named("thickness"))])
        XCTAssertEqual(KioskWelcome.padHint(v), "Sideways: slant · up and down: thickness")
        // Weights without named directions: the first two principal directions.
        let bare = DirectionCatalog(latent: info.catalog.latent, entries: info.catalog.entries.map { $0.filter { !$0.id.isNamed } },
                                    means: info.catalog.means)
        XCTAssertEqual(KioskWelcome.sliders(catalog: bare), ViewSettings.defaultSliders)
    }

    func testTheLoopStartsAtTheWelcomeViewAndWalksThroughTheDigits() throws {
        let start = try welcome()
        let loop = AttractLoop(start: start)
        XCTAssertEqual(loop.stop(0), start)
        XCTAssertEqual(loop.frame(at: 0), .stop(start))
        var seeds = Set<UInt64>()
        for k in 1...20 {
            let v = loop.stop(k)
            XCTAssertEqual(v.digit, (start.digit + k) % 10)
            XCTAssertEqual(v.temperature, start.temperature)
            XCTAssertEqual(v.sliders.map(\.direction), start.sliders.map(\.direction))
            for s in v.sliders {
                XCTAssertLessThanOrEqual(abs(s.offset), AttractLoop.reach)
                XCTAssertEqual(ViewSettings.snapOffset(s.offset), s.offset, "offsets are on the sliders' steps")
            }
            XCTAssertLessThanOrEqual(v.seed, ViewSettings.maxSeed)
            seeds.insert(v.seed)
        }
        XCTAssertEqual(seeds.count, 20, "each stop has a seed of its own")
        // Both directions move: over ten stops each offset takes several values.
        for i in 0..<2 { XCTAssertGreaterThanOrEqual(Set((1...10).map { loop.stop($0).sliders[i].offset }).count, 6) }
        // The same start gives the same walk (a test can reproduce any moment).
        XCTAssertEqual(AttractLoop(start: start).stop(7), loop.stop(7))
    }

    func testEveryFrameMovesAndTheHandoverIsTheNearerStop() throws {
        let loop = AttractLoop(start: try welcome())
        let dt = 1.0 / 60
        var previous = loop.frame(at: 0)
        var t = dt
        while t < 3 * AttractLoop.stepSeconds {
            let f = loop.frame(at: t)
            XCTAssertNotEqual(f, previous, "a new picture every 60 Hz frame, at \(t) s")
            previous = f
            t += dt
        }
        let step = AttractLoop.stepSeconds
        XCTAssertEqual(loop.handover(at: 0.1), loop.stop(0))
        XCTAssertEqual(loop.handover(at: step * 0.9), loop.stop(1))
        XCTAssertEqual(loop.handover(at: step * 2 + 0.01), loop.stop(2))
        if case .between(let a, let b, let f) = loop.frame(at: step * 1.5) {
            XCTAssertEqual(a, loop.stop(1)); XCTAssertEqual(b, loop.stop(2))
            XCTAssertEqual(f, 0.5, accuracy: 0.01)
        } else { XCTFail("halfway between stops 1 and 2") }
        XCTAssertEqual(AttractLoop.stopIndex(at: -1), 0)
        XCTAssertEqual(AttractLoop.stopIndex(at: .nan), 0)
    }

    func testTheOrbitMovesTheContentWithinAMinuteAndKeepsItsSize() {
        XCTAssertEqual(AttractLoop.orbit(at: nil).left, Int(AttractLoop.orbitRadius))
        var positions: [Int] = []
        var t = 0.0
        while t < 60 {
            let p = AttractLoop.orbit(at: t)
            XCTAssertTrue((0...2 * Int(AttractLoop.orbitRadius)).contains(p.left))
            XCTAssertTrue((0...2 * Int(AttractLoop.orbitRadius)).contains(p.top))
            positions.append(p.left * 100 + p.top)
            t += AttractLoop.orbitStepSeconds
        }
        XCTAssertEqual(Set(positions).count, AttractLoop.orbitPositions, "every step of a minute is another position")
        for (a, b) in zip(positions, positions.dropFirst()) { XCTAssertNotEqual(a, b) }
    }

    func testABlendGivesItsEndsExactlyAndMovesBetweenThem() throws {
        let (model, info) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model)
        let loop = AttractLoop(start: try welcome())
        let a = loop.stop(0).query(catalog: info.catalog), b = loop.stop(1).query(catalog: info.catalog)
        XCTAssertEqual(try decoder.decode(.blend(from: a, to: b, t: 0)), try decoder.decode(a))
        XCTAssertEqual(try decoder.decode(.blend(from: a, to: b, t: 1)), try decoder.decode(b))
        let near0 = try decoder.decode(.blend(from: a, to: b, t: 0.001))
        let start = try decoder.decode(a)
        let maxDiff = zip(near0.gray, start.gray).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(maxDiff, 3, "a tiny step moves the pixels a little")
        let half = try decoder.decode(AttractLoop.query(.between(loop.stop(0), loop.stop(1), t: 0.5), catalog: info.catalog))
        XCTAssertEqual(half.count, ViewSettings.sampleCount)
        XCTAssertNotEqual(half.gray, start.gray)
        XCTAssertNotEqual(half.gray, try decoder.decode(b).gray)
        XCTAssertThrowsError(try decoder.decode(.blend(from: a, to: b, t: 1.5))) { e in
            XCTAssertEqual("\(e)", "a blend's fraction must be from 0 to 1, not 1.5")
        }
        let three = LatentQuery.samples(SampleSpec(digit: 1, count: 3, seed: 1, temperature: 1, prior: .fitted), offsets: [])
        XCTAssertThrowsError(try decoder.decode(.blend(from: a, to: three, t: 0.5))) { e in
            XCTAssertEqual("\(e)", "a blend needs as many images at both ends, not 5 and 3")
        }
    }

    func testTheReducerDrawsAttractFramesAndHandsTheViewOver() throws {
        var (s, _) = try Fixtures.loaded()
        var effects: [Effect]
        (s, effects) = reduce(s, .kioskWelcome)
        XCTAssertEqual(s.view.sliders.map(\.direction), [.named("slant"), .named("thickness")])
        XCTAssertNotEqual(s.view.seed, AppState.welcomeView.seed)
        XCTAssertNotNil(Fixtures.samplesQuery(effects))
        let loop = AttractLoop(start: s.view)
        let frame = loop.frame(at: 1)
        (s, effects) = reduce(s, .attractFrame(frame))
        let renders = Fixtures.renders(effects)
        XCTAssertEqual(renders.count, 1)
        XCTAssertEqual(renders[0].0, .attract)
        XCTAssertEqual(renders[0].2, AttractLoop.query(frame, catalog: try Fixtures.shipped().info.catalog))
        // The same frame again is not asked twice.
        XCTAssertTrue(reduce(s, .attractFrame(frame)).1.isEmpty)
        let images = Rendered(count: 5, side: 28, gray: [UInt8](repeating: 9, count: 5 * 784))
        let generated = s.imagesGenerated
        (s, _) = reduce(s, .rendered(.attract, renders[0].1, images))
        XCTAssertEqual(s.attract, AttractShown(frame: frame, images: images))
        XCTAssertEqual(s.imagesGenerated, generated + 5)
        // A visitor: the loop's nearer stop becomes the view, drawn by the samples lane.
        let handover = loop.handover(at: 2.9)
        (s, effects) = reduce(s, .attractStopped(handover))
        XCTAssertNil(s.attract)
        XCTAssertEqual(s.view, handover)
        XCTAssertEqual(Fixtures.samplesQuery(effects)?.1, handover.query(catalog: try Fixtures.shipped().info.catalog))
        // A late attract frame after the stop is stale.
        let before = s
        (s, _) = reduce(s, .rendered(.attract, renders[0].1, images))
        XCTAssertEqual(s, before)
        // Idle reset: the welcome view with another fresh seed.
        let seed = s.view.seed
        (s, _) = reduce(s, .kioskWelcome)
        XCTAssertEqual(s.view.digit, AppState.welcomeView.digit)
        XCTAssertNotEqual(s.view.seed, seed)
        XCTAssertEqual(s.view.sliders.map(\.offset), [0, 0])
    }
}

/// The kiosk's command line and key file.
final class KioskOptionsTests: XCTestCase {
    func testKioskOptionsOnTheCommandLine() {
        XCTAssertEqual(AppOptions.outcome(["--kiosk"], version: "1"), .run(weights: nil, fresh: false, kiosk: KioskOverrides()))
        XCTAssertEqual(AppOptions.outcome(["--kiosk", "--attract-after", "20", "--reset-after=15", "--staff-pin", "0042",
                                           "--health-file", "/var/tmp/h.json"], version: "1"),
                       .run(weights: nil, fresh: false,
                            kiosk: KioskOverrides(attractAfter: 20, resetAfter: 15, staffPIN: "0042", healthFile: "/var/tmp/h.json")))
        XCTAssertEqual(AppOptions.outcome(["--attract-after", "20"], version: "1"),
                       .exit(text: "digit-generator: --attract-after is a kiosk setting: use it with --kiosk", status: 2))
        guard case .exit(let text, 2) = AppOptions.outcome(["--kiosk", "--reset-after", "soon"], version: "1") else { return XCTFail() }
        XCTAssertTrue(text.hasPrefix("digit-generator: "), text)
    }

    func testTheCommandLineWinsOverTheKeyFileAndBadValuesAreNamed() throws {
        let file = (entries: ["attract-after": "90", "reset-after": "30", "staff-pin": "1234"], path: "/etc/k.conf")
        let o = try KioskOptions.resolve(KioskOverrides(attractAfter: 20), keyFile: file)
        XCTAssertEqual(o.attractAfter, 20)
        XCTAssertEqual(o.resetAfter, 30)
        XCTAssertEqual(o.staffPIN, "1234")
        XCTAssertEqual(try KioskOptions.resolve(KioskOverrides(), keyFile: nil), KioskOptions())
        XCTAssertThrowsError(try KioskOptions.resolve(KioskOverrides(staffPIN: "12a4"), keyFile: nil)) { e in
            XCTAssertEqual("\(e)", "kiosk setting staff-pin = '****' (command line) is not valid: expected 1 to 12 digits")
        }
        XCTAssertThrowsError(try KioskOptions.resolve(KioskOverrides(resetAfter: 0), keyFile: nil)) { e in
            XCTAssertTrue("\(e)".contains("reset-after"), "\(e)")
        }
        XCTAssertThrowsError(try KioskOptions.resolve(KioskOverrides(), keyFile: (["atract-after": "5"], "/etc/k.conf"))) { e in
            XCTAssertEqual("\(e)", "/etc/k.conf: unknown kiosk setting 'atract-after' (known: attract-after, reset-after, staff-pin, health-file)")
        }
        XCTAssertEqual(KioskOptions.keyFilePath(environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]), "/c/digit-generator/kiosk.conf")
        XCTAssertEqual(KioskOptions.keyFilePath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"]), "/h/.config/digit-generator/kiosk.conf")
        XCTAssertNil(KioskOptions.keyFilePath(environment: [:]))
    }
}
