import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Hostile and broken inputs through the CLI: a documented exit code, one
/// line naming the file and the fault, no output left, no hang.
final class HostileInputTests: CLITestCase {
    var tmp: TemporaryFolder!
    var good = ""

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        let values = (0..<(300 * 300)).map { Float($0 % 1000) + 1 }
        good = try TestRaster.write(tmp.file("good.tif"), width: 300, height: 300, values: values, type: .uint16,
                                    options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE"])
    }

    func ndvi(red: String, out: String) throws -> CLIRunner.Result {
        try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", good, "-o", out, "-q"])
    }

    func assertInputError(_ r: CLIRunner.Result, mentions: [String], out: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, 3, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "\(m) in \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output", file: file, line: line)
        XCTAssertEqual(try tmp.contents().filter { ($0.contains(".part-") || $0.contains(".kubuqi-tmp")) }, [], file: file, line: line)
    }

    func testEmptyFile() throws {
        FileManager.default.createFile(atPath: tmp.file("empty.tif"), contents: Data())
        try assertInputError(try ndvi(red: tmp.file("empty.tif"), out: tmp.file("o.tif")), mentions: ["empty.tif", "not a readable raster"], out: tmp.file("o.tif"))
    }

    func testTruncatedTIFFAtSeveralOffsets() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for cut in [8, 200, bytes.count / 2, bytes.count - 100] {
            let path = tmp.file("cut\(cut).tif")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            let out = tmp.file("o\(cut).tif")
            let r = try ndvi(red: path, out: out)
            // Cut in the header: not a raster; cut in the tiles: a read error naming the rows.
            try assertInputError(r, mentions: ["cut\(cut).tif"], out: out)
        }
    }

    func testCorruptTiles() throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        // Overwrite the middle of the file (tile data) with garbage; the header stays valid.
        let start = bytes.count / 3
        for i in start..<(start + 4000) { bytes[i] = UInt8(truncatingIfNeeded: i * 7919) }
        try bytes.write(to: URL(fileURLWithPath: tmp.file("corrupt.tif")))
        try assertInputError(try ndvi(red: tmp.file("corrupt.tif"), out: tmp.file("o.tif")), mentions: ["corrupt.tif", "cannot read"], out: tmp.file("o.tif"))
    }

    func testFolderAndSymlinkLoop() throws {
        try FileManager.default.createDirectory(atPath: tmp.file("adir.tif"), withIntermediateDirectories: false)
        try assertInputError(try ndvi(red: tmp.file("adir.tif"), out: tmp.file("o.tif")), mentions: ["adir.tif", "folder"], out: tmp.file("o.tif"))
        try FileManager.default.createSymbolicLink(atPath: tmp.file("loop1.tif"), withDestinationPath: tmp.file("loop2.tif"))
        try FileManager.default.createSymbolicLink(atPath: tmp.file("loop2.tif"), withDestinationPath: tmp.file("loop1.tif"))
        try assertInputError(try ndvi(red: tmp.file("loop1.tif"), out: tmp.file("o.tif")), mentions: ["loop1.tif"], out: tmp.file("o.tif"))
    }

    func testOnePixelRasterAndNonFiniteValues() throws {
        let red = try TestRaster.write(tmp.file("r1.tif"), width: 1, height: 1, values: [10])
        let nir = try TestRaster.write(tmp.file("n1.tif"), width: 1, height: 1, values: [30])
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("one.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("one.tif")), [0.5])
        let redF = try TestRaster.write(tmp.file("rf.tif"), width: 4, height: 1, values: [.nan, .infinity, -.infinity, 1])
        let nirF = try TestRaster.write(tmp.file("nf.tif"), width: 4, height: 1, values: [1, 1, 1, 3])
        let f = try CLIRunner.run(["index", "ndvi", "--red", redF, "--nir", nirF, "-o", tmp.file("f.tif"), "-q"])
        XCTAssertEqual(f.status, 0, f.stderr)
        let v = try TestRaster.read(tmp.file("f.tif"))
        XCTAssertTrue(v[0].isNaN && v[1].isNaN && v[2].isNaN)
        XCTAssertEqual(v[3], 0.5)
    }

    func testComplexBandIsRefused() throws {
        let ds = try Dataset.create(tmp.file("complex.tif"), width: 4, height: 4, bands: 1, type: .cfloat32)
        try ds.close()
        try assertInputError(try ndvi(red: tmp.file("complex.tif"), out: tmp.file("o.tif")), mentions: ["complex.tif", "complex"], out: tmp.file("o.tif"))
    }

    func testConcurrentRunsOnOneFolderAreRefused() throws {
        // A first run holds the folder's lock while it works on a large sparse pair.
        for name in ["bigr.tif", "bign.tif"] {
            let ds = try Dataset.create(tmp.file(name), width: 8000, height: 8000, bands: 1, type: .uint16,
                                        options: CreationOptions(parsing: ["TILED=YES", "SPARSE_OK=TRUE"]))
            try ds.setGeoTransform(TestRaster.utm49Transform)
            try ds.close()
        }
        let out = tmp.file("shared-out")
        let (first, _, _) = try CLIRunner.start(["change", "--before", tmp.file("bigr.tif"), "--after", tmp.file("bign.tif"), "-o", out, "-q"])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && !FileManager.default.fileExists(atPath: out + "/.kubuqi.lock") { usleep(10_000) }
        let second = try CLIRunner.run(["change", "--before", tmp.file("bigr.tif"), "--after", tmp.file("bign.tif"), "-o", out, "-q"])
        first.terminate()
        first.waitUntilExit()
        XCTAssertEqual(second.status, 4, second.stderr)
        XCTAssertTrue(second.stderr.contains("another kubuqi-monitor run"), second.stderr)
    }
}

