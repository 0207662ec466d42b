import DigitCore
import Foundation

/// Training progress on stderr: a bar redrawn in place on a terminal, otherwise one plain
/// line every few seconds (for logs and pipes).
final class ProgressDisplay {
    let interactive: Bool
    let interval: Double
    private var lastPrint: Double = 0
    private var lastDraw: Double = 0
    private var drawn = false

    init(interval: Double = 5) {
        interactive = isatty(2) != 0
        self.interval = interval
    }

    func update(_ p: TrainingProgress) {
        let now = Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
        if interactive {
            // ~10 redraws a second are plenty; always draw the last batch.
            guard now - lastDraw >= 0.1 || p.batch == p.batches else { return }
            lastDraw = now
            let width = 24
            let filled = p.batches > 0 ? width * p.batch / p.batches : 0
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            let line = String(format: "epoch %d/%d [%@] %d/%d  %.0f img/s  loss %.2f  ETA %@",
                              p.epoch, p.epochs, bar, p.batch, p.batches, p.imagesPerSecond, p.runningLoss,
                              ProgressDisplay.duration(p.eta))
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
            drawn = true
        } else {
            if lastPrint == 0 { lastPrint = now }
            guard now - lastPrint >= interval else { return }
            lastPrint = now
            let line = String(format: "epoch %d/%d: batch %d/%d, %.0f img/s, loss %.2f, ETA %@\n",
                              p.epoch, p.epochs, p.batch, p.batches, p.imagesPerSecond, p.runningLoss,
                              ProgressDisplay.duration(p.eta))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Removes the bar before other output.
    func clear() {
        if interactive && drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drawn = false
        }
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
            : String(format: "%d:%02d", t / 60, t % 60)
    }
}
