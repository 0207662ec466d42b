import Foundation

/// The GTK renderer settings the app makes before GTK starts.
///
/// GTK 4.8 draws with OpenGL by default, also on a machine without a GPU, where Mesa's software
/// GL (llvmpipe) sets up GL and compiles the first frame's shaders on the CPU: under Xvfb here
/// the window's first samples came 271-304 ms after the process started with it, 172-244 ms with
/// GTK's cairo renderer (README, "Performance"). Without a GPU device node the app therefore
/// asks for the cairo renderer, and with it (chosen here or by the user) tells GDK not to set
/// GL up at all (`GDK_DEBUG=gl-disable`, about 60 ms of the start under Xvfb). A
/// `GSK_RENDERER` or `GDK_DEBUG` of the user's own is always kept.
public enum RendererChoice {
    /// The variables to set, in order, for the environment `environment` on a machine with
    /// (`hasGPU`) or without a GPU.
    public static func settings(environment: [String: String], hasGPU: Bool) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var renderer = environment["GSK_RENDERER"]
        if renderer == nil && !hasGPU {
            renderer = "cairo"
            out.append(("GSK_RENDERER", "cairo"))
        }
        if renderer == "cairo" && environment["GDK_DEBUG"] == nil {
            out.append(("GDK_DEBUG", "gl-disable"))
        }
        return out
    }

    /// Whether the machine has a GPU the kernel exposes: a DRM node under `/dev/dri` (Mesa's
    /// and most drivers') or NVIDIA's proprietary `/dev/nvidia0`.
    public static func machineHasGPU(dri: String = "/dev/dri", nvidia: String = "/dev/nvidia0") -> Bool {
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: dri)) ?? []
        if nodes.contains(where: { $0.hasPrefix("renderD") || $0.hasPrefix("card") }) { return true }
        return FileManager.default.fileExists(atPath: nvidia)
    }

    /// Sets `settings` for this process's environment and machine (before GTK starts).
    public static func apply() {
        for (name, value) in settings(environment: ProcessInfo.processInfo.environment, hasGPU: machineHasGPU()) {
            setenv(name, value, 1)
        }
    }
}
