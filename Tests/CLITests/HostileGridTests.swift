import Foundation
import TestSupport
import XCTest

/// Series commands on a huge declared grid, in a tiny file (a VRT of 10^6 x 10^6 pixels and a few
/// hundred dated bands): `drought` took 3.9 GB and 32 s before GDAL failed with five messages on the
/// folder, and `stack` grew past 1.8 GB in 40 s, both in libtiff's index of the output's tiles
/// (16 bytes a tile, tiles x bands). Every raster is now created through `RasterOutputSpec.createDataset`,
/// which refuses a tile index over 64 MiB at once: exit 4, one line naming the output and the size,
/// nothing left (docs/robustness.md, "Huge declared grids"). A record as long as dates allow
/// (4,800 months) streams in bounded memory.
final class HostileGridTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A VRT of `width` x `height` Float32 pixels (no source: zeros) with one band per month from `first`.
    func series(_ name: String, width: Int, height: Int, months: Int, first: Int = 2000) throws -> String {
        var xml = "<VRTDataset rasterXSize=\"\(width)\" rasterYSize=\"\(height)\">\n  <SRS>EPSG:32649</SRS>\n"
            + "  <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>\n"
        for b in 0..<months {
            let m = b % 12 + 1
            xml += "  <VRTRasterBand dataType=\"Float32\" band=\"\(b + 1)\"><Description>\(first + b / 12)-\(m < 10 ? "0" : "")\(m)-15</Description>"
                + "<NoDataValue>-9999</NoDataValue></VRTRasterBand>\n"
        }
        try (xml + "</VRTDataset>\n").write(toFile: tmp.file(name), atomically: true, encoding: .utf8)
        return tmp.file(name)
    }

    /// Exit 4 within seconds, one line naming `output` and the declared size, nothing left beside the input.
    func assertRefusedAtOnce(_ args: [String], output: String, keep: Set<String>, file: StaticString = #filePath, line: UInt = #line) throws {
        let started = Date()
        let r = try CLIRunner.run(args + ["-q"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "refused before any allocation", file: file, line: line)
        XCTAssertEqual(r.status, 4, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        for m in [output, "1000000 x 1000000 pixels", "MiB"] { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(Set(try tmp.contents()), keep, "nothing left", file: file, line: line)
    }

    func testDroughtStackAndWarnRefuseAHugeDeclaredGridAtOnce() throws {
        let precipitation = try series("precipitation.vrt", width: 1_000_000, height: 1_000_000, months: 240)
        try assertRefusedAtOnce(["drought", precipitation, "-o", tmp.file("drought")], output: "drought/spi-", keep: ["precipitation.vrt"])
        let ndvi = try series("ndvi.vrt", width: 1_000_000, height: 1_000_000, months: 72)
        let keep: Set<String> = ["precipitation.vrt", "ndvi.vrt"]
        try assertRefusedAtOnce(["stack", ndvi, "-o", tmp.file("stack.tif")], output: "stack.tif", keep: keep)
        try assertRefusedAtOnce(["warn", ndvi, "--baseline", "2000-2004", "-o", tmp.file("warn")], output: "warn/", keep: keep)
    }

    /// 4,800 months (1800-2199, every month dates allow) on 1000 x 1000 pixels: drought streams it, its
    /// memory bounded by one 64 x 64 window of every month (157 MB) whatever the grid, until interrupted.
    func testDroughtStreamsTheLongestRecordInBoundedMemory() throws {
        let precipitation = try series("long.vrt", width: 1000, height: 1000, months: 4800, first: 1800)
        let (p, _, _) = try CLIRunner.start(["drought", precipitation, "-o", tmp.file("d"), "-q"])
        let deadline = Date().addingTimeInterval(30)
        var peak = 0
        while Date() < deadline, p.isRunning, peak == 0 || Date() < deadline - 22 {
            if let status = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                peak = max(peak, kb / 1024)
            }
            usleep(100_000)
        }
        XCTAssertTrue(p.isRunning, "still streaming, not refused or crashed")
        XCTAssertGreaterThan(peak, 0)
        XCTAssertLessThan(peak, 600, "peak RSS \(peak) MB")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 143)
        XCTAssertEqual(try tmp.contents(), ["long.vrt"])
    }
}
