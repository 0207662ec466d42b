import DigitCore
@testable import DigitStudio
import XCTest

/// The explorer's pages in the core: the same-style row, the latent map and the morph, as
/// state transitions and as decoded pixels.
final class ExplorerPagesTests: XCTestCase {
    /// Feeds every render effect back as its decoded result (what the worker does).
    static func settle(_ state: AppState, _ effects: [Effect], decoder: QueryDecoder) throws -> AppState {
        var s = state
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            guard case .render(let lane, let id, let query) = effect else { continue }
            let (next, more) = reduce(s, .rendered(lane, id, try decoder.decode(query)))
            s = next
            pending += more
        }
        return s
    }

    func testTheStyleRowIsTheFirstSampleAsEveryDigitAndPickingOneKeepsTheStyle() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model)
        var (s, effects) = try Fixtures.loaded(ViewSettings(digit: 3, seed: 42))
        s = try Self.settle(s, effects, decoder: decoder)
        let row = try XCTUnwrap(s.styleRow)
        XCTAssertEqual(row.images.count, 10)
        XCTAssertEqual(row.view, s.view)
        // The row's own digit is the first sample, within one grey level (batch sizes differ).
        let shown = try XCTUnwrap(s.shown).images.slice(0..<1).gray
        let cell = row.images.slice(3..<4).gray
        XCTAssertLessThanOrEqual(zip(shown, cell).map { abs(Int($0) - Int($1)) }.max() ?? 99, 1)
        // Ten different pictures.
        XCTAssertEqual(Set((0..<10).map { row.images.slice($0..<($0 + 1)).gray }).count, 10)

        // Picking 8 there: the digit 8 drawn from the 3's latent vectors, seed kept.
        (s, effects) = reduce(s, .pickStyleDigit(8))
        XCTAssertEqual(s.view.digit, 8)
        XCTAssertEqual(s.view.style, 3)
        XCTAssertEqual(s.view.seed, 42)
        s = try Self.settle(s, effects, decoder: decoder)
        let eight = try XCTUnwrap(s.shown).images.slice(0..<1).gray
        XCTAssertLessThanOrEqual(zip(eight, row.images.slice(8..<9).gray).map { abs(Int($0) - Int($1)) }.max() ?? 99, 1)
        // The new row is the same style: its 8 and 3 are those of the old row.
        let again = try XCTUnwrap(s.styleRow)
        XCTAssertEqual(again.images.slice(0..<10).gray.count, row.images.gray.count)
        XCTAssertLessThanOrEqual(zip(again.images.gray, row.images.gray).map { abs(Int($0) - Int($1)) }.max() ?? 99, 1)
        // Back to the source digit: no style any more; a new digit from the row of buttons clears it too.
        XCTAssertNil(reduce(s, .pickStyleDigit(3)).0.view.style)
        XCTAssertNil(reduce(s, .selectDigit(8)).0.view.style)
        XCTAssertNil(reduce(s, .newSamples).0.view.style)
        // A remembered view with a style it cannot have is refused.
        var bad = s.view
        bad.style = 8
        XCTAssertNotNil(Reducer.validate(bad, info: try Fixtures.shipped().info))
    }

    func testTheMapIsOneGridWhoseCentreIsTheSampleAndAPickMovesBothSliders() throws {
        let (model, info) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model)
        var (s, effects) = try Fixtures.loaded(ViewSettings(digit: 5, seed: 7))
        // The map is decoded only while it is shown.
        XCTAssertFalse(Fixtures.renders(effects).contains { $0.0 == .map })
        s = try Self.settle(s, effects, decoder: decoder)
        (s, effects) = reduce(s, .showPage(.map))
        XCTAssertEqual(s.page, .map)
        let maps = Fixtures.renders(effects).filter { $0.0 == .map }
        XCTAssertEqual(maps.count, 1)
        guard case .grid(_, let label, let x, let y) = maps[0].2 else { return XCTFail("the map is one grid") }
        XCTAssertEqual(label, 5)
        XCTAssertEqual(x.amounts.count, 11)
        XCTAssertEqual(x.amounts.first, -2)
        XCTAssertEqual(x.amounts.last, 2)
        XCTAssertEqual(y.amounts.first, 2, "the top row is +2 along slider B")
        s = try Self.settle(s, effects, decoder: decoder)
        let map = try XCTUnwrap(s.map)
        XCTAssertEqual(map.images.count, 121)
        // The centre cell equals the samples at offset 0.
        XCTAssertTrue(map.images.slice(60..<61).gray == (try XCTUnwrap(s.shown).images.slice(0..<1).gray), "centre cell")
        // A corner is the sample moved to (-2, +2).
        var corner = s.view
        corner.sliders[0].offset = -2
        corner.sliders[1].offset = 2
        let moved = try decoder.decode(corner.query(catalog: info.catalog)).slice(0..<1).gray
        XCTAssertTrue(map.images.slice(0..<1).gray == moved, "corner cell")

        // Picking a point sets both offsets (snapped) and the samples follow; the map stays.
        (s, effects) = reduce(s, .setOffsets(1.23, -0.51))
        XCTAssertEqual(s.view.sliders.map(\.offset), [1.25, -0.5])
        XCTAssertNotNil(Fixtures.samplesQuery(effects))
        XCTAssertFalse(Fixtures.renders(effects).contains { $0.0 == .map })
        XCTAssertEqual(LatentMap.cell(a: 1.25, b: -0.5, size: 11).column, 8)
        XCTAssertEqual(LatentMap.cell(a: 1.25, b: -0.5, size: 11).row, 6)
        XCTAssertEqual(LatentMap.cell(a: -3, b: 3, size: 25).column, 0)
        // A larger map: one grid of 625.
        (s, effects) = reduce(s, .setMapSize(25))
        s = try Self.settle(s, effects, decoder: decoder)
        XCTAssertEqual(s.map?.images.count, 625)
        XCTAssertTrue(s.map?.images.slice(312..<313).gray == map.images.slice(60..<61).gray, "centre of 25 x 25")
        XCTAssertEqual(reduce(s, .setMapSize(12)).0.mapSize, 25, "only the offered sizes")
    }

    func testTheMorphGoesFromTheSampleToTheOtherDigitAndExportsLikeTheCommand() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model)
        var (s, effects) = try Fixtures.loaded(ViewSettings(digit: 3, seed: 42, temperature: 0.9))
        s = try Self.settle(s, effects, decoder: decoder)
        (s, effects) = reduce(s, .showPage(.morph))
        let m = s.currentMorph
        XCTAssertEqual([m.fromDigit, m.toDigit, m.frames], [3, 8, 48])
        XCTAssertEqual(m.fromSeed, 42)
        XCTAssertTrue(m.sameStyle)
        let t = s.view.temperature
        XCTAssertEqual(m.temperature, t)
        s = try Self.settle(s, effects, decoder: decoder)
        let frames = try XCTUnwrap(s.morphFrames)
        XCTAssertEqual(frames.images.count, 48)
        // The first frame is `generate --digit 3 --seed 42 --count 1`, the last the same latent as 8.
        let first = try model.sample(digit: 3, count: 1, seed: 42, temperature: t).map(QueryDecoder.quantize)
        XCTAssertTrue(frames.images.slice(0..<1).gray == first, "first frame")
        let z = try model.sampleLatents(digit: 3, count: 1, seed: 42, temperature: t)
        XCTAssertTrue(frames.images.slice(47..<48).gray == (try model.decode(z: z, labels: [8]).map(QueryDecoder.quantize)), "last frame")

        // Two samples of one digit: not the same style, another seed for the end.
        (s, effects) = reduce(s, .setMorphDigit(3))
        (s, effects) = reduce(s, .setMorphSameStyle(false))
        XCTAssertFalse(s.currentMorph.sameStyle)
        XCTAssertNotEqual(s.currentMorph.toSeed, 42)
        let seed = s.currentMorph.toSeed
        (s, effects) = reduce(s, .newMorphEnd)
        XCTAssertNotEqual(s.currentMorph.toSeed, seed)
        (s, effects) = reduce(s, .setMorphFrames(96))
        XCTAssertEqual(s.currentMorph.frames, 96)
        XCTAssertEqual(reduce(s, .setMorphFrames(1)).0.currentMorph.frames, 96, "2-1000 frames")

        // Export: the GIF `digitgen morph --view` would write for the same view text.
        let (_, exportEffects) = reduce(s, .exportMorph(path: "/tmp/x.gif", scale: 4))
        guard case .exportMorph(let job)? = exportEffects.first else { return XCTFail("an export effect") }
        XCTAssertEqual(job.morph, s.currentMorph)
        XCTAssertEqual(job.scale, 4)
        XCTAssertEqual(job.fps, 24)
        let animation = try job.morph.animation(model: model, fps: job.fps, scale: job.scale)
        XCTAssertEqual(animation.frames.count, 96)
        XCTAssertEqual(animation.width, 112)
        let parsed = try Morph.from(view: ViewText.parse(try XCTUnwrap(animation.comment)))
        XCTAssertEqual(parsed.morph, job.morph)
        XCTAssertEqual(reduce(s, .exportMorph(path: "/tmp/x.gif", scale: 0)).0.messages.last?.text, "Cannot save at scale 0: choose 1 to 64")
    }

    func testCopyViewTextsOpenTheSameViewAndBadTextsAreNamed() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model)
        var (s, effects) = try Fixtures.loaded(ViewSettings(digit: 4, seed: 1234))
        s = try Self.settle(s, effects, decoder: decoder)
        s = reduce(s, .setOffsets(0.5, -1.25)).0
        s = reduce(s, .pickStyleDigit(9)).0
        // Samples (with a style), map and morph texts each open what they were copied from.
        let samplesText = try XCTUnwrap(s.viewText)
        XCTAssertTrue(samplesText.hasPrefix("view=samples digit=9 seed=1234"), samplesText)
        XCTAssertTrue(samplesText.contains("style=4"), samplesText)
        s = reduce(s, .showPage(.map)).0
        s = reduce(s, .setMapSize(21)).0
        let mapText = try XCTUnwrap(s.viewText)
        XCTAssertTrue(mapText.hasPrefix("view=map size=21 digit=9"), mapText)
        let mapState = s
        s = reduce(s, .showPage(.morph)).0
        s = reduce(s, .setMorphDigit(2)).0
        let morphText = try XCTUnwrap(s.viewText)
        XCTAssertTrue(morphText.hasPrefix("view=morph from=9 to=2 from-seed=1234"), morphText)
        let morphState = s

        var other = try Fixtures.loaded(ViewSettings(digit: 0, seed: 1)).0
        other = reduce(other, .openView(mapText)).0
        XCTAssertEqual(other.view, mapState.view)
        XCTAssertEqual(other.page, .map)
        XCTAssertEqual(other.mapSize, 21)
        other = reduce(other, .openView(samplesText)).0
        XCTAssertEqual(other.view, mapState.view)
        XCTAssertEqual(other.page, .samples)
        other = reduce(other, .openView("  " + morphText + "\n")).0
        XCTAssertEqual(other.page, .morph)
        XCTAssertEqual(other.currentMorph, morphState.currentMorph)
        XCTAssertTrue(other.messages.isEmpty, "\(other.messages)")

        // Bad texts: a message that says what is wrong, the view unchanged.
        for (text, expected) in [
            ("digit=3", "the view has no 'seed'"),
            ("view=gallery digit=3 seed=1", "not a samples, same-style or map view"),
            ("view=map size=12 digit=3 seed=1", "'size'"),
            ("digit=3 seed=1 style=3", "'style'"),
            ("view=morph from=3 to=8 from-seed=1 to-seed=2 frames=48 t=0.93", "a multiple of 0.05"),
            ("digit=3 seed=1 wobble=+1", "'wobble' is neither a view key"),
        ] {
            let (after, _) = reduce(other, .openView(text))
            XCTAssertEqual(after.view, other.view, text)
            let m = after.messages.last?.text ?? ""
            XCTAssertTrue(m.hasPrefix("Cannot open the view: ") && m.contains(expected), "\(text): \(m)")
        }
    }
}
