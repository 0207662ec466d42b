@testable import DigitStudio
import Foundation
import XCTest

/// The renderer settings made before GTK starts: cairo without a GPU, the user's choice kept.
final class RendererChoiceTests: XCTestCase {
    private func settings(_ environment: [String: String], gpu: Bool) -> [String] {
        RendererChoice.settings(environment: environment, hasGPU: gpu).map { "\($0.name)=\($0.value)" }
    }

    func testWithoutAGPUTheAppAsksForCairoAndNoGL() {
        XCTAssertEqual(settings([:], gpu: false), ["GSK_RENDERER=cairo", "GDK_DEBUG=gl-disable"])
        XCTAssertEqual(settings(["GDK_DEBUG": "events"], gpu: false), ["GSK_RENDERER=cairo"])
    }

    func testWithAGPUGTKChooses() {
        XCTAssertEqual(settings([:], gpu: true), [])
    }

    func testTheUsersRendererIsKept() {
        XCTAssertEqual(settings(["GSK_RENDERER": "gl"], gpu: false), [])
        XCTAssertEqual(settings(["GSK_RENDERER": "vulkan"], gpu: true), [])
        // cairo chosen by the user (the tests, the exhibit's unit): GL is not set up either.
        XCTAssertEqual(settings(["GSK_RENDERER": "cairo"], gpu: true), ["GDK_DEBUG=gl-disable"])
        XCTAssertEqual(settings(["GSK_RENDERER": "cairo", "GDK_DEBUG": ""], gpu: false), [])
    }

    func testGPUDetectionLooksForDeviceNodes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("renderer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dri = root.appendingPathComponent("dri"), nvidia = root.appendingPathComponent("nvidia0")
        XCTAssertFalse(RendererChoice.machineHasGPU(dri: dri.path, nvidia: nvidia.path), "no /dev/dri at all")
        try FileManager.default.createDirectory(at: dri, withIntermediateDirectories: true)
        XCTAssertFalse(RendererChoice.machineHasGPU(dri: dri.path, nvidia: nvidia.path), "an empty /dev/dri")
        try Data().write(to: dri.appendingPathComponent("by-path"))
        XCTAssertFalse(RendererChoice.machineHasGPU(dri: dri.path, nvidia: nvidia.path))
        try Data().write(to: dri.appendingPathComponent("renderD128"))
        XCTAssertTrue(RendererChoice.machineHasGPU(dri: dri.path, nvidia: nvidia.path))
        try FileManager.default.removeItem(at: dri)
        try Data().write(to: nvidia)
        XCTAssertTrue(RendererChoice.machineHasGPU(dri: dri.path, nvidia: nvidia.path), "NVIDIA's proprietary node")
    }
}
