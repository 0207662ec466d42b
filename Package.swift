// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "DigitGenerator",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DigitCore", targets: ["DigitCore"]),
        .executable(name: "digitgen", targets: ["digitgen"]),
        .executable(name: "digit-generator", targets: ["digit-generator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian's packages, found through pkg-config.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CGif", pkgConfig: "libgif",
                       providers: [.apt(["libgif-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CGtk", pkgConfig: "gtk4 libadwaita-1",
                       providers: [.apt(["libgtk-4-dev", "libadwaita-1-dev"])]),
        // sd_notify for the exhibit's systemd unit (READY=1, WATCHDOG=1).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd",
                       providers: [.apt(["libsystemd-dev"])]),
        // glibc's malloc tuning (mallopt), for the app's memory policy.
        .systemLibrary(name: "CMalloc"),

        // libpng calls under setjmp in C, so that libpng's longjmp never crosses Swift frames.
        .target(name: "CPNGShim", dependencies: ["CPNG"]),

        // Fused decoder kernels (AVX-512F, AVX2 + FMA, portable C) chosen at run time.
        // Always optimised, so that debug builds (the unit tests) run the same machine code's
        // shape as release builds.
        .target(name: "CDigitKernels",
                cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("m")]),

        // The model, training and file formats. Never imports GTK.
        .target(name: "DigitCore", dependencies: ["CBLAS", "CZlib", "CPNG", "CPNGShim", "CGif", "CDigitKernels"]),

        // The app's state, intents, reducer, latent queries and inference lanes: everything the
        // window does that needs no display. Never imports GTK.
        .target(
            name: "DigitStudio",
            dependencies: [
                "DigitCore", "CCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Command-line tool.
        .executableTarget(
            name: "digitgen",
            dependencies: [
                "DigitCore", "DigitStudio", "CCairo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // What Swift cannot call in GTK: variadic constructors and property setters.
        .target(name: "CGtkShim", dependencies: ["CGtk"]),

        // GTK4 desktop app.
        .executableTarget(name: "digit-generator",
                          dependencies: ["DigitCore", "DigitStudio", "CGtk", "CGtkShim", "CMalloc", "CSystemd"]),

        .testTarget(name: "DigitCoreTests", dependencies: ["DigitCore"], exclude: ["Fixtures"]),
        .testTarget(name: "DigitStudioTests", dependencies: ["DigitStudio", "DigitCore"]),
        .testTarget(name: "CLITests", dependencies: ["DigitCore", "DigitStudio"]),
    ]
)

// libFuzzer harnesses, one executable per directory under Tests/fuzz/targets, built only with
// DIGITGEN_FUZZ=1 (`make fuzz`): they call LLVMFuzzerRunDriver, which only binaries linked
// with -sanitize=fuzzer have, so a plain `swift build` must not see them.
if Context.environment["DIGITGEN_FUZZ"] == "1" {
    package.targets.append(.target(name: "CLibFuzzer", path: "Tests/fuzz/CLibFuzzer"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Tests/fuzz/FuzzSupport"))
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/fuzz/targets")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    for name in names.sorted() where !name.hasPrefix(".") {
        package.targets.append(.executableTarget(name: "fuzz-" + name, dependencies: ["DigitCore", "DigitStudio", "FuzzSupport"],
                                                 path: "Tests/fuzz/targets/" + name))
    }
}
