import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `drought` through the CLI: the SPI-12 layer, the SO3 class areas, exposure
/// and vulnerability tables against an independent Python reference
/// (climate-indices for the SPI, numpy for the classes and sums, the
/// closed-form ellipsoidal quadrangle for the areas), a month with no rain
/// ever, and bad inputs (exit code, one line naming the file, nothing left behind).
final class DroughtCommandTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    static let width = 6, height = 4
    /// 0.01 degree pixels at 39.96-40 N (geographic WGS 84).
    static let transform = GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01])

    /// A monthly series raster from January `firstYear`, band descriptions `YYYY-MM-15`; `skip` leaves months out.
    @discardableResult
    func series(_ name: String, years: Int, firstYear: Int = 2000, skip: Set<Int> = [], seed: UInt64 = 5,
                transform: GeoTransform = DroughtCommandTests.transform, tweak: (Int, inout [Float]) -> Void = { _, _ in },
                label: (_ year: Int, _ month: Int) -> String = { y, m in "\(y)-\(m < 10 ? "0" : "")\(m)-15" }) throws -> String {
        let path = tmp.file(name)
        let months = (0..<(years * 12)).filter { !skip.contains($0) }
        let n = Self.width * Self.height
        let ds = try Dataset.create(path, width: Self.width, height: Self.height, bands: months.count, type: .float32)
        try ds.setGeoTransform(transform)
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        var r = SplitMix64(seed: seed)
        let normal: [Double] = [1.5, 2.5, 7, 12, 25, 45, 90, 85, 40, 15, 4, 1.5]
        for (b, t) in months.enumerated() {
            let m = t % 12
            var values = (0..<n).map { p -> Float in
                if r.unit() < ([0, 1, 11].contains(m) ? 0.5 : 0.03) { return 0 }
                let e = -log(max(1e-12, r.unit())) - log(max(1e-12, r.unit()))
                return Float(normal[m] * (0.6 + 0.1 * Double(p % 7)) * e / 2)
            }
            if m == 0 { values[0] = 0 }  // pixel (0, 0): January never rains
            tweak(t, &values)
            let band = try ds.band(b + 1)
            band.setDescription(label(firstYear + t / 12, m + 1))
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: Self.width, height: Self.height), from: $0) }
        }
        try ds.close()
        return path
    }

    func layer(_ name: String, _ values: [Float], transform: GeoTransform = DroughtCommandTests.transform) throws -> String {
        try TestRaster.write(tmp.file(name), width: Self.width, height: Self.height, values: values, nodata: -9999, transform: transform, epsg: 4326)
    }

    static let script = #"""
import json, sys, math, warnings
import numpy as np
from osgeo import gdal
from climate_indices import indices, compute
warnings.simplefilter("ignore")
d = json.load(open(sys.argv[1]))
ds = gdal.Open(d["series"])
x = ds.ReadAsArray().astype(float)          # months, rows, cols
T, H, W = x.shape
y0 = d["first_year"]; years = T // 12
spi12 = np.full(x.shape, np.nan)
for r in range(H):
    for c in range(W):
        spi12[:, r, c] = indices.spi(x[:, r, c].copy(), 12, indices.Distribution.gamma, y0, y0, y0 + years - 1, compute.Periodicity.monthly)
# classes per year from the year's lowest SPI-12 (years with 12 defined values)
def klass(v):
    if np.isnan(v): return -1
    if v >= 0: return 0
    if v > -1: return 1
    if v > -1.5: return 2
    if v > -2: return 3
    return 4
# closed-form area of a geographic quadrangle on WGS 84 (authalic q function)
a = 6378137.0; f = 1 / 298.257223563; e2 = f * (2 - f); e = math.sqrt(e2); b2 = a * a * (1 - e2)
def q(phi):
    s = math.sin(math.radians(phi))
    return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
gt = ds.GetGeoTransform()
row_area = [math.radians(gt[1]) * b2 / 2 * (q(gt[3] + r * gt[5]) - q(gt[3] + (r + 1) * gt[5])) for r in range(H)]
pops = [gdal.Open(p).ReadAsArray().astype(float) for p in d["populations"]]
out_years = []
for yi in range(1, years):
    lowest = spi12[yi * 12:(yi + 1) * 12].min(axis=0)
    area = [0.0] * 5; people = [[0.0] * 5 for _ in pops]
    for r in range(H):
        for c in range(W):
            k = klass(lowest[r, c])
            if k < 0: continue
            area[k] += row_area[r]
            for l, p in enumerate(pops): people[l][k] += p[r, c]
    out_years.append({"year": y0 + yi, "km2": [v / 1e6 for v in area], "people": people})
