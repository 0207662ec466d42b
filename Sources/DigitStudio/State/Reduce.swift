import DigitCore
import Foundation

/// The app's one state transition: a pure function from the state and an intent to the next
/// state and the effects the shell must perform. No clock, no I/O, no randomness except the
/// seed stream kept in the state.
public func reduce(_ state: AppState, _ intent: Intent) -> (AppState, [Effect]) {
    var s = state
    var effects: [Effect] = []
    Reducer.apply(intent, to: &s, effects: &effects)
    return (s, effects)
}

enum Reducer {
    /// How long the view must be still before the sweeps are decoded and the state written.
    static let prefetchDelay = 0.15
    static let persistDelay = 1.0

    static func apply(_ intent: Intent, to s: inout AppState, effects: inout [Effect]) {
        switch intent {
        case .modelLoaded(let info):
            s.model = .ready(info)
            if let problem = validate(s.view, info: info) {
                effects.append(.log("the remembered view is not valid for these weights (\(problem)); starting afresh"))
                s.view = AppState.welcomeView(for: info)
            } else if !s.viewIsRemembered {
                s.view.temperature = ViewSettings.snapTemperature(info.defaultTemperature)
            }
            s.sweeps = [:]
            s.previews = nil
            s.styleRow = nil
            s.map = nil
            s.morphFrames = nil
            viewChanged(&s, &effects)
            if !s.handwriting.isEmpty { handwritingChanged(&s, &effects) }
        case .modelFailed(let failure):
            s.model = .failed(failure)

        case .selectDigit(let digit):
            guard let info = s.info, (0..<info.classes).contains(digit) else { return }
            s.view.digit = digit
            s.view.style = nil
            s.view.seed = nextSeed(&s)
            s.seedDraft = nil
            viewChanged(&s, &effects)
        case .newSamples:
            guard s.info != nil else { return }
            s.view.style = nil
            s.view.seed = nextSeed(&s)
            s.seedDraft = nil
            viewChanged(&s, &effects)
        case .setTemperature(let t):
            setTemperature(ViewSettings.snapTemperature(t), &s, &effects)
        case .temperatureKey(let key):
            let t = s.view.temperature
            let next: Float
            switch key {
            case .stepUp: next = t + 0.05
            case .stepDown: next = t - 0.05
            case .pageUp: next = t + 0.25
            case .pageDown: next = t - 0.25
            case .minimum: next = 0
            case .maximum: next = ViewSettings.maxTemperature
            case .reset: next = 1
            }
            setTemperature(ViewSettings.snapTemperature(next), &s, &effects)
        case .setPrior(let prior):
            guard s.view.prior != prior else { return }
            s.view.prior = prior
            viewChanged(&s, &effects)

        case .editSeed(let text):
            s.seedDraft = text
        case .commitSeed:
            defer { effects.append(.focus(.images)) }
            guard let draft = s.seedDraft else { return }
            s.seedDraft = nil
            let text = draft.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let seed = UInt64(text),
                  seed <= ViewSettings.maxSeed else {
                message(&s, "“\(draft.prefix(24))” is not a seed: type a whole number from 0 to \(ViewSettings.maxSeed)")
                return
            }
            guard seed != s.view.seed, s.info != nil else { return }
            s.view.seed = seed
            viewChanged(&s, &effects)
        case .cancelSeedEdit:
            s.seedDraft = nil
            effects.append(.focus(.images))
        case .seedFieldLeft:
            s.seedDraft = nil

        case .chooseDirection(let index, let id):
            guard let catalog = s.catalog, s.view.sliders.indices.contains(index), catalog.contains(id),
                  s.view.sliders[index].direction != id else { return }
            if let other = s.view.sliders.indices.first(where: { $0 != index && s.view.sliders[$0].direction == id }) {
                // Never two sliders on one direction: the two swap, offsets and all.
                s.view.sliders.swapAt(index, other)
            } else {
                s.view.sliders[index] = SliderSetting(direction: id, offset: 0)
            }
            viewChanged(&s, &effects)
        case .setOffset(let index, let value):
            setOffset(index, ViewSettings.snapOffset(value), &s, &effects)
        case .sliderKey(let index, let key):
            guard s.view.sliders.indices.contains(index) else { return }
            let range = ViewSettings.offsetRange
            let v = s.view.sliders[index].offset
            let next: Float
            switch key {
            case .stepUp: next = v + 2 * range / 20
            case .stepDown: next = v - 2 * range / 20
            case .pageUp: next = v + 2 * range / 4
            case .pageDown: next = v - 2 * range / 4
            case .minimum: next = -range
            case .maximum: next = range
            case .reset: next = 0
            }
            setOffset(index, ViewSettings.snapOffset(next), &s, &effects)
        case .resetOffset(let index):
            setOffset(index, 0, &s, &effects)
        case .setOffsets(let a, let b):
            guard s.view.sliders.count == 2 else { return }
            let pair = [ViewSettings.snapOffset(a), ViewSettings.snapOffset(b)]
            guard pair != s.view.sliders.map(\.offset) else { return }
            for i in 0..<2 { s.view.sliders[i].offset = pair[i] }
            viewChanged(&s, &effects)

        case .showPage(let page):
            guard s.page != page else { return }
            s.page = page
            pageContent(&s, &effects)
        case .pickStyleDigit(let digit):
            guard let info = s.info, (0..<info.classes).contains(digit) else { return }
            let source = s.view.style ?? s.view.digit
            guard digit != s.view.digit else { return }
            s.view.digit = digit
            s.view.style = digit == source ? nil : source
            s.seedDraft = nil
            viewChanged(&s, &effects)
        case .setMapSize(let size):
            guard LatentMap.sizes.contains(size), s.mapSize != size else { return }
            s.mapSize = size
            pageContent(&s, &effects)
        case .setMorphDigit(let digit):
            guard let info = s.info, (0..<info.classes).contains(digit), s.currentMorph.toDigit != digit else { return }
            s.morphEnd.digit = digit
            pageContent(&s, &effects)
        case .setMorphSameStyle(let on):
            guard s.morphEnd.sameStyle != on else { return }
            s.morphEnd.sameStyle = on
            // Two samples of one digit with one seed would be one picture: start with another.
            if !on, s.morphEnd.seed == nil { s.morphEnd.seed = nextSeed(&s) }
            pageContent(&s, &effects)
        case .newMorphEnd:
            guard s.info != nil else { return }
            s.morphEnd.sameStyle = false
            s.morphEnd.seed = nextSeed(&s)
            pageContent(&s, &effects)
        case .setMorphFrames(let frames):
            guard Morph.frameRange.contains(frames), s.morphEnd.frames != frames else { return }
            s.morphEnd.frames = frames
            pageContent(&s, &effects)
        case .setMorphSpeed(let speed):
            guard MorphEnd.speeds.contains(speed) else { return }
            s.morphEnd.speed = speed

        case .strokeBegan(let p):
            guard let point = padPoint(p), s.handwriting.strokes.count < Handwriting.maxStrokes else { return }
            s.handwriting.strokes.append([point])
            s.handwriting.drawing = true
            handwritingChanged(&s, &effects)
        case .strokeExtended(let p):
            guard s.handwriting.drawing, let point = padPoint(p), let last = s.handwriting.strokes.last,
                  last.last != point, last.count < Handwriting.maxPointsPerStroke else { return }
            s.handwriting.strokes[s.handwriting.strokes.count - 1].append(point)
            handwritingChanged(&s, &effects)
        case .strokeEnded:
            s.handwriting.drawing = false
        case .undoStroke:
            guard !s.handwriting.strokes.isEmpty else { return }
            s.handwriting.strokes.removeLast()
            s.handwriting.drawing = false
            handwritingChanged(&s, &effects)
        case .clearDrawing:
            guard !s.handwriting.strokes.isEmpty || s.handwriting.chosenDigit != nil else { return }
            s.handwriting.strokes = []
            s.handwriting.drawing = false
            s.handwriting.chosenDigit = nil
            handwritingChanged(&s, &effects)
        case .chooseHandwritingDigit(let digit):
            if let digit, !(0...9).contains(digit) { return }
            guard s.handwriting.chosenDigit != digit else { return }
            s.handwriting.chosenDigit = digit
            handwritingChanged(&s, &effects)

        case .kioskWelcome:
            guard let info = s.info else { return }
            s.attract = nil
            s.latestQuery[.attract] = nil
            s.requests[.attract] = nil
            s.view = KioskWelcome.view(info: info, seed: nextSeed(&s))
            s.seedDraft = nil
            s.page = .samples
            viewChanged(&s, &effects)
        case .attractFrame(let frame):
            guard let info = s.info, s.requests[.attract] != .attract(frame), s.attract?.frame != frame else { return }
            submit(.attract, AttractLoop.query(frame, catalog: info.catalog), .attract(frame), &s, &effects)
        case .attractStopped(let view):
            s.attract = nil
            s.latestQuery[.attract] = nil
            s.requests[.attract] = nil
            guard let info = s.info, validate(view, info: info) == nil else { return }
            s.view = view
            s.seedDraft = nil
            viewChanged(&s, &effects)

        case .rendered(let lane, let id, let images):
            guard s.latestQuery[lane] == id else { return }  // stale: a newer query replaced it
            s.imagesGenerated += images.count
            s.latestQuery[lane] = nil
            received(lane, images, &s, &effects)
        case .renderFailed(let lane, let id, let text):
            guard s.latestQuery[lane] == id else { return }
            s.latestQuery[lane] = nil
            s.requests[lane] = nil
            effects.append(.log("cannot draw the images: \(text)"))
            if lane == .samples { message(&s, "Cannot draw the images: \(text)") }
            if lane == .handwriting {
                // The drawing cannot be read (a dot, a line too faint): the page says why.
                s.handwriting.problem = text
                s.handwriting.result = nil
            }

        case .save(let path, let scale):
            let page: SavedPage = s.page == .map ? .map(size: s.mapSize) : .samples
            save(path: path, scale: scale, page: page, &s, &effects)
        case .viewCopied(let text):
            message(&s, "Copied “\(text)”")
        case .openView(let raw):
            openView(raw, &s, &effects)
        case .saveStyleRow(let path, let scale):
            save(path: path, scale: scale, page: .sameStyle, &s, &effects)
        case .exportMorph(let path, let scale):
            guard s.info != nil else { return }
            let k = scale ?? s.saveScale
            guard (1...64).contains(k) else {
                message(&s, "Cannot save at scale \(k): choose 1 to 64")
                return
            }
            s.saveScale = k
            effects.append(.exportMorph(MorphExportJob(path: path, morph: s.currentMorph, fps: s.morphEnd.fps, scale: k)))
        case .saveHandwriting(let path, let scale):
            guard let info = s.info else { return }
            let k = scale ?? s.saveScale
            guard (1...64).contains(k) else {
                message(&s, "Cannot save at scale \(k): choose 1 to 64")
                return
            }
            let h = s.handwriting
            guard let result = h.result, result.revision == h.revision, !h.isEmpty else {
                message(&s, h.isEmpty ? "Nothing to save yet: draw a digit on the pad first"
                                      : "Nothing to save yet: the drawing is still being read")
                return
            }
            s.saveScale = k
            let saved = HandwritingMetadata.Saved(input: result.input, digit: result.digit, chosenByPerson: result.chosen,
                                                  scale: k, weightsDigest: info.digest)
            effects.append(.saveHandwriting(HandwritingSaveJob(path: path, saved: saved)))
        case .saved(let path):
            message(&s, "Saved \(fileName(path))", open: path)
        case .saveFailed(let path, let text):
            effects.append(.log("cannot save \(path): \(text)"))
            message(&s, "Could not save \(fileName(path)): \(text)")
        case .messageShown(let id):
            s.messages.removeAll { $0.id == id }

        case .windowResized(let geometry):
            guard geometry != s.window else { return }
            s.window = geometry
            effects.append(.startTimer(.persist, seconds: persistDelay))
        case .restore(let remembered):
            s.window = remembered.window
            if s.info == nil {
                s.view = remembered.view
                s.viewIsRemembered = true
            } else if let info = s.info, validate(remembered.view, info: info) == nil {
                s.view = remembered.view
                s.viewIsRemembered = true
                viewChanged(&s, &effects)
            }
        case .timerFired(.prefetch):
            prefetch(&s, &effects)
        case .timerFired(.persist):
            effects.append(.persist(RememberedState(window: s.window, view: s.view)))
        }
    }