extension HostileInputTests {
    func testZeroSizedRasterIsRefused() throws {
        let vrt = "<VRTDataset rasterXSize=\"0\" rasterYSize=\"10\"><VRTRasterBand dataType=\"Byte\" band=\"1\"/></VRTDataset>"
        try vrt.write(toFile: tmp.file("empty.vrt"), atomically: true, encoding: .utf8)
        try assertInputError(try ndvi(red: tmp.file("empty.vrt"), out: tmp.file("o.tif")), mentions: ["empty.vrt"], out: tmp.file("o.tif"))
    }

    func testNodataOutsideTheTypeRangeMasksNothing() throws {
        // A Byte band whose nodata (-9999) no value can take: every pixel is data.
        let red = try TestRaster.write(tmp.file("rb.tif"), width: 3, height: 1, values: [10, 20, 30], type: .byte, nodata: -9999)
        let nir = try TestRaster.write(tmp.file("nb.tif"), width: 3, height: 1, values: [30, 60, 90], type: .byte)
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try TestRaster.read(tmp.file("o.tif")), [0.5, 0.5, 0.5])
    }

    func testMissingGeoreferencingAndRotatedGeotransform() throws {
        // No CRS and no geotransform: computed, nothing invented.
        let red = try TestRaster.write(tmp.file("r0.tif"), width: 2, height: 2, values: [1, 2, 3, 4], transform: nil, epsg: nil)
        let nir = try TestRaster.write(tmp.file("n0.tif"), width: 2, height: 2, values: [3, 6, 9, 12], transform: nil, epsg: nil)
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o0.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNil(try Dataset.open(tmp.file("o0.tif")).spatialReference)
        // A rotated grid is kept as it is; a different rotation is a grid mismatch.
        let rotated = GeoTransform([600_000, 30, 5, 4_470_000, 5, -30])
        let rr = try TestRaster.write(tmp.file("rr.tif"), width: 2, height: 2, values: [1, 2, 3, 4], transform: rotated)
        let nr = try TestRaster.write(tmp.file("nr.tif"), width: 2, height: 2, values: [3, 6, 9, 12], transform: rotated)
        XCTAssertEqual(try CLIRunner.run(["index", "ndvi", "--red", rr, "--nir", nr, "-o", tmp.file("or.tif"), "-q"]).status, 0)
        XCTAssertEqual(try Dataset.open(tmp.file("or.tif")).geoTransform, rotated)
        let other = try TestRaster.write(tmp.file("n2.tif"), width: 2, height: 2, values: [3, 6, 9, 12], transform: GeoTransform([600_000, 30, 0, 4_470_000, 0, -30]))
        try assertInputError(try CLIRunner.run(["index", "ndvi", "--red", rr, "--nir", other, "-o", tmp.file("ox.tif"), "-q"]),
                             mentions: ["n2.tif", "geotransform"], out: tmp.file("ox.tif"))
    }
}

extension HostileInputTests {
    /// A file without read permission, run as an unprivileged user (root reads everything).
    func testUnreadableFileAsAnUnprivilegedUser() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run the tool as user nobody")
        }
        chmod(tmp.path, 0o777)
        let red = try TestRaster.write(tmp.file("secret.tif"), width: 4, height: 4, values: Array(repeating: 1, count: 16))
        let nir = try TestRaster.write(tmp.file("open.tif"), width: 4, height: 4, values: Array(repeating: 3, count: 16))
        chmod(red, 0o000)
        chmod(nir, 0o644)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", CLIRunner.executable.path,
                       "index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif"), "-q"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard !message.contains("Permission denied") || message.contains("secret.tif") else {
            throw XCTSkip("the test binary is not reachable by user nobody here: \(message)")
        }
        XCTAssertEqual(p.terminationStatus, 3, message)
        XCTAssertTrue(message.contains("secret.tif") && message.contains("Permission denied"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o.tif")))
    }
}
