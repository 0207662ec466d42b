import DigitStudio
import Foundation

/// The exhibit's settings from the operator's key file (read with GLib's GKeyFile) and the
/// command line, checked before GTK starts: a bad setting is one line on stderr, status 2.
enum KioskSettings {
    enum Outcome {
        case success(KioskOptions)
        case failure(String)
    }

    static func resolve(_ overrides: KioskOverrides) -> Outcome {
        let environment = ProcessInfo.processInfo.environment
        var keyFile: (entries: [String: String], path: String)?
        if let path = KioskOptions.keyFilePath(environment: environment) {
            switch KeyFile.read(path: path, group: "kiosk") {
            case .absent: break
            case .entries(let entries): keyFile = (entries, path)
            case .failed(let message): return .failure("kiosk settings: " + message)
            }
        }
        do {
            var options = try KioskOptions.resolve(overrides, keyFile: keyFile)
            // Shorter periods for tests; an operator has no reason to set these.
            if let text = environment["DIGITGEN_KIOSK_HEALTH_SECONDS"], let v = Double(text), v >= 0.1 { options.healthEvery = v }
            if let text = environment["DIGITGEN_KIOSK_RETRY_SECONDS"], let v = Double(text), v >= 0.1 { options.retryAfter = v }
            return .success(options)
        } catch {
            return .failure("\(error)")
        }
    }
}
