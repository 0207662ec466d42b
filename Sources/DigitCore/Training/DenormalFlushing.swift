import CDigitKernels

/// Runs training with denormal numbers flushed to zero (`CDigitKernels/fpmode.c`, the switch
/// torch.set_flush_denormal(True) sets): values below 1.2e-38 in magnitude become 0, a change
/// of rounding only, while a denormal operand makes each operation take a microcode assist.
/// Adam's first moment of a weight whose gradient is zero decays by 0.9 a step and is denormal
/// within about 800 steps, so without this every epoch after the first is slower (measured in
/// fpmode.c's comment). `Parallel.forEachPart` runs its parts in the caller's mode, so the
/// worker threads flush too.
enum DenormalFlushing {
    /// `body` with the calling thread's mode set to flush, then the previous mode restored.
    static func run<T>(_ body: () throws -> T) rethrows -> T {
        let saved = dk_fp_mode()
        dk_set_fp_mode(dk_fp_mode_flushing(saved))
        defer { dk_set_fp_mode(saved) }
        return try body()
    }
}
