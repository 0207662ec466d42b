import DigitCore
import DigitStudio
import Foundation

// digit-generator: the GTK desktop app. See README.md, "The desktop app".
switch AppOptions.outcome(Array(CommandLine.arguments.dropFirst()), version: Version.string) {
case .exit(let text, let status):
    if status == 0 { print(text) } else { FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data()) }
    exit(status)
case .run(let weights, let fresh, let kioskOverrides):
    var kiosk: KioskOptions?
    if let kioskOverrides {
        switch KioskSettings.resolve(kioskOverrides) {
        case .success(let options): kiosk = options
        case .failure(let message):
            FileHandle.standardError.write(("digit-generator: " + message + "\n").data(using: .utf8) ?? Data())
            exit(2)
        }
    }
    MemoryPolicy.apply()
    // GTK's cairo renderer without a GPU, and then no GL set-up at all (see RendererChoice).
    RendererChoice.apply()
    // The app splits its own work over threads; OpenBLAS's idle workers would only compete with
    // GTK for the two cores while the window starts.
    BLAS.useCallingThreadOnly()
    let trace = Trace()
    let status = DigitApplication(weights: weights, fresh: fresh, kiosk: kiosk, trace: trace).run()
    trace.summary()
    exit(status)
}
