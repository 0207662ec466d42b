import DigitCore
import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a stop request: the trainer finishes its batch, writes a
/// checkpoint and returns. A second Ctrl-C exits at once with status 130.
final class InterruptHandler {
    let flag = StopFlag()
    private let source: DispatchSourceSignal

    init() {
        // The default action would kill the process before the checkpoint is written.
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let flag = self.flag
        source.setEventHandler {
            if flag.isRequested { _exit(130) }
            flag.request()
            FileHandle.standardError.write(Data("\ninterrupt: stopping after this batch (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
