import CMalloc

/// How the app asks glibc's malloc to hold large blocks.
///
/// The images the window keeps are large, short-lived arrays: a slider's sweep is 121
/// positions x 5 images (474 KB), replaced whenever the view has been still for a moment,
/// and loading the model frees blocks of a few MB. glibc starts by giving blocks of 128 KB
/// and more their own mappings, returned to the system on `free`, but its dynamic threshold
/// moves up to the largest such block freed (2.7 MB after the model loads), and the trim
/// threshold to twice that. From then on every sweep comes from the main heap, whose top is
/// only given back when more than 5.4 MB of it are free: the heap climbed by 1.2-1.6 MB over
/// the first few thousand events of `Tests/gui/soak.sh` (as the holes left by replaced
/// sweeps failed to fit the next ones) and stayed there. Measured with `/proc/PID/smaps`
/// (the growth was all in `[heap]`) and `malloc_info`; with the threshold fixed at glibc's
/// initial 128 KB the heap stayed flat and the app's RSS was 7 MB lower.
enum MemoryPolicy {
    static let mmapThreshold: Int32 = 128 * 1024

    /// Fixes the threshold (which also turns off its dynamic adjustment and keeps the trim
    /// threshold at its default). Call once, before the window is built.
    static func apply() {
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
    }
}