v = gdal.Open(d["vulnerability"]).ReadAsArray().astype(float)
z = gdal.Open(d["zones"]).ReadAsArray()
means = {str(int(k)): float(v[(z == k) & (v != -9999)].mean()) for k in np.unique(z) if k > 0}
json.dump({"spi12": [None if np.isnan(s) else float(s) for s in spi12.flatten()], "years": out_years, "means": means}, open(sys.argv[2], "w"))
"""#

    func testAgainstReference() throws {
        guard let python = PythonReference.interpreter(needing: "climate_indices, osgeo") else { return }
        let n = Self.width * Self.height
        let precip = try series("precip.tif", years: 22)
        let total = try layer("pop.tif", (0..<n).map { Float(100 + 37 * $0) })
        let female = try layer("female.tif", (0..<n).map { Float(50 + 20 * $0) })
        let male = try layer("male.tif", (0..<n).map { Float(50 + 17 * $0) })
        let vuln = try layer("vuln.tif", (0..<n).map { $0 == 5 ? -9999 : Float($0 % 5) * 0.2 + 0.05 })
        let zones = try TestRaster.write(tmp.file("zones.tif"), width: Self.width, height: Self.height,
                                         values: (0..<n).map { Float($0 % Self.width < 3 ? 1 : 2) }, type: .int16, transform: Self.transform, epsg: 4326)
        let out = tmp.file("out")
        let r = try run(["drought", "-q", precip, "--scales", "1,3,12", "--population", total, "--population-female", female,
                         "--population-male", male, "--vulnerability", vuln, "--zones", zones, "-o", out])
        XCTAssertTrue(r.stdout.hasPrefix("drought: SPI-1,3,12 of 264 months (2000-01..2021-12), calibration 2000..2021"), r.stdout)
        let ref = try XCTUnwrap(PythonReference.run(python, script: Self.script, input: [
            "series": precip, "first_year": 2000, "populations": [total, female, male], "vulnerability": vuln, "zones": zones]) as? [String: Any])
        // The folder is a STAC catalogue of COGs (docs/publishing.md), checked by pystac and GDAL's COG validator.
        if let check = try PublishedFolderCheck.run(out) {
            XCTAssertEqual(check.errors, [], "drought's folder is a valid STAC catalogue of COGs")
            XCTAssertEqual(check.items, ["drought-class", "drought-spi-1", "drought-spi-12", "drought-spi-3"])
        }
        // SPI-12 layer: climate-indices within 1e-3.
        let expected = try XCTUnwrap(ref["spi12"] as? [Any])
        let ds = try Dataset.open(out + "/spi-12.tif")
        XCTAssertEqual(ds.bandCount, 264)
        var worst = 0.0
        for t in 0..<264 {
            let got = try ds.band(t + 1).read(Window(column: 0, row: 0, width: Self.width, height: Self.height))
            for p in 0..<n {
                if let e = expected[t * n + p] as? Double { worst = max(worst, abs(Double(got[p]) - e)) } else { XCTAssertTrue(got[p].isNaN) }
            }
        }
        XCTAssertLessThan(worst, 1e-3)
        // Pixel (0, 0) never rains in January: SPI-1 is defined (0) there, and no SPI-1 value is NaN.
        let spi1 = try Dataset.open(out + "/spi-1.tif")
        for t in 0..<264 {
            let got = try spi1.band(t + 1).read(Window(column: 0, row: 0, width: Self.width, height: Self.height))
            XCTAssertFalse(got.contains { $0.isNaN }, "month \(t)")
            if t % 12 == 0 { XCTAssertEqual(got[0], 0) }
        }
        // SO3-1 and SO3-2 tables.
        let hazard = try rows(out + "/so3-1-drought-hazard.csv"), exposure = try rows(out + "/so3-2-drought-exposure.csv")
        let years = try XCTUnwrap(ref["years"] as? [[String: Any]])
        XCTAssertEqual(hazard.count, years.count * 5)
        var drought = 0.0
        for (yi, y) in years.enumerated() {
            let km2 = y["km2"] as! [Double], people = y["people"] as! [[Double]]
            for c in 0..<5 {
                let h = hazard[yi * 5 + c], e = exposure[yi * 5 + c]
                XCTAssertEqual(h[0], String(y["year"] as! Int))
                XCTAssertEqual(Double(h[4])!, km2[c], accuracy: 1e-4, "year \(h[0]) class \(c)")
                for l in 0..<3 { XCTAssertEqual(Double(e[3 + 2 * l])!, people[l][c], accuracy: 0.01, "year \(h[0]) class \(c) population \(l)") }
                if c > 0 { drought += km2[c] }
            }
        }
        XCTAssertGreaterThan(drought, 1, "the series must hold droughts")
        // SO3-3: the vulnerability mean per zone (nodata left out).
        let means = try XCTUnwrap(ref["means"] as? [String: Double])
        let vrows = try rows(out + "/so3-3-drought-vulnerability.csv")
        XCTAssertEqual(vrows.count, 2)
        for v in vrows { XCTAssertEqual(Double(v[2])!, try XCTUnwrap(means[v[0]]), accuracy: 1e-6) }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/drought.json"))) as? [String: Any])
        let special = try XCTUnwrap((json["spi"] as? [String: Any])?["specialCases"] as? [String: [String: Int]])
        XCTAssertEqual(special["1"]?["pixelCalendarMonthsWithoutSpread"], 1, "January of pixel (0, 0)")
    }

    private func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// `--calibration` reads FIRST-LAST (the form `warn --baseline` takes) as well as FIRST..LAST: the same
    /// years (2000-2019 of a 2000-2020 record, not the default every year), the same SPI; a third spelling is refused.
    func testCalibrationYearsInEitherSpelling() throws {
        let good = try series("good.tif", years: 21)
        var spi: [Data] = []
        for (i, years) in ["2000..2019", "2000-2019"].enumerated() {
            let out = tmp.file("calibration-\(i)")
            _ = try run(["drought", "-q", good, "--calibration", years, "-o", out])
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/drought.json"))) as! [String: Any]
            let calibration = try XCTUnwrap(record["calibration"] as? [String: Any])
            XCTAssertEqual(calibration["first"] as? Int, 2000, years)
            XCTAssertEqual(calibration["last"] as? Int, 2019, years)
            spi.append(try Data(contentsOf: URL(fileURLWithPath: out + "/spi-12.tif")))
        }
        XCTAssertEqual(spi[0], spi[1])
        try assertFails([good, "--calibration", "2000_2019"], code: 2, mentions: ["--calibration", "2000_2019"])
    }

    /// Bands described by their month alone (`2001-04`, as monthly products are often labelled) are that month's totals:
    /// the same SPI as the same values described by a day of the month. Bands described by a year are refused, naming
    /// the file and the band; so is a file mixing months with other descriptions.
    func testBandsDescribedByTheirMonth() throws {
        let days = try series("days.tif", years: 21)
        let months = try series("months.tif", years: 21, label: { y, m in "\(y)-\(m < 10 ? "0" : "")\(m)" })
        for (input, out) in [(days, "out-days"), (months, "out-months")] {
            _ = try run(["drought", "-q", input, "--scales", "1,3", "-o", tmp.file(out)])
        }
        for layer in ["spi-1.tif", "spi-3.tif"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: tmp.file("out-days/" + layer)))
            let b = try Data(contentsOf: URL(fileURLWithPath: tmp.file("out-months/" + layer)))
            XCTAssertEqual(a, b, layer)
        }
        let years = try series("years.tif", years: 2, label: { y, m in "\(y)" })
        try assertFails([years], code: 3, mentions: [years, "band 1's description '2000' is a year, not a month or a date", "YYYY-MM"])
        let mixed = try series("mixed.tif", years: 2, label: { y, m in m == 7 ? "\(y)-07-15" : "\(y)-\(m < 10 ? "0" : "")\(m)" })
        try assertFails([mixed], code: 3, mentions: [mixed, "band 7 has no month in its description ('2000-07-15')"])
    }

    private func assertFails(_ args: [String], code: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let out = tmp.file("bad-out")
        let r = try CLIRunner.run(["drought", "-q"] + args + ["-o", out])
        XCTAssertEqual(r.status, code, "stderr: \(r.stderr)", file: file, line: line)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("kubuqi-monitor: error:") }
        XCTAssertEqual(errors.count, 1, "one error line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in: \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing left behind", file: file, line: line)
    }

    func testBadInputs() throws {
        let good = try series("good.tif", years: 21)
        try assertFails([try series("gap.tif", years: 21, skip: [124])], code: 3, mentions: ["gap.tif", "misses 1 month", "2010-05"])
        try assertFails([try series("noyear.tif", years: 21, skip: Set(60..<72))], code: 3, mentions: ["noyear.tif", "misses 12 months", "2005-01"])
        try assertFails([try series("negative.tif", years: 21) { t, v in if t == 30 { v[7] = -2 } }], code: 3,
                        mentions: ["negative.tif", "negative precipitation -2", "2002-07", "column 1, row 1"])
        try assertFails([try series("short.tif", years: 15)], code: 3, mentions: ["short.tif", "15 full calendar years", "at least 20"])
        try assertFails([good, "--calibration", "2001..2010"], code: 2, mentions: ["--calibration", "10 years", "at least 20"])
        try assertFails([good, "--calibration", "1990..2015"], code: 3, mentions: ["1990..2015", "2000..2020"])
        try assertFails([good, "--scales", "0,3"], code: 2, mentions: ["--scales"])
        try assertFails([good, "--scales", "3,x"], code: 2, mentions: ["--scales"])
        try assertFails([good, "--gamma-fit", "moments"], code: 2, mentions: ["--gamma-fit"])
        try assertFails([good, "--population-female", good], code: 2, mentions: ["--population-male"])
        let elsewhere = GeoTransform([109.0, 0.01, 0, 40.0, 0, -0.01])
        let pop = try layer("pop-elsewhere.tif", [Float](repeating: 1, count: 24), transform: elsewhere)
        try assertFails([good, "--population", pop], code: 3, mentions: ["pop-elsewhere.tif", "not on the precipitation grid"])
        let negativePop = try layer("pop-negative.tif", (0..<24).map { $0 == 3 ? -5 : 1 })
        try assertFails([good, "--population", negativePop], code: 3, mentions: ["pop-negative.tif", "negative population"])
        try assertFails([tmp.file("nosuch.tif")], code: 3, mentions: ["nosuch.tif"])
    }
}
