import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `--band N` of the series commands (`stack`, `warn`, `drought`) means one thing for every input shape
/// (docs/stack.md, "Which band"): band N of each single-date file (a GeoTIFF, a VRT, a STAC item's asset);
/// refused (exit 2, one line naming the file) with a series whose bands are dated (every band is an observation)
/// and with `stack --sensor` (the index chooses each scene's bands). Before, `--band 2` on a series of dated
/// bands was silently ignored (every band read), with `--sensor` ignored too, and a STAC asset was read at band 1
/// whatever `--band` said.
final class BandOptionTests: CLITestCase {
    var tmp: TemporaryFolder!
    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    static let width = 2, height = 1

    /// A raster of `bands` bands (descriptions `descriptions`, empty when nil); band b (0-based) of pixel p is `value(b, p)`.
    @discardableResult
    func raster(_ name: String, bands: Int, descriptions: [String]? = nil, value: (Int, Int) -> Float) throws -> String {
        let path = tmp.file(name)
        let ds = try Dataset.create(path, width: Self.width, height: Self.height, bands: bands, type: .float32)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for b in 0..<bands {
            let band = try ds.band(b + 1)
            if let descriptions { band.setDescription(descriptions[b]) }
            let values = (0..<(Self.width * Self.height)).map { value(b, $0) }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: Self.width, height: Self.height), from: $0) }
        }
        try ds.close()
        return path
    }

    /// A series of one observation a year, 2010-2016 (band descriptions YYYY-07-15): band b of pixel p is 0.2 + 0.1 b + 0.01 p.
    func series(_ name: String = "series.tif") throws -> String {
        try raster(name, bands: 7, descriptions: (2010...2016).map { "\($0)-07-15" }) { b, p in 0.2 + 0.1 * Float(b) + 0.01 * Float(p) }
    }

    /// Single-date files `ndvi_YYYY-07-15.tif`, 2010-2012, of two undescribed bands: band 1 is 0.1, band 2 is
    /// 0.5 + 0.1 x (year - 2010) + 0.01 x pixel.
    func singleDateFiles() throws -> [String] {
        try (2010...2012).map { y in
            try raster("ndvi_\(y)-07-15.tif", bands: 2) { b, p in b == 0 ? 0.1 : 0.5 + 0.1 * Float(y - 2010) + 0.01 * Float(p) }
        }
    }

    /// A VRT (hand-written XML): one band per entry of `sources` (band `band` of `file`), described by `description`.
    func vrt(_ name: String, sources: [(file: String, band: Int, description: String)]) throws -> String {
        let bands = sources.enumerated().map { i, s in
            """
              <VRTRasterBand dataType="Float32" band="\(i + 1)">
                <Description>\(s.description)</Description>
                <SimpleSource>
                  <SourceFilename relativeToVRT="1">\((s.file as NSString).lastPathComponent)</SourceFilename>
                  <SourceBand>\(s.band)</SourceBand>
                </SimpleSource>
              </VRTRasterBand>
            """
        }.joined(separator: "\n")
        let t = TestRaster.utm49Transform
        let text = """
        <VRTDataset rasterXSize="\(Self.width)" rasterYSize="\(Self.height)">
          <SRS>EPSG:32649</SRS>
          <GeoTransform>\(t.coefficients.map { String($0) }.joined(separator: ", "))</GeoTransform>
        \(bands)
        </VRTDataset>
        """
        let path = tmp.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func assertRefused(_ r: CLIRunner.Result, status: Int32, mentions: [String], keep: Set<String>,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path)).subtracting(keep)
        XCTAssertEqual(left, [], "nothing left", file: file, line: line)
    }

    func names() throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: tmp.path)) }

    /// A series of dated bands (a GeoTIFF or a VRT) with `--band N` given, even `--band 1`: exit 2 naming the file,
    /// in `stack`, `warn` and `drought`. Main read every band and exited 0.
    func testBandWithASeriesOfDatedBandsIsAUsageErrorNamingTheFile() throws {
        let tif = try series()
        let vrt = try vrt("series.vrt", sources: (1...7).map { (tif, $0, "\(2009 + $0)-07-15") })
        let keep = try names()
        for input in [tif, vrt] {
            for band in ["2", "1"] {
                let s = try CLIRunner.run(["stack", "-q", input, "--band", band, "-o", tmp.file("out.tif")])
                try assertRefused(s, status: 2, mentions: [(input as NSString).lastPathComponent, "7 dated bands", "--band \(band)"], keep: keep)
                let w = try CLIRunner.run(["warn", "-q", input, "--band", band, "--baseline", "2010-2015", "-o", tmp.file("warn")])
                try assertRefused(w, status: 2, mentions: [(input as NSString).lastPathComponent, "dated band", "--band \(band)"], keep: keep)
            }
        }
        // Without --band the same series is read (every band a date): the refusal is --band's, not the file's.
        let ok = try CLIRunner.run(["stack", "-q", tif, "-o", tmp.file("out.tif")])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try Dataset.open(tmp.file("out.tif")).bandCount, 7)
    }

    func testDroughtBandWithAMonthlySeriesIsAUsageError() throws {
        let months = (0..<24).map { String(format: "%04d-%02d-15", 2001 + $0 / 12, $0 % 12 + 1) }
        let pr = try raster("pr.tif", bands: 24, descriptions: months) { b, p in Float(10 + b + p) }
        let keep = try names()
        let r = try CLIRunner.run(["drought", "-q", pr, "--band", "3", "-o", tmp.file("drought")])
        try assertRefused(r, status: 2, mentions: ["pr.tif", "24 dated bands", "--band 3"], keep: keep)
        // Bands described by a month alone (YYYY-MM) are a series to drought too.
        let pm = try raster("pm.tif", bands: 24, descriptions: months.map { String($0.prefix(7)) }) { b, p in Float(10 + b + p) }
        let r2 = try CLIRunner.run(["drought", "-q", pm, "--band", "1", "-o", tmp.file("drought")])
        try assertRefused(r2, status: 2, mentions: ["pm.tif", "24 dated bands", "--band 1"], keep: keep.union(["pm.tif"]))
    }

    /// Single-date files of two bands (GeoTIFFs, and VRTs of them): `--band 2` reads band 2 of each. The yearly means
    /// are band 2's values, hand-worked: 0.5 + 0.1 x (year - 2010) + 0.01 x pixel (band 1 is 0.1 everywhere).
    func testBandChoosesTheBandOfSingleDateFilesAndVRTs() throws {
        let files = try singleDateFiles()
        let expected: [[Float]] = (0..<3).map { k in (0..<Self.width).map { p in 0.5 + 0.1 * Float(k) + 0.01 * Float(p) } }
        let r = try CLIRunner.run(["stack", "-q"] + files + ["--band", "2", "-o", tmp.file("out.tif")])
        XCTAssertEqual(r.status, 0, r.stderr)
        for k in 0..<3 {
            let got = try TestRaster.read(tmp.file("out.tif"), band: k + 1)
            for p in 0..<Self.width { XCTAssertEqual(got[p], expected[k][p], accuracy: 1e-6, "year \(2010 + k) pixel \(p)") }
        }
        // The same through VRTs of both bands (undescribed: single-date files dated by their names).
        let vrts = try files.map { f in
            try vrt("v_" + (f as NSString).lastPathComponent.replacingOccurrences(of: ".tif", with: ".vrt"), sources: [(f, 1, ""), (f, 2, "")])
        }
        let v = try CLIRunner.run(["stack", "-q"] + vrts + ["--band", "2", "-o", tmp.file("outv.tif")])
        XCTAssertEqual(v.status, 0, v.stderr)
        for k in 0..<3 {
            let got = try TestRaster.read(tmp.file("outv.tif"), band: k + 1)
            for p in 0..<Self.width { XCTAssertEqual(got[p], expected[k][p], accuracy: 1e-6, "VRT year \(2010 + k) pixel \(p)") }
        }
        // A band the files do not have: exit 3 naming the file.
        let keep = try names()
        let r3 = try CLIRunner.run(["stack", "-q"] + files + ["--band", "3", "-o", tmp.file("out3.tif")])
        try assertRefused(r3, status: 3, mentions: ["ndvi_2010-07-15.tif", "band 3 does not exist", "2 bands"], keep: keep)
    }

    /// A STAC ItemCollection's assets are single-date files: `--band 2` reads band 2 of each (main read band 1).
    func testBandChoosesTheBandOfSTACAssets() throws {
        let files = try singleDateFiles()
        let features = files.enumerated().map { i, f in
            """
            {"type": "Feature", "stac_version": "1.0.0", "id": "item\(i)", "geometry": null, "links": [],
             "properties": {"datetime": "\(2010 + i)-07-15T00:00:00Z"},
             "assets": {"ndvi": {"href": "\((f as NSString).lastPathComponent)"}}}
            """
        }
        let json = tmp.file("items.json")
        try Data("{\"type\": \"FeatureCollection\", \"features\": [\(features.joined(separator: ","))]}".utf8).write(to: URL(fileURLWithPath: json))
        let r = try CLIRunner.run(["stack", "-q", json, "--band", "2", "-o", tmp.file("out.tif")])
        XCTAssertEqual(r.status, 0, r.stderr)
        for k in 0..<3 {
            let got = try TestRaster.read(tmp.file("out.tif"), band: k + 1)
            for p in 0..<Self.width { XCTAssertEqual(got[p], 0.5 + 0.1 * Float(k) + 0.01 * Float(p), accuracy: 1e-6, "year \(2010 + k) pixel \(p)") }
        }
        let keep = try names()
        let r3 = try CLIRunner.run(["stack", "-q", json, "--band", "4", "-o", tmp.file("out4.tif")])
        try assertRefused(r3, status: 3, mentions: ["ndvi_2010-07-15.tif", "band 4 does not exist"], keep: keep)
    }

    /// `stack --sensor` computes --index from each scene's bands: `--band` is refused before anything is read.
    func testBandWithSensorIsAUsageError() throws {
        let r = try CLIRunner.run(["stack", "-q", tmp.file("scenes/"), "--sensor", "landsat-c2l2", "--band", "2", "-o", tmp.file("out.tif")])
        try assertRefused(r, status: 2, mentions: ["--band", "--sensor"], keep: [])
    }
}
