import Foundation

/// `DIGITGEN_TRACE=1`: timings on stderr.
///
/// - Per frame that shows a new result of a slider move: the time from each slider
///   `value-changed` it answers to the draw function painting it. With latest-wins
///   scheduling a value superseded while a job was in flight is answered by the frame
///   that shows the newer value, so every event counts, including skipped ones.
/// - Once: process start (from /proc/self/stat) to the first drawn samples.
/// - On exit: p50 and p99 of the slider-to-frame latencies.
///
/// Also prints the layout of the image cells and sliders in window-surface coordinates,
/// which the GUI test uses to crop screenshots and aim drags.
public final class Trace {
    public let enabled: Bool
    private let mainStart = Trace.now()
    /// Age of the process when `main` started, in ns (10 ms resolution: clock ticks).
    private let processAgeAtMain: UInt64?
    private var pendingEvents: [(generation: Int, time: UInt64)] = []
    private var latencies: [Double] = []
    private var startup: (process: Double?, main: Double)?
    private var lastLayout = ""
    private var lastDrawn = -1

    public init(enabled: Bool = ProcessInfo.processInfo.environment["DIGITGEN_TRACE"].map { $0 != "" && $0 != "0" } ?? false) {
        self.enabled = enabled
        processAgeAtMain = Trace.processAge()
    }

    public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }

    /// A slider moved; the request it caused has `generation`.
    public func sliderChanged(generation: Int) {
        guard enabled else { return }
        pendingEvents.append((generation, Trace.now()))
    }

    /// The draw function painted the result of request `generation`.
    public func frameDrawn(generation: Int) {
        guard enabled else { return }
        let t = Trace.now()
        if startup == nil {
            let sinceMain = Trace.ms(t - mainStart)
            let sinceProcess = processAgeAtMain.map { Trace.ms($0) + sinceMain }
            startup = (sinceProcess, sinceMain)
            log(String(format: "trace: first samples drawn %@ after process start (%.1f ms after main)",
                       sinceProcess.map { String(format: "%.1f ms", $0) } ?? "?", sinceMain))
        }
        guard generation != lastDrawn else { return }
        lastDrawn = generation
        let answered = pendingEvents.filter { $0.generation <= generation }
        guard !answered.isEmpty else {
            log("trace: frame #\(generation) drawn")
            return
        }
        pendingEvents.removeAll { $0.generation <= generation }
        let values = answered.map { Trace.ms(t - $0.time) }
        latencies.append(contentsOf: values)
        log(String(format: "trace: frame #%d slider-to-frame %.2f ms (%d events, oldest %.2f ms)",
                   generation, values.last ?? 0, values.count, values.max() ?? 0))
    }

    /// Reports where the cells and sliders are, once per change.
    public func layout(_ description: String) {
        guard enabled, description != lastLayout else { return }
        lastLayout = description
        log("trace: layout " + description)
    }

    /// A step of startup, with its time since process start.
    public func milestone(_ name: String) {
        guard enabled else { return }
        let sinceMain = Trace.ms(Trace.now() - mainStart)
        let sinceProcess = processAgeAtMain.map { Trace.ms($0) + sinceMain }
        log(String(format: "trace: %@ at %@ after process start", name,
                   sinceProcess.map { String(format: "%.1f ms", $0) } ?? "?"))
    }

    /// A free-form line, for facts measured once.
    public func note(_ text: String) {
        guard enabled else { return }
        log("trace: " + text)
    }

    public func summary() {
        guard enabled else { return }
        if latencies.isEmpty {
            log("trace: summary no slider events")
        } else {
            let sorted = latencies.sorted()
            log(String(format: "trace: summary slider-to-frame p50 %.2f ms p99 %.2f ms max %.2f ms over %d events",
                       Trace.percentile(sorted, 0.50), Trace.percentile(sorted, 0.99), sorted.last ?? 0, sorted.count))
        }
        if let startup {
            log(String(format: "trace: summary startup %@ (process start to first drawn samples)",
                       startup.process.map { String(format: "%.1f ms", $0) } ?? "?"))
        }
    }

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    private func log(_ line: String) {
        FileHandle.standardError.write((line + "\n").data(using: .utf8) ?? Data())
    }

    /// How long this process has existed: CLOCK_BOOTTIME now minus the start time that
    /// /proc/self/stat gives in clock ticks since boot (field 22).
    private static func processAge() -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19, let ticks = UInt64(fields[19]) else { return nil }
        let hz = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        var ts = timespec()
        guard hz > 0, clock_gettime(CLOCK_BOOTTIME, &ts) == 0 else { return nil }
        let now = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        let start = ticks * (1_000_000_000 / hz)
        return now > start ? now - start : 0
    }
}
