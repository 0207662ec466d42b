import DigitCore
@testable import DigitStudio
import XCTest

/// The handwriting page in the core: strokes, undo, clear, the person's correction, the hint
/// for an empty pad, stale results, and the restyle and its saved file.
final class HandwritingTests: XCTestCase {
    /// A "1": one stroke down the middle of the pad.
    static let one: [PadPoint] = (0...10).map { PadPoint(x: 0.5 + 0.01 * Float($0) / 10, y: 0.15 + 0.07 * Float($0)) }

    static func draw(_ state: AppState, _ stroke: [PadPoint]) -> (AppState, [Effect]) {
        var (s, effects) = reduce(state, .strokeBegan(stroke[0]))
        for p in stroke.dropFirst() {
            let (next, more) = reduce(s, .strokeExtended(p))
            s = next
            effects += more
        }
        let (done, more) = reduce(s, .strokeEnded)
        return (done, effects + more)
    }

    static func restyles(_ effects: [Effect]) -> [(QueryID, HandwritingJob)] {
        effects.compactMap { if case .restyle(let id, let job) = $0 { return (id, job) } else { return nil } }
    }

    /// The pad rendered without cairo (the shell's job): a disc of the pen's width at each
    /// point and between points, dark ink on white, as `StrokeRaster` draws it.
    static func rasterize(_ strokes: [[PadPoint]], side: Int = Handwriting.rasterSide) -> [UInt8] {
        var out = [UInt8](repeating: 255, count: side * side)
        let r = Double(Handwriting.penWidth) * Double(side) / 2
        func disc(_ cx: Double, _ cy: Double) {
            for y in max(0, Int(cy - r))...min(side - 1, Int(cy + r)) {
                for x in max(0, Int(cx - r))...min(side - 1, Int(cx + r)) where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= r * r {
                    out[y * side + x] = 0
                }
            }
        }
        for stroke in strokes {
            for (a, b) in zip(stroke, stroke.dropFirst() + [stroke.last!]) {
                for t in stride(from: 0.0, through: 1.0, by: 0.05) {
                    disc((Double(a.x) + t * Double(b.x - a.x)) * Double(side), (Double(a.y) + t * Double(b.y - a.y)) * Double(side))
                }
            }
        }
        return out
    }

    /// Runs the restyle effects as AppCore does (rasterize, then the worker's decode) and
    /// feeds the answers back.
    static func settle(_ state: AppState, _ effects: [Effect], decoder: QueryDecoder) throws -> AppState {
        var s = state
        for (id, job) in restyles(effects) {
            let picture = HandwritingPicture(side: Handwriting.rasterSide, gray: rasterize(job.strokes), digit: job.digit)
            do {
                s = reduce(s, .rendered(.handwriting, id, try decoder.decode(.restyle(picture)))).0
            } catch {
                s = reduce(s, .renderFailed(.handwriting, id, (error as? DigitCoreError)?.userMessage ?? "\(error)")).0
            }
        }
        return s
    }

