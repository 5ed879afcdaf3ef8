import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` end to end on the reproducers of issue 13, each expected value
/// worked from the rule (docs/ldn-method.md), both sides of each edge.
final class LDNExactnessTests: XCTestCase {
    /// Writes an Int16 stack (one band per year, the year as description) of
    /// per-pixel series on a `width` x 1 UTM grid, with a declared scale.
    func writeStack(_ path: String, years: [Int], series: [[Float]], scale: Double? = 0.0001, type: RasterDataType = .int16,
                    nodata: Double? = -32768) throws {
        let ds = try Dataset.create(path, width: series.count, height: 1, bands: years.count, type: type, options: CreationOptions())
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (k, y) in years.enumerated() {
            let band = try ds.band(k + 1)
            band.setDescription(String(y))
            if let scale { try band.setScale(scale, offset: 0) }
            if let nodata { try band.setNodata(nodata) }
            let values = series.map { $0[k] }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: series.count, height: 1), from: $0) }
        }
        try ds.close()
    }

    /// A region of `series.count` pixels: the stack, land cover maps (`lc` per year, default grassland 130
    /// everywhere in `years`' first and last year), SOC 40 t/ha, and a config.
    func region(_ tmp: TemporaryFolder, years: [Int], series: [[Float]], maps: [Int: [Float]]? = nil, soc: Float = 40,
                productivity: String = "", baseline: ClosedRange<Int>, reporting: String = "", scale: Double? = 0.0001,
                type: RasterDataType = .int16) throws -> String {
        let w = series.count
        try writeStack(tmp.file("stack.tif"), years: years, series: series, scale: scale, type: type, nodata: type == .float32 ? nil : -32768)
        let lcMaps = maps ?? [years.first!: Array(repeating: 130, count: w), years.last!: Array(repeating: 130, count: w)]
        for (y, codes) in lcMaps {
            try TestRaster.write(tmp.file("lc\(y).tif"), width: w, height: 1, values: codes, type: .byte)
        }
        try TestRaster.write(tmp.file("soc.tif"), width: w, height: 1, values: Array(repeating: soc, count: w))
        let mapList = lcMaps.keys.sorted().map { "\($0) = \"lc\($0).tif\"" }.joined(separator: ", ")
        let text = """
        [productivity]
        stack = "stack.tif"
        \(productivity)

        [landcover]
        maps = { \(mapList) }

        [soc]
        baseline = "soc.tif"
        climate = "temperate-dry"

        [periods]
        baseline = [\(baseline.lowerBound), \(baseline.upperBound)]
        \(reporting)
        """
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        return tmp.file("ldn.toml")
    }

    func layer(_ tmp: TemporaryFolder, _ period: String, _ name: String) throws -> [Float] {
        try TestRaster.read(tmp.file("out/\(period)/\(name).tif"))
    }

    /// Reproducer 2: 11 years of 3000 + 20 k (scale 1e-4) with minimum_slope = 0.002: slope 0.002 is
    /// the minimum, so no trend (0); 3000 + 21 k: 0.0021, class 3 (Z = 54 / sqrt(165) = 4.2); 3000 - 20 k: 0.
    func testSlopeEqualToTheMinimumIsNoTrend() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = [20, 21, -20, -21].map { step in (0..<11).map { Float(3000 + step * $0) } }
        let config = try region(tmp, years: years, series: series, productivity: "minimum_slope = 0.002", baseline: 2001...2011)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        XCTAssertEqual(try layer(tmp, "baseline", "trajectory"), [0, 3, 0, -3])
    }

    /// Reproducer 3 (baseline 2001-2010: state compares 2008-2010 with 2001-2007): 3000 x 7 then 3100 x 3:
    /// means differ by exactly 0.0100 <= 0.01: change 0, stable; 3101 x 3: +1. The decile edge: baseline
    /// 6126, 6296, 6347, 5986, nodata, 6335, 6434, recent nodata, 6056, 6028: the recent mean 6042 equals
    /// P20 of the extended baseline (worked in ExactComparisonTests): class 2 against the baseline mean's
    /// class 4, change -2, degraded; recent 6057, 6029 (6043): class 3, change -1, stable.
    func testStateAtItsEdges() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2010)
        let nd: Float = -32768
        let series: [[Float]] = [
            Array(repeating: 3000, count: 7) + Array(repeating: 3100, count: 3),
            Array(repeating: 3000, count: 7) + Array(repeating: 3101, count: 3),
            [6126, 6296, 6347, 5986, nd, 6335, 6434, nd, 6056, 6028],
            [6126, 6296, 6347, 5986, nd, 6335, 6434, nd, 6057, 6029],
        ]
        let config = try region(tmp, years: years, series: series, baseline: 2001...2010)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        XCTAssertEqual(try layer(tmp, "baseline", "state"), [0, 1, -1, 0])
    }

    /// Reproducer 4: SOC 1 t/ha, grassland (130) to cropland (10), temperate dry, maps 2001 and 2011:
    /// -10 % exactly: SOC -1 and SDG -1. Stocks 1...299 all give the same.
    func testSOCChangeOfMinusTenPercent() throws {
        for stock: Float in [1, 3, 7, 178, 299] {
            let tmp = try TemporaryFolder()
            let years = Array(2001...2011)
            let flat: [Float] = Array(repeating: 5000, count: 11)
            let config = try region(tmp, years: years, series: [flat], maps: [2001: [130], 2011: [10]], soc: stock, baseline: 2001...2011)
            _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
            XCTAssertEqual(try layer(tmp, "baseline", "soc-status"), [-1], "stock \(stock)")
            XCTAssertEqual(try layer(tmp, "baseline", "sdg-15-3-1"), [-1], "stock \(stock)")
        }
    }

    /// Reproducer 5: productivity outside -1...1 (NPP-like Float32 values, scale 1). Ten flat pixels of
    /// 1000, 2000, ..., 10000 (one grassland unit): P90 over ten means, h = 8.1: 9000 + 0.1 x 1000 = 9100;
    /// degraded when mean / 9100 <= 0.5, i.e. mean <= 4550: the first four pixels.
    func testProductivityOutsideMinusOneToOne() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = (1...10).map { k in Array(repeating: Float(1000 * k), count: 11) }
        let config = try region(tmp, years: years, series: series, baseline: 2001...2011, scale: nil, type: .float32)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        XCTAssertEqual(try layer(tmp, "baseline", "performance"), [-1, -1, -1, -1, 0, 0, 0, 0, 0, 0])
    }

    /// Reproducer 1: ecological units (a constant-1 raster) split nothing, so every layer equals the run without
    /// them; two units (1 and 2) split the grassland pixels into two performance units.
    func testEcologicalUnits() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = (1...10).map { k in Array(repeating: Float(1000 * k), count: 11) }
        var config = try region(tmp, years: years, series: series, baseline: 2001...2011, scale: nil, type: .float32)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("plain"), quiet: true))
        try TestRaster.write(tmp.file("eco.tif"), width: 10, height: 1, values: Array(repeating: 1, count: 10), type: .int16)
        config = try region(tmp, years: years, series: series, productivity: "ecological_units = \"eco.tif\"", baseline: 2001...2011,
                            scale: nil, type: .float32)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
        for name in ["performance", "lpd", "sdg-15-3-1"] {
            XCTAssertEqual(try layer(tmp, "baseline", name), try TestRaster.read(tmp.file("plain/baseline/\(name).tif")), name)
        }
        // Units 1 (pixels 0-4: 1000..5000, P90 h = 3.6: 4000 + 0.6 x 1000 = 4600, degraded <= 2300: 1000, 2000)
        // and 2 (6000..10000: P90 = 9600, degraded <= 4800: none).
        try TestRaster.write(tmp.file("eco.tif"), width: 10, height: 1, values: [1, 1, 1, 1, 1, 2, 2, 2, 2, 2], type: .int16)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out2"), quiet: true))
        XCTAssertEqual(try TestRaster.read(tmp.file("out2/baseline/performance.tif")), [-1, -1, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    /// Reproducer 7: a baseline too short for state (2001-2005: the last 3 years against 2 earlier ones)
    /// is refused by --check and by the run, saying why; 6 years are enough.
    func testTooShortBaselineIsRefused() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = [(0..<11).map { Float(3000 + 20 * $0) }]
        let config = try region(tmp, years: years, series: series, baseline: 2001...2005)
        for check in [true, false] {
            XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), checkOnly: check, quiet: true))) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains("baseline period 2001-2005 has 5 years") && text.contains("at least 6 years"), text)
                XCTAssertTrue(text.contains("ldn.toml: periods.baseline: the baseline period"), "names the key: \(text)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out/baseline")))
        let six = try region(tmp, years: years, series: series, baseline: 2001...2006)
        XCTAssertNoThrow(try LDNJob.run(LDNOptions(config: six, output: tmp.file("out6"), checkOnly: true, quiet: true)))
    }

    /// A reporting period overlapping the baseline is accepted (Trends.Earth's UNCCD presets of the 2026 cycle overlap it:
    /// baseline 2000-2015, reporting 2015-2019 with productivity 2004-2019). Under the `period` windows its state compares
    /// its last 3 years with the baseline years; when those include them the run and --check refuse it naming the overlap
    /// (session 17's message said the period had too few years and asked for a baseline of 6, which it had).
    func testReportingPeriodWhoseRecentYearsLieInTheBaseline() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2012)
        let series: [[Float]] = [(0..<12).map { Float(3000 + 20 * $0) }]
        let period = "\n[windows]\npreset = \"period\"\n"
        let inside = try region(tmp, years: years, series: series, baseline: 2001...2008, reporting: "reporting = [[2006, 2009]]" + period)
        for check in [true, false] {
            XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: inside, output: tmp.file("out"), checkOnly: check, quiet: true))) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains("ldn.toml: periods.reporting: the reporting-2006-2009 period 2006-2009: productivity state compares its last 3 years (2007-2009) with the baseline years 2001-2008, which include them; end the period in 2011 or later"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out")))
        // The user's own state windows overlapping so are refused where the config is read, naming the key (review,
        // session 18: the message above, which advises setting them, is never given for them).
        let own = try region(tmp, years: years, series: series, baseline: 2001...2008,
                             reporting: "reporting = [[2006, 2009]]" + period + "\n[windows.reporting-2006-2009]\nstate = [[2001, 2008], [2007, 2009]]\n")
        XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: own, output: tmp.file("out"), checkOnly: true, quiet: true))) { e in
            XCTAssertTrue("\(e)".contains("ldn.toml:19: windows.reporting-2006-2009.state: give [[first, last], [first, last]]: the baseline years, then the later recent years"), "\(e)")
        }
        // The same period with the trends-earth windows (state over its own window), and a `period` one ending 3 years
        // after the baseline, are accepted.
        let te = try region(tmp, years: years, series: series, baseline: 2001...2008, reporting: "reporting = [[2006, 2009]]")
        XCTAssertNoThrow(try LDNJob.run(LDNOptions(config: te, output: tmp.file("te"), checkOnly: true, quiet: true)))
        let after = try region(tmp, years: years, series: series, baseline: 2001...2008, reporting: "reporting = [[2007, 2011]]" + period)
        XCTAssertNoThrow(try LDNJob.run(LDNOptions(config: after, output: tmp.file("after"), checkOnly: true, quiet: true)))
    }
}


/// Items 10-11: several observations per year in `files`, and the completeness of each year.
extension LDNExactnessTests {
    /// One file per year holding `observations[year]` bands; band b of pixel p is `value(year, p, b)`.
    func writeYearFiles(_ tmp: TemporaryFolder, years: [Int], pixels: Int, observations: (Int) -> Int,
                        value: (Int, Int, Int) -> Float) throws -> String {
        var entries: [String] = []
        for y in years {
            let n = observations(y)
            let ds = try Dataset.create(tmp.file("y\(y).tif"), width: pixels, height: 1, bands: n, type: .float32, options: CreationOptions())
            try ds.setGeoTransform(TestRaster.utm49Transform)
            try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
            for b in 1...n {
                let band = try ds.band(b)
                try band.setNodata(-9999)
                let values = (0..<pixels).map { value(y, $0, b) }
                try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: pixels, height: 1), from: $0) }
            }
            try ds.close()
            entries.append("\(y) = \"y\(y).tif\"")
        }
        return "files = { \(entries.joined(separator: ", ")) }"
    }

    /// Four observations a year whose mean is the series of a one-band stack (v - 2, v - 1, v + 1, v + 2):
    /// every layer equals the stack run's. A year of one observation (2006, 1 of 4 < 3 = ceil(0.75 x 4)) is
    /// nodata everywhere, and a pixel with 2 valid observations of 4 in 2005 is nodata that year: the layers
    /// equal those of a stack holding nodata there. --check names the short year.
    func testObservationsPerYearAndCompleteness() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let base: [[Float]] = [(0..<11).map { Float(3000 + 40 * $0) }, (0..<11).map { Float(5000 - 35 * $0) }, Array(repeating: 4000, count: 11)]
        let offsets: [Float] = [-2, -1, 1, 2]
        // The reference: a Float32 stack of the yearly means, with the incomplete years as nodata.
        var expected = base
        expected[0][4] = -9999   // pixel 0, 2005: 2 valid of 4
        for p in 0..<3 { expected[p][5] = -9999 }   // 2006: one observation
        try writeStack(tmp.file("stack.tif"), years: years, series: expected, scale: nil, type: .float32, nodata: -9999)
        let lc = tmp.file("lc.tif")
        try TestRaster.write(lc, width: 3, height: 1, values: [130, 130, 130], type: .byte)
        try TestRaster.write(tmp.file("soc.tif"), width: 3, height: 1, values: [40, 40, 40])
        func config(_ productivity: String, _ name: String) throws -> String {
            let text = """
            [productivity]
            \(productivity)
            [landcover]
            maps = { 2001 = "lc.tif", 2011 = "lc.tif" }
            [soc]
            baseline = "soc.tif"
            [periods]
            baseline = [2001, 2011]
            """
            try text.write(toFile: tmp.file(name), atomically: true, encoding: .utf8)
            return tmp.file(name)
        }
        let files = try writeYearFiles(tmp, years: years, pixels: 3, observations: { $0 == 2006 ? 1 : 4 }) { y, p, b in
            if y == 2005 && p == 0 && b <= 2 { return -9999 }
            return base[p][y - 2001] + offsets[b - 1]
        }
        let reference = try config("stack = \"stack.tif\"", "stack.toml")
        let perYear = try config(files, "files.toml")
        var lines: [String] = []
        _ = try LDNJob.run(LDNOptions(config: perYear, output: "", checkOnly: true, quiet: true)) { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.contains("2005 4, 2006 1, 2007 4") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("short of 3 of 4 observations") && $0.contains("2006 (1 of 4)") }, "\(lines)")
        _ = try LDNJob.run(LDNOptions(config: reference, output: tmp.file("a"), quiet: true))
        _ = try LDNJob.run(LDNOptions(config: perYear, output: tmp.file("b"), quiet: true))
        for name in ["trajectory", "state", "performance", "lpd", "sdg-15-3-1"] {
            XCTAssertEqual(try TestRaster.read(tmp.file("b/baseline/\(name).tif")), try TestRaster.read(tmp.file("a/baseline/\(name).tif")), name)
        }
        XCTAssertEqual(try TestRaster.read(tmp.file("b/baseline/trajectory.tif")), [3, -3, 0])
        let md = try String(contentsOfFile: tmp.file("b/report.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("2006 (1 of 4 observations)"), md)
    }
}

/// Item 8: analysis windows per period.
extension LDNExactnessTests {
    /// A 3-year reporting period cannot reach 95 % over its own years (largest |Z| = 2 / sqrt(11/3) = 1.04):
    /// --check warns under the `period` preset, and a steady increase is trajectory 0 there. The default
    /// (Trends.Earth's) preset computes the
    /// trajectory over the 16 years ending at the period's end (here from the first year, 2001-2011: 11 years,
    /// S = 55, Z = 4.20, class 3) and state as 2009-2011 against 2001-2008; an override sets one window.
    func testAnalysisWindows() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = [(0..<11).map { Float(3000 + 40 * $0) }, Array(repeating: 4000, count: 11)]
        var config = try region(tmp, years: years, series: series, baseline: 2001...2006, reporting: "reporting = [[2009, 2011]]")
        let original = try String(contentsOfFile: config, encoding: .utf8)
        try (original + "\n[windows]\npreset = \"period\"\n").write(toFile: config, atomically: true, encoding: .utf8)
        var lines: [String] = []
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("a"), quiet: true)) { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.contains("warning: the reporting-2009-2011 trajectory window 2009-2011 has 3 years: its largest |Z| is 1.04") }, "\(lines)")
        XCTAssertEqual(try TestRaster.read(tmp.file("a/reporting-2009-2011/trajectory.tif")), [0, 0])
        XCTAssertEqual(try TestRaster.read(tmp.file("a/reporting-2009-2011/state.tif")), [1, 0], "2009-2011 against the baseline 2001-2006")

        // The default windows are Trends.Earth's.
        try original.write(toFile: config, atomically: true, encoding: .utf8)
        lines = []
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("b"), quiet: true)) { lines.append($0) }
        XCTAssertFalse(lines.contains { $0.contains("warning:") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("period reporting-2009-2011: trajectory 2001-2011, performance 2001-2011, state 2009-2011 against 2001-2008") }, "\(lines)")
        XCTAssertEqual(try TestRaster.read(tmp.file("b/reporting-2009-2011/trajectory.tif")), [3, 0])

        config = tmp.file("ldn.toml")
        let override = original + "\n[windows.reporting-2009-2011]\ntrajectory = [2007, 2011]\nstate = [[2001, 2006], [2010, 2011]]\n"
        try override.write(toFile: config, atomically: true, encoding: .utf8)
        lines = []
        _ = try LDNJob.run(LDNOptions(config: config, output: "", checkOnly: true, quiet: true)) { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.contains("period reporting-2009-2011: trajectory 2007-2011, performance 2001-2011, state 2010-2011 against 2001-2006") }, "\(lines)")
    }
}

/// Item 9: the GPG v2 alternatives as config choices.
extension LDNExactnessTests {
    /// The three rows where the GPG look-up (as SEPAL documents it) differs from Trends.Earth's status, and one where they agree.
    func testGPGLookupRows() {
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: -1, state: 0, performance: 0), 0)   // Trends.Earth: class 1, -1
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 0, state: -1, performance: 0), 0)   // Trends.Earth: class 2, -1
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 0, state: 0, performance: -1), -1)  // Trends.Earth: class 3, 0
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 1, state: 0, performance: 0), 1)
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 0, state: DegradationStatus.nodata, performance: 0), DegradationStatus.nodata)
    }

    /// Land units of performance, hand-worked: means 0.2, 0.3, 0.8, 0.9 (flat series); all grassland in the
    /// 2001 map, the first two cropland in the 2006 map. One unit (2001 map): P90 = 0.8 + 0.7 x 0.1 = 0.87, so
    /// 0.2 and 0.3 are at most half of it (-1). Two units (2006 map): P90 0.29 and 0.89, every ratio above 0.5 (0).
    /// The default (Trends.Earth) takes the map at the performance window's start; "period-end" the period's end map.
    func testLandUnitsMap() throws {
        let years = Array(2001...2006)
        let series: [[Float]] = [2000, 3000, 8000, 9000].map { Array(repeating: $0, count: years.count) }
        let maps: [Int: [Float]] = [2001: [130, 130, 130, 130], 2006: [10, 10, 130, 130]]
        for (choice, expected) in [("", [Float](arrayLiteral: -1, -1, 0, 0)), ("land_units = \"performance-start\"", [-1, -1, 0, 0]),
                                   ("land_units = \"period-end\"", [0, 0, 0, 0])] {
            let tmp = try TemporaryFolder()
            let config = try region(tmp, years: years, series: series, maps: maps, productivity: choice, baseline: 2001...2006)
            var lines: [String] = []
            _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true)) { lines.append($0) }
            XCTAssertEqual(try TestRaster.read(tmp.file("out/baseline/performance.tif")), expected, choice)
            let unitsYear = expected[0] == -1 ? 2001 : 2006
            XCTAssertTrue(lines.contains { $0.contains("land units from the \(unitsYear) map") }, "\(choice): \(lines)")
        }
        let tmp = try TemporaryFolder()
        let config = try region(tmp, years: years, series: series, maps: maps, productivity: "land_units = \"end\"", baseline: 2001...2006)
        XCTAssertThrowsError(try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))) {
            XCTAssertTrue("\($0)".contains("land_units"), "\($0)")
        }
    }

    /// All 18 rows of the GPG v2 look-up, transcribed row by row in the words of SEPAL's
    /// `doc/en.rst` table ("Look-up table to combine productivity metrics", column "GPG
    /// Version 2"), against `gpgStatus`; and the three rows where Trends.Earth's 5-class table
    /// then `prod5_to_prod3` says otherwise.
    func testGPGLookupAllEighteenRows() {
        let code = ["Degraded": Int16(-1), "Stable": 0, "Improved": 1, "Not degraded": 0]
        let rows: [(String, String, String, String)] = [
            ("Degraded", "Degraded", "Degraded", "Degraded"), ("Degraded", "Degraded", "Not degraded", "Degraded"),
            ("Degraded", "Stable", "Degraded", "Degraded"), ("Degraded", "Stable", "Not degraded", "Stable"),
            ("Degraded", "Improved", "Degraded", "Degraded"), ("Degraded", "Improved", "Not degraded", "Degraded"),
            ("Stable", "Degraded", "Degraded", "Degraded"), ("Stable", "Degraded", "Not degraded", "Stable"),
            ("Stable", "Stable", "Degraded", "Degraded"), ("Stable", "Stable", "Not degraded", "Stable"),
            ("Stable", "Improved", "Degraded", "Stable"), ("Stable", "Improved", "Not degraded", "Stable"),
            ("Improved", "Degraded", "Degraded", "Degraded"), ("Improved", "Degraded", "Not degraded", "Improved"),
            ("Improved", "Stable", "Degraded", "Improved"), ("Improved", "Stable", "Not degraded", "Improved"),
            ("Improved", "Improved", "Degraded", "Improved"), ("Improved", "Improved", "Not degraded", "Improved"),
        ]
        XCTAssertEqual(rows.count, 18)
        var differing: [[Int16]] = []
        for (t, s, p, expected) in rows {
            let (tc, sc, pc) = (code[t]!, code[s]!, code[p]!)
            XCTAssertEqual(LPDCombination.gpgStatus(trajectory: tc, state: sc, performance: pc), code[expected]!, "\(t)/\(s)/\(p)")
            let te = LPDCombination.trendsEarth
            if te.status(lpdClass: te.lpdClass(trajectory: tc, state: sc, performance: pc)) != code[expected]! { differing.append([tc, sc, pc]) }
        }
        XCTAssertEqual(differing, [[-1, 0, 0], [0, -1, 0], [0, 0, -1]])
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 2, state: 0, performance: 0), DegradationStatus.nodata)
        XCTAssertEqual(LPDCombination.gpgStatus(trajectory: 0, state: 0, performance: 1), DegradationStatus.nodata)
    }

    /// Baseline 2001-2008 of 3000, 3010, 2990, 3000, 3010, 2990, 3000, 3000 (mean 3000, population sigma sqrt(50)),
    /// recent 3010 x 3: deciles say stable (means 0.001 apart, at most 0.01); the GPG z-score
    /// z = 10 / (sqrt(50) / sqrt(3)) = 2.45 > 1.96 says improved. land_cover_start = "baseline-end" judges
    /// the reporting period from the baseline's end map.
    func testStateMethodAndLandCoverStart() throws {
        let tmp = try TemporaryFolder()
        let years = Array(2001...2011)
        let series: [[Float]] = [[3000, 3010, 2990, 3000, 3010, 2990, 3000, 3000, 3010, 3010, 3010]]
        var config = try region(tmp, years: years, series: series, maps: [2001: [130], 2006: [10], 2011: [10]],
                                baseline: 2001...2011)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("a"), quiet: true))
        XCTAssertEqual(try TestRaster.read(tmp.file("a/baseline/state.tif")), [0])
        config = try region(tmp, years: years, series: series, maps: [2001: [130], 2006: [10], 2011: [10]],
                            productivity: "state = \"z-score\"", baseline: 2001...2011)
        _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("b"), quiet: true))
        XCTAssertEqual(try TestRaster.read(tmp.file("b/baseline/state.tif")), [1])

        config = try region(tmp, years: years, series: series, maps: [2001: [130], 2006: [10], 2011: [10]],
                            baseline: 2001...2006, reporting: "reporting = [[2007, 2011]]\n[windows]\nland_cover_start = \"baseline-end\"")
        let report = try LDNJob.run(LDNOptions(config: config, output: tmp.file("c"), quiet: true))
        XCTAssertEqual(report.periods[1].landCoverYears.0, 2006)
        XCTAssertEqual(try TestRaster.read(tmp.file("c/reporting-2007-2011/landcover-status.tif")), [0], "cropland -> cropland")
    }
}