    // MARK: - View changes

    /// Shows the view a text describes (what "Copy view" gave), or says why it cannot.
    private static func openView(_ raw: String, _ s: inout AppState, _ effects: inout [Effect]) {
        guard let info = s.info else { return }
        do {
            let text = try ViewText.parse(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            if text["view"] == "morph" {
                let (m, fps, _) = try Morph.from(view: text)
                guard (0..<info.classes).contains(m.fromDigit), (0..<info.classes).contains(m.toDigit) else {
                    throw ViewTextError.badValue(key: "from", value: "\(m.fromDigit)", expected: "a digit of the model")
                }
                guard m.fromSeed <= ViewSettings.maxSeed, m.toSeed <= ViewSettings.maxSeed else {
                    throw ViewTextError.badValue(key: "from-seed", value: "\(max(m.fromSeed, m.toSeed))",
                                                 expected: "a seed 0-\(ViewSettings.maxSeed) (the app's range)")
                }
                guard m.temperature <= ViewSettings.maxTemperature, ViewSettings.snapTemperature(m.temperature) == m.temperature else {
                    throw ViewTextError.badValue(key: "t", value: "\(m.temperature)", expected: "a multiple of 0.05 from 0 to 1.5")
                }
                var v = s.view
                v.digit = m.fromDigit
                v.seed = m.fromSeed
                v.temperature = m.temperature
                v.prior = m.prior
                v.style = nil
                s.view = v
                s.morphEnd.digit = m.toDigit
                s.morphEnd.seed = m.toSeed
                s.morphEnd.sameStyle = m.sameStyle
                s.morphEnd.frames = m.frames
                s.morphEnd.fps = fps
                s.page = .morph
            } else {
                let v = try ViewSettings(viewText: text, catalog: info.catalog, defaultTemperature: info.defaultTemperature)
                let page = try SavedPage(viewText: text)
                if let problem = validate(v, info: info) {
                    message(&s, "Cannot open the view: \(problem) does not fit these weights")
                    return
                }
                s.view = v
                switch page {
                case .map(let size):
                    s.page = .map
                    s.mapSize = size
                case .samples, .sameStyle:
                    s.page = .samples
                }
            }
            s.seedDraft = nil
            viewChanged(&s, &effects)
        } catch {
            message(&s, "Cannot open the view: " + ((error as? DigitCoreError)?.userMessage ?? "\(error)"))
        }
    }

    private static func save(path: String, scale: Int?, page: SavedPage, _ s: inout AppState, _ effects: inout [Effect]) {
        guard let info = s.info else { return }
        let k = scale ?? s.saveScale
        guard (1...64).contains(k) else {
            message(&s, "Cannot save at scale \(k): choose 1 to 64")
            return
        }
        s.saveScale = k
        effects.append(.save(ViewExport.job(view: s.view, page: page, scale: k, path: path, catalog: info.catalog,
                                            weightsDigest: info.digest)))
    }

    private static func setTemperature(_ t: Float, _ s: inout AppState, _ effects: inout [Effect]) {
        guard s.view.temperature != t else { return }
        s.view.temperature = t
        viewChanged(&s, &effects)
    }

    private static func setOffset(_ index: Int, _ value: Float, _ s: inout AppState, _ effects: inout [Effect]) {
        guard s.view.sliders.indices.contains(index), s.view.sliders[index].offset != value else { return }
        s.view.sliders[index].offset = value
        viewChanged(&s, &effects)
    }

    /// The view changed: show it from a sweep when one holds it, else ask the samples lane;
    /// bring the previews up to date; decode the sweeps and write the state once still.
    static func viewChanged(_ s: inout AppState, _ effects: inout [Effect]) {
        s.viewRevision += 1
        effects.append(.startTimer(.persist, seconds: persistDelay))
        guard let info = s.info else { return }
        if let images = fromSweeps(s) {
            s.shown = ShownImages(view: s.view, images: images, revision: s.viewRevision)
            s.latestQuery[.samples] = nil  // a query still running shows an older view
            s.requests[.samples] = nil
        } else {
            submit(.samples, s.view.query(catalog: info.catalog), .samples(s.view, s.viewRevision), &s, &effects)
        }
        let spec = previewSpec(s.view)
        if s.previews?.spec != spec, s.requests[.previews] != .previews(spec) {
            let catalog = info.catalog
            let ids = catalog.entries[s.view.digit].map(\.id)
            let query = LatentQuery.batch(catalog.entries[s.view.digit].map { d in
                .grid(base: .sample(spec, index: 0), label: spec.drawnAs,
                      x: Axis(step: d.step, amounts: Previews.amounts), y: .none(latent: catalog.latent))
            })
            submit(.previews, query, .previews(spec), &s, &effects)
            s.pendingPreviewIDs = ids
        }
        pageContent(&s, &effects)
        effects.append(.startTimer(.prefetch, seconds: prefetchDelay))
    }

    /// Asks for what the view's pages show and is not decoded yet: the same-style row always
    /// (ten images), the map and the morph only while their page is shown.
    static func pageContent(_ s: inout AppState, _ effects: inout [Effect]) {
        guard let info = s.info else { return }
        let view = s.view
        if s.styleRow?.view != view, s.requests[.styleRow] != .styleRow(view) {
            submit(.styleRow, view.sameStyleQuery(catalog: info.catalog, classes: info.classes), .styleRow(view), &s, &effects)
        }
        switch s.page {
        case .samples:
            break
        case .map:
            let key = LatentMap.key(view, size: s.mapSize)
            if s.map?.key != key, s.requests[.map] != .map(key) {
                submit(.map, LatentMap.query(key, catalog: info.catalog), .map(key), &s, &effects)
            }
        case .morph:
            let morph = s.currentMorph
            if s.morphFrames?.morph != morph, s.requests[.morph] != .morph(morph) {
                submit(.morph, .morph(morph), .morph(morph), &s, &effects)
            }
        case .handwriting:
            break
        }
    }

    /// Previews show the first sample of the view's samples.
    static func previewSpec(_ view: ViewSettings) -> SampleSpec { view.sampleSpec }

    private static func submit(_ lane: Lane, _ query: LatentQuery, _ request: Request,
                               _ s: inout AppState, _ effects: inout [Effect]) {
        let id = s.nextQueryID
        s.nextQueryID += 1
        s.latestQuery[lane] = id
        s.requests[lane] = request
        effects.append(.render(lane, id, query))
    }

    /// The view's images from a sweep, if one was decoded for it.
    static func fromSweeps(_ s: AppState) -> Rendered? {
        for (target, sweep) in s.sweeps where sweep.key == sweepKey(target, s.view) {
            if let images = sweep.images(at: sweptValue(target, s.view)) { return images }
        }
        return nil
    }

    static func sweepKey(_ target: SweepTarget, _ view: ViewSettings) -> ViewSettings {
        switch target {
        case .slider(let i): return view.zeroing(slider: i)
        case .temperature:
            var v = view
            v.temperature = 0
            return v
        }
    }

    static func sweptValue(_ target: SweepTarget, _ view: ViewSettings) -> Float {
        switch target {
        case .slider(let i): return view.sliders.indices.contains(i) ? view.sliders[i].offset : 0
        case .temperature: return view.temperature
        }
    }

    static func sweepValues(_ target: SweepTarget) -> [Float] {
        switch target {
        case .slider:
            return (-ViewSettings.offsetTicks...ViewSettings.offsetTicks).map { ViewSettings.offset(ticks: $0) }
        case .temperature:
            return (0...30).map { Float($0) / Float(20) }
        }
    }

    static var sweepTargets: [SweepTarget] {
        (0..<ViewSettings.defaultSliders.count).map { SweepTarget.slider($0) } + [.temperature]
    }

    /// Asks for every sweep that does not match the view (the view has been still a moment).
    private static func prefetch(_ s: inout AppState, _ effects: inout [Effect]) {
        guard let info = s.info else { return }
        for target in sweepTargets {
            let key = sweepKey(target, s.view)
            if s.sweeps[target]?.key == key || s.requests[.sweep(target)] == .sweep(key) { continue }
            let values = sweepValues(target)
            let query = LatentQuery.batch(values.map { value -> LatentQuery in
                var v = key
                switch target {
                case .slider(let i): v.sliders[i].offset = value
                case .temperature: v.temperature = value
                }
                return v.query(catalog: info.catalog)
            })
            submit(.sweep(target), query, .sweep(key), &s, &effects)
        }
    }

    private static func received(_ lane: Lane, _ images: Rendered, _ s: inout AppState, _ effects: inout [Effect]) {
        let request = s.requests[lane]
        s.requests[lane] = nil
        switch (lane, request) {
        case (.samples, .samples(let view, let revision)?):
            s.shown = ShownImages(view: view, images: images, revision: revision)
        case (.sweep(let target), .sweep(let key)?):
            s.sweeps[target] = Sweep(key: key, values: sweepValues(target), images: images)
            // A samples query may still be running for a view this sweep holds.
            if s.shown?.view != s.view, let ready = fromSweeps(s) {
                s.shown = ShownImages(view: s.view, images: ready, revision: s.viewRevision)
                s.latestQuery[.samples] = nil
                s.requests[.samples] = nil
            }
        case (.previews, .previews(let spec)?):
            s.previews = Previews(digit: spec.drawnAs, spec: spec, directions: s.pendingPreviewIDs, images: images)
        case (.styleRow, .styleRow(let view)?):
            s.styleRow = StyleRow(view: view, images: images)
        case (.map, .map(let key)?):
            s.map = LatentMap(key: key, images: images)
        case (.morph, .morph(let morph)?):
            s.morphFrames = MorphFrames(morph: morph, images: images)
        case (.attract, .attract(let frame)?):
            s.attract = AttractShown(frame: frame, images: images)
        case (.handwriting, .handwriting(let revision, let digit)?):
            guard revision == s.handwriting.revision, images.count == 11, let info = s.info else { return }
            let side = images.side
            let input = Array(images.gray.prefix(side * side))
            let ten = images.slice(1..<11)
            let label = digit ?? images.probabilities.flatMap { p in p.indices.max { p[$0] < p[$1] } } ?? 0
            guard (0..<info.classes).contains(label) else { return }
            s.handwriting.result = HandwritingResult(revision: revision, input: input, digit: label, chosen: digit != nil,
                                                     probabilities: images.probabilities, images: ten)
            s.handwriting.problem = nil
        default:
            break
        }
    }

    // MARK: - Handwriting

    /// The strokes or the chosen digit changed: restyle the drawing (latest wins on the
    /// handwriting lane), or, with no strokes, show the hint and drop what is in flight.
    static func handwritingChanged(_ s: inout AppState, _ effects: inout [Effect]) {
        s.handwriting.revision += 1
        s.handwriting.problem = nil
        if s.handwriting.isEmpty {
            s.handwriting.result = nil
            s.latestQuery[.handwriting] = nil
            s.requests[.handwriting] = nil
            return
        }
        if s.handwriting.extent < Handwriting.minExtent {
            // A dot or a tick would be blown up to a 20-pixel blob and read as some digit.
            s.handwriting.problem = Handwriting.tooSmallProblem
            s.handwriting.result = nil
            s.latestQuery[.handwriting] = nil
            s.requests[.handwriting] = nil
            return
        }
        guard let info = s.info else { return }
        let digit = s.handwriting.chosenDigit
        guard digit != nil || info.classifierProblem == nil else {
            // Without a classifier the person names the digit; nothing to draw until then.
            s.handwriting.result = nil
            s.latestQuery[.handwriting] = nil
            s.requests[.handwriting] = nil
            return
        }
        let id = s.nextQueryID
        s.nextQueryID += 1
        s.latestQuery[.handwriting] = id
        s.requests[.handwriting] = .handwriting(revision: s.handwriting.revision, digit: digit)
        effects.append(.restyle(id, HandwritingJob(strokes: s.handwriting.strokes, digit: digit)))
    }

    /// The point clamped to the pad, or nil when not finite.
    private static func padPoint(_ p: PadPoint) -> PadPoint? {
        guard p.x.isFinite, p.y.isFinite else { return nil }
        return PadPoint(x: max(0, min(1, p.x)), y: max(0, min(1, p.y)))
    }

    // MARK: - Helpers

    /// Why `view` cannot be shown with this model, or nil.
    static func validate(_ view: ViewSettings, info: ModelInfo) -> String? {
        if !(0..<info.classes).contains(view.digit) { return "digit \(view.digit)" }
        if view.seed > ViewSettings.maxSeed { return "seed \(view.seed)" }
        if let style = view.style, !(0..<info.classes).contains(style) || style == view.digit { return "style digit \(style)" }
        if !(0...ViewSettings.maxTemperature).contains(view.temperature) { return "temperature \(view.temperature)" }
        if view.sliders.count != ViewSettings.defaultSliders.count { return "\(view.sliders.count) sliders" }
        for s in view.sliders {
            if !info.catalog.contains(s.direction) { return "no \(s.direction.phrase.prefix(40))" }
            if abs(s.offset) > ViewSettings.offsetRange || ViewSettings.snapOffset(s.offset) != s.offset {
                return "offset \(s.offset)"
            }
        }
        if view.sliders[0].direction == view.sliders[1].direction { return "both sliders on \(view.sliders[0].direction.phrase.prefix(40))" }
        return nil
    }

    private static func nextSeed(_ s: inout AppState) -> UInt64 {
        var g = SplitMix64(seed: s.seedStream)
        let value = g.next()
        s.seedStream = g.state
        return value % (ViewSettings.maxSeed + 1)
    }

    private static func message(_ s: inout AppState, _ text: String, open: String? = nil) {
        s.messages.append(Message(id: s.nextMessageID, text: text, openPath: open))
        s.nextMessageID += 1
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// What a lane's newest query was asked for, so that its result lands in the right place.
public enum Request: Equatable, Sendable {
    case samples(ViewSettings, Int)
    case sweep(ViewSettings)
    case previews(SampleSpec)
    case styleRow(ViewSettings)
    case map(LatentMap.Key)
    case morph(Morph)
    /// The drawing at `revision`, under the person's digit (nil: the classifier's).
    case handwriting(revision: Int, digit: Int?)
    /// A frame of the kiosk's attract loop.
    case attract(AttractLoop.Frame)
}