    func testStrokesExtendUndoAndClearAndEachChangeAsksForOneRestyle() throws {
        var (s, _) = try Fixtures.loaded()
        XCTAssertTrue(s.handwriting.isEmpty)
        var effects: [Effect]
        (s, effects) = Self.draw(s, Self.one)
        XCTAssertEqual(s.handwriting.strokes, [Self.one])
        XCTAssertFalse(s.handwriting.drawing)
        // Every move asks again once the stroke is longer than a dot (from its third point,
        // 0.14 of the pad); the lane keeps only the newest (latest wins).
        let asked = Self.restyles(effects)
        XCTAssertEqual(asked.count, Self.one.count - 2)
        XCTAssertEqual(asked.last?.1.strokes, [Self.one])
        XCTAssertNil(asked.last?.1.digit)
        XCTAssertEqual(s.latestQuery[.handwriting], asked.last?.0)
        XCTAssertEqual(s.requests[.handwriting], .handwriting(revision: s.handwriting.revision, digit: nil))

        // A second stroke, then undo: back to the first.
        let bar = [PadPoint(x: 0.3, y: 0.2), PadPoint(x: 0.7, y: 0.2)]
        (s, _) = Self.draw(s, bar)
        XCTAssertEqual(s.handwriting.strokes.count, 2)
        XCTAssertEqual(s.handwriting.strokeText, "2 strokes")
        (s, effects) = reduce(s, .undoStroke)
        XCTAssertEqual(s.handwriting.strokes, [Self.one])
        XCTAssertEqual(Self.restyles(effects).map(\.1.strokes), [[Self.one]])
        // A move without a press adds nothing; points off the pad are clamped to its edge.
        XCTAssertEqual(reduce(s, .strokeExtended(PadPoint(x: 0.9, y: 0.9))).0.handwriting.strokes, [Self.one])
        let (off, _) = reduce(reduce(s, .strokeBegan(PadPoint(x: -2, y: 0.5))).0, .strokeExtended(PadPoint(x: 0.5, y: 7)))
        XCTAssertEqual(off.handwriting.strokes.last, [PadPoint(x: 0, y: 0.5), PadPoint(x: 0.5, y: 1)])
        XCTAssertEqual(reduce(s, .strokeBegan(PadPoint(x: .nan, y: 0.5))).0.handwriting.strokes.count, 1)

        // Clear: nothing left, nothing asked, nothing in flight.
        (s, effects) = reduce(s, .clearDrawing)
        XCTAssertTrue(s.handwriting.isEmpty)
        XCTAssertTrue(Self.restyles(effects).isEmpty)
        XCTAssertNil(s.latestQuery[.handwriting])
        XCTAssertNil(s.requests[.handwriting])
    }

