import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif

/// Runs a libFuzzer harness. A fuzz target is an executable of its own whose main.swift is
///
///     import FuzzSupport
///     FuzzDriver.run { bytes in _ = try? SomeParser.parse(bytes) }
///
/// `run` hands the command line to libFuzzer's `LLVMFuzzerRunDriver`, so the binary takes
/// libFuzzer's flags (-max_total_time, -runs, corpus directories, a crash file to replay).
/// The body gets each input as bytes and must return normally for every input (errors are
/// expected and ignored); anything else (a trap, an AddressSanitizer report, a leak, a
/// timeout) is a finding.
///
/// Why LLVMFuzzerRunDriver and not libFuzzer's own main: SwiftPM links an executable's main
/// as an alias of the Swift entry point (`<target>_main`), so that entry point, which runs
/// main.swift, is what starts; from there libFuzzer is started explicitly.
public enum FuzzDriver {
    /// The harness body. Set once before the driver starts; libFuzzer calls it on one thread.
    nonisolated(unsafe) static var body: (([UInt8]) -> Void)?

    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        FuzzDriver.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
    }

    static func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        body?(bytes)
        return 0  // libFuzzer reserves other values
    }
}

/// libFuzzer's per-input entry point under its standard name. The fuzzer runtime's own
/// main (FuzzerMain.o, which the linker may pull in while `main` is still an alias to be
/// defined) refers to it, so it must exist; it runs the same body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDriver.testOne(data, size)
}
