import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Hostile inputs and numbers for the series commands of the last session (`stack`, `warn`,
/// `drought`, `sample`): each case was mishandled (a silent wrong answer, a clobbered input or a
/// trap) and is now one line with its documented exit code and nothing left behind, or the
/// documented answer (docs/robustness.md, "Series commands").
final class HostileSeriesTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    static let width = 2, height = 2

    /// A series raster with one band per date (band descriptions `dates`), `value(band, pixel)` per pixel.
    @discardableResult
    func series(_ name: String, dates: [String], value: (Int, Int) -> Float) throws -> String {
        let path = tmp.file(name)
        let ds = try Dataset.create(path, width: Self.width, height: Self.height, bands: dates.count, type: .float32)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (b, d) in dates.enumerated() {
            let band = try ds.band(b + 1)
            band.setDescription(d)
            let values = (0..<(Self.width * Self.height)).map { value(b, $0) }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: Self.width, height: Self.height), from: $0) }
        }
        try ds.close()
        return path
    }

    /// One summer observation a year, 2010-2016: pixel p in year b is 0.3 + 0.02 * ((b * 7 + p * 3) % 5).
    func yearly(_ name: String, value: ((Int, Int) -> Float)? = nil) throws -> String {
        try series(name, dates: (2010...2016).map { "\($0)-07-15" }, value: value ?? { b, p in 0.3 + 0.02 * Float((b * 7 + p * 3) % 5) })
    }

    /// One line, the exit code, no trace, the mentions, and nothing left in `tmp` but `keep`.
    func assertRefused(_ r: CLIRunner.Result, status: Int32, mentions: [String], keep: Set<String>,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path)).subtracting(keep)
        XCTAssertEqual(left, [], "nothing left", file: file, line: line)
    }

    /// A date of year 9999 (or 1, or 1799) in a band description was taken as an observation: `warn`
    /// assessed "9999-01-15" as the latest period with exit 0, `stack` made it a year of its own.
    func testDatesOutsideTheObservationYearsAreRefused() throws {
        for bad in ["9999-07-15", "0001-07-15", "1799-07-15"] {
            let path = try series("bad.tif", dates: (2010...2015).map { "\($0)-07-15" } + [bad]) { _, _ in 0.4 }
            for args in [["stack", path, "-o", tmp.file("o.tif")], ["warn", path, "--baseline", "2010-2015", "--period", "year", "-o", tmp.file("o")]] {
                let r = try run(args + ["-q"], expect: 3)
                try assertRefused(r, status: 3, mentions: ["bad.tif", bad, "1800-2199"], keep: ["bad.tif"])
            }
            try FileManager.default.removeItem(atPath: path)
        }
        // The same rule for dates in file names and in a --dates CSV.
        let one = try TestRaster.write(tmp.file("scene_9999-01-01.tif"), width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.4])
        try assertRefused(try run(["stack", one, "-o", tmp.file("o.tif"), "-q"], expect: 3), status: 3, mentions: ["9999-01-01"], keep: ["scene_9999-01-01.tif"])
        let csv = tmp.file("dates.csv")
        try "file,date\nscene_9999-01-01.tif,2500-01-01\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try assertRefused(try run(["stack", one, "--dates", csv, "-o", tmp.file("o.tif"), "-q"], expect: 3), status: 3,
                          mentions: ["dates.csv"], keep: ["scene_9999-01-01.tif", "dates.csv"])
    }

    /// `--scale` (and warn's `--lst-scale`) multiplies every pixel: a subnormal 1e-45 turned every
    /// value into 0 and a negative one flipped every index, both accepted. One check
    /// (`ScaleFactor`) for every command: exit 2 before any work, naming the option.
    func testScalesThatCannotBeRightAreUsageErrors() throws {
        let path = try yearly("s.tif")
        let commands: [[String]] = [
            ["stack", path, "-o", tmp.file("o.tif")],
            ["warn", path, "--baseline", "2010-2015", "--period", "year", "-o", tmp.file("o")],
            ["drought", path, "-o", tmp.file("o")],
            ["index", "ndvi", "--red", path, "--nir", path, "-o", tmp.file("o.tif")],
        ]
        for command in commands {
            for bad in ["1e-45", "-0.0001", "0", "inf", "nan"] {
                let r = try run(command + ["--scale=\(bad)", "-q"], expect: 2)
                try assertRefused(r, status: 2, mentions: ["--scale"], keep: ["s.tif"])
            }
        }
        let r = try run(commands[1] + ["--lst", path, "--lst-scale=1e-45", "-q"], expect: 2)
        try assertRefused(r, status: 2, mentions: ["--lst-scale"], keep: ["s.tif"])
    }

    /// +-infinity in the series was a value to `warn`: such pixels came out "not assessable" (9) instead
    /// of nodata as NaN does (every other command takes non-finite values as nodata); a series whose
    /// assessed period holds no value at all gave a "0 % in alert" bulletin with exit 0.
    func testWarnTakesInfinitiesAsNodataAndRefusesAnAllNodataPeriod() throws {
        let path = try yearly("inf.tif") { b, p in p == 0 ? .infinity : p == 1 ? -.infinity : p == 2 ? .nan : 0.3 + 0.02 * Float(b % 5) }
        let out = tmp.file("w")
        try run(["warn", path, "--baseline", "2010-2015", "--period", "year", "-o", out, "-q"])
        let levels = try TestRaster.read(out + "/alert-level.tif")
        XCTAssertEqual(Array(levels.prefix(3)), [-32768, -32768, -32768], "infinities are nodata, as NaN is")
        XCTAssertNotEqual(levels[3], -32768)
        for (name, v) in [("nan.tif", Float.nan), ("posinf.tif", Float.infinity)] {
            let all = try yearly(name) { _, _ in v }
            let r = try run(["warn", all, "--baseline", "2010-2015", "--period", "year", "-o", tmp.file("o"), "-q"], expect: 3)
            try assertRefused(r, status: 3, mentions: [name, "no pixel has a value in the assessed period 2016"], keep: ["inf.tif", "w", "nan.tif", "posinf.tif"])
        }
    }

    /// `stack -o` over its own --dates CSV or --grid raster replaced it with the stack (exit 0); `-o` equal
    /// to the series it reads was "no observation to stack" (exit 3). All are output errors, inputs untouched.
    func testStackNeverWritesOverItsDatesOrGridOrSeries() throws {
        let path = try yearly("s.tif")
        let single = try TestRaster.write(tmp.file("scene_a.tif"), width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.4])
        let csv = tmp.file("dates.csv")
        try "file,date\nscene_a.tif,2012-03-04\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let before = try [path, single, csv].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let keep: Set<String> = ["s.tif", "scene_a.tif", "dates.csv"]
        try assertRefused(try run(["stack", single, "--dates", csv, "-o", csv, "-q"], expect: 4), status: 4, mentions: ["dates.csv", "is also an input"], keep: keep)
        try assertRefused(try run(["stack", path, "--grid", single, "-o", single, "-q"], expect: 4), status: 4, mentions: ["scene_a.tif", "is also an input"], keep: keep)
        try assertRefused(try run(["stack", path, "-o", path, "-q"], expect: 4), status: 4, mentions: ["s.tif", "is also an input"], keep: keep)
        // OUT.json is an output too (here the --dates CSV is named o.json, for -o o.tif).
        let json = tmp.file("o.json")
        try "file,date\nscene_a.tif,2012-03-04\n".write(toFile: json, atomically: true, encoding: .utf8)
        try assertRefused(try run(["stack", single, "--dates", json, "-o", tmp.file("o.tif"), "-q"], expect: 4), status: 4,
                          mentions: ["o.json", "is also an input"], keep: keep.union(["o.json"]))
        XCTAssertEqual(try [path, single, csv].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, before, "inputs untouched")
    }

    /// OUT.item.json planted as a symbolic link was refused (exit 4) only after OUT.tif, OUT.count.tif and
    /// OUT.json had been published: a refused run left a stack. Now refused before any work, nothing published.
    func testAPlantedItemLinkPublishesNothing() throws {
        let path = try yearly("s.tif")
        let victim = try TestRaster.write(tmp.file("victim.tif"), width: 2, height: 2, values: [1, 2, 3, 4])
        let before = try Data(contentsOf: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: tmp.file("o.item.json"), withDestinationPath: victim)
        let r = try run(["stack", path, "-o", tmp.file("o.tif"), "-q"], expect: 4)
        try assertRefused(r, status: 4, mentions: ["o.item.json", "symbolic link"], keep: ["s.tif", "victim.tif", "o.item.json"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: victim)), before)
        // The same for `index -o FILE.tif` (FILE.item.json).
        try FileManager.default.createSymbolicLink(atPath: tmp.file("ndvi.item.json"), withDestinationPath: victim)
        let red = try TestRaster.write(tmp.file("red.tif"), width: 2, height: 2, values: [0.1, 0.1, 0.2, 0.2])
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 2, height: 2, values: [0.3, 0.4, 0.3, 0.4])
        let i = try run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("ndvi.tif"), "-q"], expect: 4)
        try assertRefused(i, status: 4, mentions: ["ndvi.item.json", "symbolic link"],
                          keep: ["s.tif", "victim.tif", "o.item.json", "ndvi.item.json", "red.tif", "nir.tif"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: victim)), before)
    }

    /// An infinite population made the total infinite and every share "0.00" %; it is now nodata as NaN is:
    /// the exposure table equals the one with NaN there. Zone rasters of 1e30 or infinity no longer trap
    /// (`Int(_:)` on them; saturated ids as in `change`).
    func testDroughtInfinitePopulationIsNodataAndHugeZonesDoNotTrap() throws {
        var r = SplitMix64(seed: 11)
        let precipitation = try series("p.tif", dates: (0..<(21 * 12)).map { "\(2000 + $0 / 12)-\($0 % 12 < 9 ? "0" : "")\($0 % 12 + 1)-15" }) { _, _ in
            Float(-log(max(1e-12, r.unit())) * 40)
        }
        func population(_ name: String, _ first: Float) throws -> String {
            try TestRaster.write(tmp.file(name), width: 2, height: 2, values: [first, 10, 20, 30])
        }
        var tables: [String] = []
        for (name, v) in [("nan", Float.nan), ("inf", Float.infinity)] {
            let out = tmp.file("d-\(name)")
            try run(["drought", precipitation, "--population", try population("pop-\(name).tif", v), "-o", out, "-q"])
            tables.append(try String(contentsOfFile: out + "/so3-2-drought-exposure.csv", encoding: .utf8))
        }
        XCTAssertEqual(tables[0], tables[1], "an infinite population is nodata, as NaN")
        XCTAssertFalse(tables[1].contains("inf"), tables[1])
        let zones = try TestRaster.write(tmp.file("zones.tif"), width: 2, height: 2, values: [1, 1e30, .infinity, 2])
        let vulnerability = try TestRaster.write(tmp.file("vi.tif"), width: 2, height: 2, values: [0.5, 0.5, 0.5, 0.5])
        try run(["drought", precipitation, "--vulnerability", vulnerability, "--zones", zones, "-o", tmp.file("dz"), "-q"])
        let series = try yearly("s.tif")
        try run(["warn", series, "--baseline", "2010-2015", "--period", "year", "--zones", zones, "-o", tmp.file("wz"), "-q"])
    }

    /// `--target-class-se 1=1e-300` trapped on Int(NaN) (its square underflows): it is now the census;
    /// `--expected-accuracy 99=0.7` for a class the map lacks was silently ignored: a usage error, as
    /// `--target-class-se` with such a class already was.
    func testSampleTinyTargetIsTheCensusAndUnknownClassesAreRefused() throws {
        let map = try TestRaster.write(tmp.file("map.tif"), width: 10, height: 10, values: (0..<100).map { $0 < 20 ? 1 : 0 }, type: .int16)
        let r = try run(["sample", map, "--target-class-se", "1=1e-300", "-o", tmp.file("s"), "-q"])
        XCTAssertTrue(r.stdout.contains("Drew 100 points"), r.stdout)
        let bad = try run(["sample", map, "--expected-accuracy", "99=0.7", "-o", tmp.file("o"), "-q"], expect: 2)
        try assertRefused(bad, status: 2, mentions: ["--expected-accuracy", "class 99", "classes: 0, 1"], keep: ["map.tif", "s"])
    }

    /// `--min-obs` above the observations of every period was refused (exit 3) only after every input was
    /// opened, with a warning per period before the error. It can never be met whatever the pixels: now a
    /// usage error (exit 2), one line naming the most observations a period has and where, before any pixel
    /// is read: the series here is a VRT whose pixels cannot be read at all (its source is missing).
    func testAnUnreachableMinObsIsRefusedBeforeAnyPixelIsRead() throws {
        let dates = (1...7).map { "2010-\(String(format: "%02d", $0))-15" } + (1...3).map { "2011-0\($0)-15" }
        let vrt = tmp.file("s.vrt")
        let bands = dates.enumerated().map { k, d in
            "<VRTRasterBand dataType=\"Float32\" band=\"\(k + 1)\"><Description>\(d)</Description><SimpleSource>"
                + "<SourceFilename relativeToVRT=\"1\">missing.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand>"
        }
        try ("<VRTDataset rasterXSize=\"2\" rasterYSize=\"2\"><GeoTransform>500000, 30, 0, 4400000, 0, -30</GeoTransform>"
             + bands.joined() + "</VRTDataset>").write(toFile: vrt, atomically: true, encoding: .utf8)
        for n in ["8", "1000000"] {
            let r = try run(["stack", vrt, "--min-obs", n, "--min-coverage", "0", "-o", tmp.file("o.tif"), "-q"], expect: 2)
            try assertRefused(r, status: 2, mentions: ["--min-obs \(n)", "7 observations", "2010"], keep: ["s.vrt"])
            XCTAssertFalse(r.stderr.contains("2011"), "only the busiest period is named: \(r.stderr)")
        }
        // A reachable --min-obs goes on to read the pixels (here: the missing source, exit 3 naming it).
        let read = try run(["stack", vrt, "--min-obs", "7", "--min-coverage", "0", "-o", tmp.file("o.tif"), "-q"], expect: 3)
        XCTAssertTrue(read.stderr.contains("cannot read rows"), read.stderr)
    }

    /// A series TIFF cut short so that GDAL skipped its tags ("IO error during reading of GDALMetadata") lost
    /// its band descriptions and was read as one undated file: `cannot tell its date from its name`. Now the
    /// series commands (stack, warn, drought, ldn's climate series: one reader) name the file as truncated or damaged.
    func testATruncatedSeriesIsNamedAsDamagedNotUndated() throws {
        let path = try series("s.tif", dates: (2010...2016).flatMap { ["\($0)-03-15", "\($0)-07-15"] }) { b, p in
            0.3 + 0.01 * Float(b + p)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: tmp.file("cut.tif")))
        for args in [["stack", tmp.file("cut.tif"), "-o", tmp.file("o.tif")],
                     ["warn", tmp.file("cut.tif"), "--baseline", "2010-2015", "--period", "year", "-o", tmp.file("w")]] {
            let r = try run(args + ["-q"], expect: 3)
            let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(last.contains("cut.tif") && last.contains("truncated or damaged") && last.contains("GDALMetadata"), r.stderr)
            XCTAssertFalse(r.stderr.contains("cannot tell its date"), r.stderr)
            XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path)), ["s.tif", "cut.tif"], "nothing left")
        }
    }
}
