import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// SIGINT in the middle of each command's run (`stack`, `drought`, `warn`, `change`, `index` into a folder) leaves
/// nothing behind beside the inputs, and the inputs byte for byte as they were (InterruptionTests, LDNInterruptionTests:
/// `index` to a file, `demo`, `ldn`).
final class CommandInterruptionTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A sparse tiled Float32 raster of `size` x `size` x `bands` (unwritten tiles read as 0: quick to make, long to
    /// compute), band k described by `describe(k)` when given.
    func sparse(_ name: String, size: Int, bands: Int = 1, describe: ((Int) -> String)? = nil) throws -> String {
        let ds = try Dataset.create(tmp.file(name), width: size, height: size, bands: bands, type: .float32,
                                    options: CreationOptions(parsing: ["TILED=YES", "SPARSE_OK=TRUE", "INTERLEAVE=BAND"]))
        try ds.setGeoTransform(GeoTransform([108.0, 0.001, 0, 40.0, 0, -0.001]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        if let describe { for b in 0..<bands { try ds.band(b + 1).setDescription(describe(b)) } }
        try ds.close()
        return tmp.file(name)
    }

    /// Whether a path is a folder (not following a final link).
    static func isFolder(_ path: String) -> Bool {
        var s = stat()
        return lstat(path, &s) == 0 && s.st_mode & S_IFMT == S_IFDIR
    }

    /// `YYYY-MM-15` of month `t` from January 2001.
    static func month(_ t: Int) -> String { "\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-15" }

    /// Every file and folder under the test folder, each file's bytes.
    func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: tmp.path) {
            let full = tmp.file(relative)
            if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                out[relative] = Data("link to \(link)".utf8)
            } else {
                out[relative] = Self.isFolder(full) ? Data("folder".utf8) : try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return out
    }

    /// Starts `args`, waits until a raster is being staged (a `.tif` or `.all` under a `.kubuqi-` folder) and then up to
    /// 300 ms more, sends `signal` (SIGINT by default), and checks: exit 128 + the signal, "interrupted" said, and the
    /// test folder holds exactly what it held before (`ignoringLocks`: but the `.kubuqi.lock` files, which hold the last
    /// run's PID and are left in a folder the run did not create).
    func interrupt(_ args: [String], signal: Int32 = SIGINT, ignoringLocks: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        func snapshot() throws -> [String: Data] {
            try self.snapshot().filter { !ignoringLocks || !$0.key.hasSuffix(".kubuqi.lock") }
        }
        let before = try snapshot()
        let (p, _, err) = try CLIRunner.start(args + ["-q"])
        let errors = PipeDrain(err.fileHandleForReading)
        let deadline = Date().addingTimeInterval(120)
        func staging() -> Bool {
            (FileManager.default.subpaths(atPath: tmp.path) ?? []).contains {
                $0.contains(".kubuqi-") && ($0.hasSuffix(".tif") || $0.hasSuffix(".all"))
            }
        }
        while Date() < deadline, p.isRunning, !staging() { usleep(10_000) }
        // Anywhere in the first 300 ms of the staging: repeated runs land the signal at different points of the pass.
        usleep(UInt32.random(in: 0..<300_000))
        XCTAssertTrue(p.isRunning, "\(args[0]) must still be running when interrupted", file: file, line: line)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        let stderr = String(decoding: errors.wait(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 128 + signal, stderr, file: file, line: line)
        XCTAssertTrue(stderr.contains("interrupted"), stderr, file: file, line: line)
        let after = try snapshot()
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), "nothing left behind", file: file, line: line)
        XCTAssertTrue(after == before, "inputs untouched", file: file, line: line)
    }

    func testSIGINTStack() throws {
        let series = try sparse("series.tif", size: 3000, bands: 48, describe: Self.month)
        try interrupt(["stack", series, "-o", tmp.file("s.tif")])
    }

    func testSIGINTDrought() throws {
        let series = try sparse("rain.tif", size: 1500, bands: 240, describe: Self.month)
        try interrupt(["drought", series, "-o", tmp.file("d")])
    }

    func testSIGINTWarn() throws {
        let series = try sparse("ndvi.tif", size: 2500, bands: 120, describe: Self.month)
        try interrupt(["warn", series, "--baseline", "2001-2005", "--period", "year", "-o", tmp.file("w")])
    }

    func testSIGINTChange() throws {
        let before = try sparse("before.tif", size: 8000), after = try sparse("after.tif", size: 8000)
        try interrupt(["change", "--before", before, "--after", after, "--threshold", "fixed:0.1", "-o", tmp.file("c")])
    }

    func testSIGINTIndexIntoAFolder() throws {
        let red = try sparse("red.tif", size: 8000), nir = try sparse("nir.tif", size: 8000)
        try interrupt(["index", "--index", "ndvi,savi,msavi2", "--red", red, "--nir", nir, "-o", tmp.file("i")])
    }

    /// A new output folder through a symbolic link to a folder holding other files: the folder the run created goes,
    /// the link, its target folder and the file in it stay as they were.
    func testSIGINTThroughASymlinkedParent() throws {
        let series = try sparse("rain.tif", size: 1500, bands: 240, describe: Self.month)
        XCTAssertEqual(mkdir(tmp.file("real"), 0o755), 0)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: tmp.file("real/keep.txt")))
        try FileManager.default.createSymbolicLink(atPath: tmp.file("link"), withDestinationPath: tmp.file("real"))
        try interrupt(["drought", series, "-o", tmp.file("link/d")])
    }

    /// A tiled Float32 raster of `size` x `size` filled with values in [0.1, 0.6) (a quick complete run's input).
    func filled(_ name: String, size: Int, seed: UInt64) throws -> String {
        var r = SplitMix64(seed: seed)
        let ds = try Dataset.create(tmp.file(name), width: size, height: size, bands: 1, type: .float32)
        try ds.setGeoTransform(GeoTransform([108.0, 0.001, 0, 40.0, 0, -0.001]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        let v = (0..<(size * size)).map { _ in Float(0.1 + 0.5 * r.unit()) }
        try v.withUnsafeBufferPointer { try ds.band(1).write(Window(column: 0, row: 0, width: size, height: size), from: $0) }
        try ds.close()
        return tmp.file(name)
    }

    /// SIGINT and SIGTERM during `index` and `change` into an existing folder, reached through a symbolic link, that holds
    /// the user's own files (one in a sub-folder) and a previous run's outputs: exit 130 / 143, the user's files and the
    /// previous outputs byte for byte as they were, nothing added (docs/robustness.md: "previous outputs intact"; only
    /// a folder the run created is removed whole).
    func testSIGINTAndSIGTERMIntoAnExistingFolderKeepTheUsersFilesAndThePreviousOutputs() throws {
        let red = try sparse("red.tif", size: 8000), nir = try sparse("nir.tif", size: 8000)
        let smallRed = try filled("red-small.tif", size: 64, seed: 1), smallNIR = try filled("nir-small.tif", size: 64, seed: 2)
        XCTAssertEqual(mkdir(tmp.file("real"), 0o755), 0)
        try FileManager.default.createSymbolicLink(atPath: tmp.file("link"), withDestinationPath: tmp.file("real"))
        for (k, signal) in [SIGINT, SIGTERM].enumerated() {
            let out = tmp.file("link/out\(k)")
            XCTAssertEqual(mkdir(tmp.file("real/out\(k)"), 0o755), 0)
            XCTAssertEqual(mkdir(tmp.file("real/out\(k)/mine"), 0o755), 0)
            try Data("the user's".utf8).write(to: URL(fileURLWithPath: tmp.file("real/out\(k)/notes.txt")))
            try Data("also the user's".utf8).write(to: URL(fileURLWithPath: tmp.file("real/out\(k)/mine/ndvi.tif")))
            try run(["index", "--index", "ndvi,savi,msavi2", "--red", smallRed, "--nir", smallNIR, "-o", out, "-q"])
            try run(["change", "--before", smallRed, "--after", smallNIR, "--threshold", "fixed:0.1", "-o", out + "/c", "-q"])
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("real/out\(k)/ndvi.tif")), "the previous outputs")
            try interrupt(["index", "--index", "ndvi,savi,msavi2", "--red", red, "--nir", nir, "-o", out], signal: signal, ignoringLocks: true)
            try interrupt(["change", "--before", red, "--after", nir, "--threshold", "fixed:0.1", "-o", out + "/c"], signal: signal,
                          ignoringLocks: true)
        }
    }
}
