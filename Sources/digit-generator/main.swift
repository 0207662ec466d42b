import DigitStudio
import Foundation

// digit-generator: the GTK desktop app. See README.md, "The desktop app".
let trace = Trace()
switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .exit(let status):
    exit(status)
case .run(let options):
    let status = Application(options: options, trace: trace).run()
    trace.summary()
    exit(status)
}