    func testAnEmptyPadGivesTheHintNotAGuess() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model, classifier: try ClassifierFile.load(path: Resources.defaultClassifierPath()))
        var (s, effects) = try Fixtures.loaded()
        (s, effects) = Self.draw(s, Self.one)
        s = try Self.settle(s, effects, decoder: decoder)
        XCTAssertNotNil(s.handwriting.result)
        (s, effects) = reduce(s, .undoStroke)
        XCTAssertTrue(s.handwriting.isEmpty)
        XCTAssertNil(s.handwriting.result, "no guess without strokes")
        XCTAssertNil(s.handwriting.problem)
        XCTAssertTrue(Self.restyles(effects).isEmpty)
        XCTAssertEqual(s.handwriting.strokeText, "no strokes")
        // Undo and clear on an empty pad change nothing.
        XCTAssertEqual(reduce(s, .undoStroke).0, s)
        XCTAssertEqual(reduce(s, .clearDrawing).0, s)
    }

    func testADotIsRefusedWithAMessageInsteadOfAGuess() throws {
        var (s, effects) = try Fixtures.loaded()
        (s, effects) = Self.draw(s, [PadPoint(x: 0.5, y: 0.5), PadPoint(x: 0.52, y: 0.51)])
        XCTAssertEqual(s.handwriting.problem, Handwriting.tooSmallProblem)
        XCTAssertTrue(Self.restyles(effects).isEmpty)
        XCTAssertNil(s.handwriting.result)
        // MNISTStyle's own errors arrive as a failed render and are shown on the page.
        (s, effects) = Self.draw(s, Self.one)
        let id = try XCTUnwrap(Self.restyles(effects).last?.0)
        s = reduce(s, .renderFailed(.handwriting, id, MNISTStyleError.noContrast.userMessage)).0
        XCTAssertEqual(s.handwriting.problem, MNISTStyleError.noContrast.userMessage)
        XCTAssertNil(s.handwriting.result)
        XCTAssertTrue(s.messages.isEmpty, "on the page, not a toast")
        // The worker says so for a blank picture.
        let (model, _) = try Fixtures.shipped()
        let blank = HandwritingPicture(side: 280, gray: [UInt8](repeating: 255, count: 280 * 280), digit: 3)
        XCTAssertThrowsError(try QueryDecoder(model: model).decode(.restyle(blank))) { error in
            XCTAssertEqual(error as? MNISTStyleError, .noContrast)
        }
    }

    func testTheClassifierNamesTheDrawingAndTheRowIsTheStyleAsEveryDigit() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model, classifier: try ClassifierFile.load(path: Resources.defaultClassifierPath()))
        var (s, effects) = try Fixtures.loaded()
        (s, effects) = Self.draw(s, Self.one)
        s = try Self.settle(s, effects, decoder: decoder)
        let r = try XCTUnwrap(s.handwriting.result)
        XCTAssertEqual(r.revision, s.handwriting.revision)
        XCTAssertEqual(r.digit, 1)
        XCTAssertEqual(r.guess, 1)
        XCTAssertFalse(r.chosen)
        let p = try XCTUnwrap(r.probabilities)
        XCTAssertEqual(p.count, 10)
        XCTAssertEqual(Double(p.reduce(0, +)), 1, accuracy: 1e-4)
        XCTAssertTrue(r.guessText.hasPrefix("Looks like a 1 ("), r.guessText)
        XCTAssertEqual(r.images.count, 10)
        XCTAssertEqual(Set((0..<10).map { r.images.slice($0..<($0 + 1)).gray }).count, 10, "ten different digits")
        // The input is MNIST-style: 28 x 28, ink on black, centre of mass near (14, 14).
        XCTAssertEqual(r.input.count, 784)
        let mass = r.input.reduce(0) { $0 + Double($1) }
        let cy = r.input.enumerated().reduce(0) { $0 + Double($1.offset / 28) * Double($1.element) } / mass
        let cx = r.input.enumerated().reduce(0) { $0 + Double($1.offset % 28) * Double($1.element) } / mass
        XCTAssertEqual(cx, 14, accuracy: 0.6)
        XCTAssertEqual(cy, 14, accuracy: 0.6)
        XCTAssertEqual(r.input[0], 0)
        // The row is what the CLI path draws from the same input under the same digit.
        let again = try HandwritingRestyle.run(input: r.input, digit: 1, model: model, classifier: nil)
        XCTAssertEqual(again.images, r.images)
    }

    func testThePersonsDigitWinsUntilClear() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model, classifier: try ClassifierFile.load(path: Resources.defaultClassifierPath()))
        var (s, effects) = try Fixtures.loaded()
        (s, effects) = Self.draw(s, Self.one)
        s = try Self.settle(s, effects, decoder: decoder)
        (s, effects) = reduce(s, .chooseHandwritingDigit(7))
        XCTAssertEqual(Self.restyles(effects).map(\.1.digit), [7])
        s = try Self.settle(s, effects, decoder: decoder)
        var r = try XCTUnwrap(s.handwriting.result)
        XCTAssertEqual(r.digit, 7)
        XCTAssertTrue(r.chosen)
        XCTAssertNil(r.probabilities)
        XCTAssertEqual(r.guessText, "You chose 7")
        // More strokes keep the choice.
        (s, effects) = Self.draw(s, [PadPoint(x: 0.3, y: 0.15), PadPoint(x: 0.5, y: 0.15)])
        XCTAssertEqual(Set(Self.restyles(effects).map(\.1.digit)), [7])
        s = try Self.settle(s, effects, decoder: decoder)
        r = try XCTUnwrap(s.handwriting.result)
        XCTAssertEqual(r.digit, 7)
        // Out of range: ignored. Back to the classifier: nil.
        XCTAssertEqual(reduce(s, .chooseHandwritingDigit(12)).0, s)
        XCTAssertNil(reduce(s, .chooseHandwritingDigit(nil)).0.handwriting.chosenDigit)
        // Clear forgets it: the next drawing is the classifier's again.
        (s, _) = reduce(s, .clearDrawing)
        XCTAssertNil(s.handwriting.chosenDigit)
        (s, effects) = Self.draw(s, Self.one)
        XCTAssertEqual(Set(Self.restyles(effects).map(\.1.digit)), [nil])
    }

    func testStaleResultsAreDropped() throws {
        let (model, _) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model, classifier: try ClassifierFile.load(path: Resources.defaultClassifierPath()))
        var (s, effects) = try Fixtures.loaded()
        (s, effects) = reduce(s, .strokeBegan(PadPoint(x: 0.5, y: 0.1)))
        (s, effects) = reduce(s, .strokeExtended(PadPoint(x: 0.5, y: 0.6)))
        let first = try XCTUnwrap(Self.restyles(effects).first)
        (s, effects) = reduce(s, .strokeExtended(PadPoint(x: 0.5, y: 0.9)))
        let second = try XCTUnwrap(Self.restyles(effects).first)
        XCTAssertNotEqual(first.0, second.0)
        func answer(_ job: HandwritingJob) throws -> Rendered {
            try decoder.decode(.restyle(HandwritingPicture(side: 280, gray: Self.rasterize(job.strokes), digit: job.digit)))
        }
        // The older answer arrives late: dropped.
        let late = reduce(s, .rendered(.handwriting, first.0, try answer(first.1))).0
        XCTAssertNil(late.handwriting.result)
        XCTAssertEqual(late.latestQuery[.handwriting], second.0)
        XCTAssertEqual(reduce(s, .renderFailed(.handwriting, first.0, "old")).0.handwriting.problem, nil)
        // The newest lands.
        s = reduce(late, .rendered(.handwriting, second.0, try answer(second.1))).0
        XCTAssertEqual(s.handwriting.result?.revision, s.handwriting.revision)
        // An answer for a drawing that was cleared meanwhile is dropped too.
        (s, effects) = reduce(s, .strokeBegan(PadPoint(x: 0.2, y: 0.2)))
        (s, effects) = reduce(s, .strokeExtended(PadPoint(x: 0.8, y: 0.8)))
        let third = try XCTUnwrap(Self.restyles(effects).first)
        s = reduce(s, .clearDrawing).0
        s = reduce(s, .rendered(.handwriting, third.0, try answer(third.1))).0
        XCTAssertNil(s.handwriting.result)
    }

    func testWithoutAClassifierThePageAsksForTheDigit() throws {
        let (_, info) = try Fixtures.shipped()
        let noClassifier = ModelInfo(path: info.path, digest: info.digest, latent: info.latent, classes: info.classes,
                                     side: info.side, fittedPrior: info.fittedPrior, catalog: info.catalog,
                                     defaultTemperature: info.defaultTemperature, classifierProblem: "file not found")
        var (s, effects) = reduce(AppState(), .modelLoaded(noClassifier))
        (s, effects) = Self.draw(s, Self.one)
        XCTAssertTrue(Self.restyles(effects).isEmpty, "nothing to ask until the person names the digit")
        (s, effects) = reduce(s, .chooseHandwritingDigit(1))
        XCTAssertEqual(Self.restyles(effects).map(\.1.digit), [1])
    }

    func testSaveWritesTheDigitsWithTheDrawingAndTheMetadataReadsBack() throws {
        let (model, info) = try Fixtures.shipped()
        let decoder = QueryDecoder(model: model, classifier: try ClassifierFile.load(path: Resources.defaultClassifierPath()))
        var (s, effects) = try Fixtures.loaded()
        // Nothing drawn: a message, no file.
        (s, effects) = reduce(s, .saveHandwriting(path: "/tmp/x.png", scale: nil))
        XCTAssertTrue(effects.isEmpty)
        XCTAssertEqual(s.messages.last?.text, "Nothing to save yet: draw a digit on the pad first")
        (s, effects) = Self.draw(s, Self.one)
        s = try Self.settle(s, effects, decoder: decoder)
        let r = try XCTUnwrap(s.handwriting.result)
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/hand.png"
        (s, effects) = reduce(s, .saveHandwriting(path: file, scale: 3))
        guard case .saveHandwriting(let job)? = effects.first else { return XCTFail("no save effect: \(effects)") }
        XCTAssertEqual(job.saved, HandwritingMetadata.Saved(input: r.input, digit: r.digit, chosenByPerson: false,
                                                             scale: 3, weightsDigest: info.digest))
        try HandwritingExport.write(job, model: model)
        let png = try PNG.readGray(path: file)
        XCTAssertEqual([png.width, png.height], [10 * 28 * 3, 28 * 3])
        // The file's digits are the ones on the page.
        XCTAssertEqual(Rendered(count: 10, side: 28, gray: r.images.gray).strip(scale: 3).pixels, png.pixels)
        let entries = try PNG.readText(path: file).map { ViewMetadata.Entry($0.key, $0.value) }
        XCTAssertEqual(try HandwritingMetadata.parse(entries), job.saved)
        XCTAssertEqual(entries.first(where: { $0.key == "Input" })?.value.count, 1568)
    }

    func testTheMetadataParserNamesTheFirstProblem() throws {
        let saved = HandwritingMetadata.Saved(input: (0..<784).map { UInt8($0 % 256) }, digit: 4, chosenByPerson: true,
                                              scale: 8, weightsDigest: String(repeating: "ab", count: 32))
        let good = HandwritingMetadata.entries(saved)
        XCTAssertEqual(try HandwritingMetadata.parse(good), saved)
        func parse(_ entries: [HandwritingMetadata.Entry]) -> HandwritingMetadataError? {
            do { _ = try HandwritingMetadata.parse(entries); return nil } catch { return error as? HandwritingMetadataError }
        }
        func replacing(_ key: String, _ value: String) -> [HandwritingMetadata.Entry] {
            good.map { $0.key == key ? .init(key, value) : $0 }
        }
        XCTAssertEqual(parse([]), .notHandwriting)
        XCTAssertEqual(parse([.init("DigitGen view", "1")]), .samplesView)
        XCTAssertEqual(parse(replacing("DigitGen handwriting", "2")), .unsupportedVersion("2"))
        XCTAssertEqual(parse(good.filter { $0.key != "Input" }), .missing("Input"))
        XCTAssertEqual(parse(good + [.init("Digit", "4")]), .duplicate("Digit"))
        XCTAssertEqual(parse(replacing("Digit", "10")), .invalid(key: "Digit", value: "10", expected: "a digit 0-9"))
        XCTAssertEqual(parse(replacing("Digit chosen by", "me")),
                       .invalid(key: "Digit chosen by", value: "me", expected: "'person' or 'classifier'"))
        if case .invalid(let key, _, _)? = parse(replacing("Input", "zz")) { XCTAssertEqual(key, "Input") } else { XCTFail() }
        let upper = replacing("Input", good.first { $0.key == "Input" }!.value.uppercased())
        if case .invalid(let key, _, _)? = parse(upper) { XCTAssertEqual(key, "Input") } else { XCTFail("upper case hex") }
        if case .invalid(let key, _, _)? = parse(replacing("Input", String(repeating: "0", count: 1568))) {
            XCTAssertEqual(key, "Input")
        } else { XCTFail("no ink") }
        for bad in ["0.7", "1.50", "0.00", "-0.70", "0.7x", "00.70"] {
            if case .invalid(let key, _, _)? = parse(replacing("Style shrink", bad)) { XCTAssertEqual(key, "Style shrink") } else { XCTFail(bad) }
        }
        XCTAssertEqual(parse(replacing("Scale", "65")), .invalid(key: "Scale", value: "65", expected: "a whole number 1-64"))
        if case .invalid(let key, _, _)? = parse(replacing("Weights SHA-256", "abc")) { XCTAssertEqual(key, "Weights SHA-256") } else { XCTFail() }
        // Other tools' keys and the description are ignored.
        XCTAssertEqual(try HandwritingMetadata.parse(good.filter { $0.key != "Description" } + [.init("Software", "x")]), saved)
    }
}
