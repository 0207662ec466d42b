import DigitCore

/// What a person, a key, a timer or the worker asks of the app.
public enum Intent: Equatable, Sendable {
    // Model.
    case modelLoaded(ModelInfo)
    case modelFailed(LoadFailure)

    // The main view.
    /// Five new samples of `digit` (a button, a digit key): a new seed.
    case selectDigit(Int)
    /// Five new samples of the digit shown (Ctrl+R, F5, Space on the images).
    case newSamples
    case setTemperature(Float)
    case temperatureKey(SliderKey)
    case setPrior(PriorChoice)
    /// The seed field's text changed while typing.
    case editSeed(String)
    /// Enter in the seed field: use the typed seed.
    case commitSeed
    /// Escape in the seed field: show the seed in use again and give the keyboard back.
    case cancelSeedEdit
    /// The focus left the seed field without Enter: show the seed in use again.
    case seedFieldLeft
    case chooseDirection(slider: Int, DirectionID)
    /// A slider moved to `offset` standard deviations (pointer or assistive technology).
    case setOffset(slider: Int, Float)
    case sliderKey(slider: Int, SliderKey)
    case resetOffset(slider: Int)
    /// Both sliders at once (a point picked on the map).
    case setOffsets(Float, Float)

    // Pages.
    case showPage(Page)
    /// A digit of the same-style row: that digit, in the style of the samples shown.
    case pickStyleDigit(Int)
    case setMapSize(Int)
    /// The morph's last digit.
    case setMorphDigit(Int)
    case setMorphSameStyle(Bool)
    /// A new sample for the morph's last frame (not the same style).
    case newMorphEnd
    case setMorphFrames(Int)
    case setMorphSpeed(Double)
    /// The pen went down on the pad: a new stroke starts at this point.
    case strokeBegan(PadPoint)
    /// The pen moved while down: the current stroke goes on to this point.
    case strokeExtended(PadPoint)
    /// The pen went up.
    case strokeEnded
    /// Undo stroke (Ctrl+Z on the page): the last stroke goes.
    case undoStroke
    /// Clear (Delete on the page): no strokes, and the person's digit choice is forgotten.
    case clearDrawing
    /// The person corrects the classifier (nil: let it decide again).
    case chooseHandwritingDigit(Int?)

    // The exhibit (`--kiosk`).
    /// Back to the exhibit's welcome view (`KioskWelcome`) with a fresh seed: the idle reset.
    case kioskWelcome
    /// Draw this frame of the attract loop on the samples page (the view stays as it is).
    case attractFrame(AttractLoop.Frame)
    /// The attract loop stopped: the visitor gets `view` (`AttractLoop.handover`).
    case attractStopped(ViewSettings)

    // Results.
    case rendered(Lane, QueryID, Rendered)
    case renderFailed(Lane, QueryID, String)

    // Saving.
    /// Save the view to `path` at `scale` (nil: the current save scale).
    case save(path: String, scale: Int?)
    /// The shell put the view text on the clipboard ("Copy view").
    case viewCopied(String)
    /// A view text ("Open view"): the samples, a map or a morph as "Copy view" gave it.
    case openView(String)
    /// Save the same-style row of the view to `path` (nil scale: the current save scale).
    case saveStyleRow(path: String, scale: Int?)
    /// Export the morph shown as an animated GIF at `scale` (nil: the current save scale).
    case exportMorph(path: String, scale: Int?)
    /// Save the handwriting page's ten digits, with the drawing's input, to `path`.
    case saveHandwriting(path: String, scale: Int?)
    case saved(path: String)
    case saveFailed(path: String, message: String)
    case messageShown(Int)

    // Window and time.
    case windowResized(WindowGeometry)
    /// The state remembered from the last run (before the model is loaded).
    case restore(RememberedState)
    case timerFired(TimerID)
}

/// Keys a slider understands (GTK's conventions for a range).
public enum SliderKey: Equatable, Sendable {
    /// Arrow keys: 1/20 of the range.
    case stepUp, stepDown
    /// Page Up / Page Down: 1/4 of the range.
    case pageUp, pageDown
    /// Home / End.
    case minimum, maximum
    /// Delete or 0 on the keypad: back to 0 (the sampled images), or 1 for the temperature.
    case reset
}

/// Timers the app starts. The kiosk adds its own (attract loop, idle reset, staff hold).
public enum TimerID: Hashable, Sendable {
    /// Decode the sweeps once the view has been still for a moment.
    case prefetch
    /// Write the remembered state once the view has been still for a moment.
    case persist
}

/// Where the keyboard focus should go.
public enum FocusTarget: Equatable, Sendable {
    case images
}

/// What the shell does for the reducer: the only way the state reaches the world.
public enum Effect: Equatable, Sendable {
    /// Decode `query` on `lane` and answer with `.rendered` or `.renderFailed`.
    case render(Lane, QueryID, LatentQuery)
    /// Decode `job.query` (exactly as the samples lane does) and write the PNG; answer with
    /// `.saved` or `.saveFailed`.
    case save(SaveJob)
    /// Draw the morph's frames and write the GIF (as `digitgen morph` does); answer with
    /// `.saved` or `.saveFailed`.
    case exportMorph(MorphExportJob)
    /// Rasterize the drawing (the shell, with cairo) and restyle the picture on the
    /// handwriting lane as query `QueryID`; answer with `.rendered` or `.renderFailed`.
    case restyle(QueryID, HandwritingJob)
    /// Restyle the saved input under its digit and write the PNG (as `digitgen restyle
    /// --view` does); answer with `.saved` or `.saveFailed`.
    case saveHandwriting(HandwritingSaveJob)
    /// Write the remembered state.
    case persist(RememberedState)
    case startTimer(TimerID, seconds: Double)
    case cancelTimer(TimerID)
    case focus(FocusTarget)
    /// One line for stderr.
    case log(String)
}

/// A PNG to write: the images of `query` at `scale`, `columns` to a row (nil: all in one
/// row), with `metadata` in text chunks.
public struct SaveJob: Equatable, Sendable {
    public let path: String
    public let query: LatentQuery
    public let scale: Int
    public let metadata: [ViewMetadata.Entry]
    public var columns: Int? = nil
}

/// What a saved PNG shows of a view.
public enum SavedPage: Equatable, Sendable {
    /// The five samples.
    case samples
    /// The first sample as every digit.
    case sameStyle
    /// The latent map, `size` cells a side.
    case map(size: Int)

    /// The token in the file ("samples", "same-style", "map").
    public var token: String {
        switch self {
        case .samples: return "samples"
        case .sameStyle: return "same-style"
        case .map: return "map"
        }
    }
}

/// An animated GIF to write: `morph` at `fps`, each frame scaled by `scale`.
public struct MorphExportJob: Equatable, Sendable {
    public let path: String
    public let morph: Morph
    public let fps: Int
    public let scale: Int
}
