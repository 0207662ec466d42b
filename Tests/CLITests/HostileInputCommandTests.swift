import DigitCore
import Foundation
import XCTest

/// Issue 13's reproducers run against the real `digitgen` binary: crafted weights, special
/// files and temporary files left by killed writers. Each must end in one line on stderr and
/// exit status 1, never a crash (signal), a hang or a file left behind.
final class HostileInputCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try CLIRunner.tempDir() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Runs digitgen, killing it after `timeout` seconds so that a regression to a hang fails
    /// the test (status 9 = SIGKILL) instead of stopping the whole suite.
    func run(_ args: [String], timeout: TimeInterval = 60) throws -> CLIRunner.Result {
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var result: Result<CLIRunner.Result, Error>? }
        let box = Box()
        let started = Date()
        Thread.detachNewThread {
            box.result = Result { try CLIRunner.run(args) }
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            // Find the child by its arguments and kill it; the runner thread then returns.
            let pattern = args.joined(separator: " ")
            // Children are listed per thread that started them.
            for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
                let children = (try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8)) ?? ""
                for child in children.split(separator: " ") {
                    if let pid = Int32(child), pid > 0 { kill(pid, SIGKILL) }
                }
            }
            _ = done.wait(timeout: .now() + 10)
            XCTFail("digitgen \(pattern) did not finish within \(timeout) s (started \(started))")
        }
        return try XCTUnwrap(box.result).get()
    }

    func assertFailsCleanly(_ args: [String], mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args)
        XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("digitgen: error: "), r.stderr, file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.stderr.contains(m), "\(args): \"\(r.stderr)\" does not mention \(m)", file: file, line: line)
        }
    }

    /// The MNIST model's tensors with fc1.weight given `shape` and no bytes.
    func craftedWeights(fc1Shape shape: [Int], name: String) throws -> String {
        var fields: [String] = []
        var data: [UInt8] = []
        for spec in CVAEConfig.mnist.tensorSpecs {
            let s = spec.name == "fc1.weight" ? shape : spec.shape
            let begin = data.count
            if spec.name != "fc1.weight" { data += [UInt8](repeating: 0, count: 4 * spec.shape.reduce(1, *)) }
            fields.append("\"\(spec.name)\":{\"dtype\":\"F32\",\"shape\":[\(s.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        return try write(header: "{" + fields.joined(separator: ",") + "}", data: data, name: name)
    }

    func write(header: String, data: [UInt8], name: String) throws -> String {
        var h = Array(header.utf8)
        h += [UInt8](repeating: UInt8(ascii: " "), count: (8 - h.count % 8) % 8)
        let n = UInt64(h.count)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Items 1 and 2: an abort (26 TB allocation) and a trap (overflow) before the fix.
    func testCraftedShapesFailCleanly() throws {
        let huge = try craftedWeights(fc1Shape: [0, 1 << 40], name: "huge.safetensors")
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", huge, "--out", path("a.png")],
                               mentions: [huge, "does not describe a CVAE", "classes size 1099511626992 is above the limit of 4096"])
        let overflow = try craftedWeights(fc1Shape: [0, 1 << 62], name: "overflow.safetensors")
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", overflow, "--out", path("b.png")],
                               mentions: [overflow, "classes size 4611686018427387120 is above the limit of 4096"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.png")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("b.png")))
    }

    /// Item 3: `--weights` or `--classifier` naming a FIFO blocked forever in open(2).
    func testSpecialFilesFailWithoutBlocking() throws {
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", fifo, "--out", path("c.png")],
                               mentions: ["cannot read \(fifo): is a FIFO (named pipe), not a regular file"])
        try assertFailsCleanly(["classifier", "eval", "--classifier", fifo, "--data", dir.path],
                               mentions: ["cannot read \(fifo): is a FIFO (named pipe), not a regular file"])
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", dir.path, "--out", path("d.png")],
                               mentions: ["is a directory, not a regular file"])
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", "/dev/zero", "--out", path("e.png")],
                               mentions: ["cannot read /dev/zero: is a character device, not a regular file"])
    }

    /// Item 5: temporary files of a killed writer are removed by the next write to the target.
    func testNextWriteRemovesTemporaryFilesOfAKilledWriter() throws {
        // A real process, killed: its pid is certainly dead afterwards.
        let victim = Process()
        victim.executableURL = URL(fileURLWithPath: "/bin/sleep")
        victim.arguments = ["60"]
        try victim.run()
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let pid = victim.processIdentifier
        for _ in 0..<500 where kill(pid, 0) == 0 { usleep(10_000) }   // reaped, not a zombie
        let stale = path(".out.png.tmp-\(pid)-1-5e1f00d2")
        try Data(repeating: 0x89, count: 2_000_000).write(to: URL(fileURLWithPath: stale))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: stale)
        let weights = path("model.safetensors")
        try WeightsFile.save(CVAE(config: .mnist, seed: 5), to: weights, metadata: [:])

        let r = try run(["generate", "--digit", "3", "--seed", "1", "--weights", weights, "--out", path("out.png")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["model.safetensors", "out.png"])
    }

    /// Item 6: a valid 59 MB header of 1,000,000 empty tensors took 17 s and 4 GB.
    func testHeaderOfAMillionTensorsFailsAtOnce() throws {
        var header = "{"
        header.reserveCapacity(60_000_000)
        for i in 0..<1_000_000 {
            if i > 0 { header += "," }
            header += "\"t\(i)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}"
        }
        let big = try write(header: header + "}", data: [], name: "million.safetensors")
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", big, "--out", path("f.png")],
                               mentions: [big, "safetensors header, more than the limit of 16777216 bytes"])
        // Under the size limit, the tensor count is what is refused.
        var many = "{"
        for i in 0..<20_000 { many += (i > 0 ? "," : "") + "\"t\(i)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}" }
        let manyPath = try write(header: many + "}", data: [], name: "many.safetensors")
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", manyPath, "--out", path("g.png")],
                               mentions: [manyPath, "lists more than 10000 tensors"])
    }

    /// Item 7: negative prior weights were reported as "contains NaN or infinity".
    func testNegativePriorWeightIsNamed() throws {
        let c = CVAEConfig.mnist
        var list = WeightsFile.tensors(of: CVAE(config: c, seed: 2))
        var w = [Float](repeating: 1, count: 10)
        w[4] = -2
        list.append(("prior.weights", Tensor(shape: [10, 1], values: w)))
        list.append(("prior.means", Tensor(shape: [10, 1, 20], values: [Float](repeating: 0, count: 200))))
        list.append(("prior.logvars", Tensor(shape: [10, 1, 20], values: [Float](repeating: 0, count: 200))))
        let weights = path("negative.safetensors")
        try SafeTensors.write(list, metadata: [:], to: weights)
        try assertFailsCleanly(["generate", "--digit", "3", "--weights", weights, "--out", path("h.png")],
                               mentions: ["prior.weights", "negative mixture weight -2.0 (digit 4, component 0)"])
        let r = try run(["generate", "--digit", "3", "--weights", weights, "--out", path("h.png")])
        XCTAssertFalse(r.stderr.contains("NaN"), r.stderr)
    }
}
