import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// COGs of many bands laid out band after band (`PlanarConfiguration=2`, docs/publishing.md, "Band-interleaved
/// COGs"): against GDAL (its COG driver's copy of the same staged raster, copied band-interleaved by its GeoTIFF
/// driver with `COPY_SRC_OVERVIEWS=YES`: every band at every level, gdalinfo, GDAL's validator, tags, every tile's
/// bytes; ``CloudOptimizedReference``); the band count where the layout changes; `stack` (monthly periods) and
/// `drought` (SPI layers of 240 months, its shortest series) read back equal to their `--co COG=NO` outputs.
final class BandInterleavedCOGTests: XCTestCase {
    /// A staged raster as the commands stage theirs (tiled, uncompressed, band-interleaved, georeferenced) of `bands`
    /// bands of `type` with nodata holes (NaN, or `nodata` for Int16).
    private func stage(_ path: String, width: Int, height: Int, bands: Int, type: RasterDataType, nodata: Double, seed: UInt64) throws {
        let ds = try Dataset.create(path, width: width, height: height, bands: bands, type: type,
                                    options: try CreationOptions(parsing: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256",
                                                                           "COMPRESS=NONE", "INTERLEAVE=BAND"]))
        try ds.setGeoTransform(GeoTransform([500_000, 30, 0, 4_400_000, 0, -30]))
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        var r = SplitMix64(seed: seed)
        for b in 1...bands {
            let band = try ds.band(b)
            try band.setNodata(nodata)
            band.setDescription("band \(b)")
            let values = (0..<(width * height)).map { i -> Float in
                // A corner never valid (nodata blocks in the overviews), holes elsewhere.
                (i % width < 40 && i / width < 40) || r.next() % 5 == 0 ? Float(nodata) : Float(r.next() % 20_000) / 7 - 1000
            }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: width, height: height), from: $0) }
        }
        try ds.close()
    }

    /// The image structure GDAL reports for `path` (INTERLEAVE, LAYOUT...).
    private func structure(_ path: String) throws -> [String: String] {
        let ds = try Dataset.open(path)
        defer { try? ds.close() }
        return ["INTERLEAVE": ds.metadataItem("INTERLEAVE", domain: "IMAGE_STRUCTURE") ?? "",
                "LAYOUT": ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE") ?? ""]
    }

    func testManyBandsAreGDALsBandInterleavedCOG() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let tmp = try TemporaryFolder()
        // 520 x 300, levels 260 x 150 and 130 x 75: partial edge tiles at every level.
        var cases: [[String: String]] = []
        for (name, type, encoding, bands, nodata) in [("f32", RasterDataType.float32, IndexEncoding.float32, 40, Double.nan),
                                                       ("i16", .int16, .int16, 70, -32768.0)] {
            let staged = tmp.file("\(name)-staged.tif"), ours = tmp.file("\(name).tif")
            try stage(staged, width: 520, height: 300, bands: bands, type: type, nodata: nodata, seed: UInt64(bands))
            try CloudOptimizedOutput.write(staged, to: ours)
            XCTAssertEqual(try structure(ours), ["INTERLEAVE": "BAND", "LAYOUT": "COG"], name)
            // GDAL's own: its COG driver's copy (pixel-interleaved, its AVERAGE overviews), copied band-interleaved
            // with those overviews by its GeoTIFF driver, with the same codec options.
            let cog = tmp.file("\(name)-gdal-cog.tif"), reference = tmp.file("\(name)-gdal.tif")
            let options = RasterOutputSpec.defaultCreationOptions(for: encoding)
            try CloudOptimizedGeoTIFF.copy(staged, to: cog, creationOptions: options, resampling: "AVERAGE")
            XCTAssertEqual(try structure(cog)["INTERLEAVE"], "PIXEL")
            try Mosaic.translate(cog, to: reference, options: ["-of", "GTiff", "-co", "COPY_SRC_OVERVIEWS=YES", "-co", "INTERLEAVE=BAND"]
                                 + options.strings.flatMap { ["-co", $0] })
            cases.append(["ours": ours, "gdal": reference, "layout": "copy"])
        }
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }

    /// Rasters of many bands this writer does not make exactly (levels that do not halve exactly, class rasters with
    /// `NEAREST` overviews) are band-interleaved too, through GDAL's GeoTIFF driver (`COPY_SRC_OVERVIEWS=YES`), instead
    /// of GDAL 3.6's COG driver's pixel-interleaved tiles of every band: against GDAL in Python (its own overviews of a
    /// band-interleaved copy of the staged raster, every band at every level, class names, nodata) and its COG validator.
    func testManyBandsOfOtherSizesAndClassesAreBandInterleavedThroughGDAL() throws {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return }
        let tmp = try TemporaryFolder()
        // 301 x 299 (levels 150 x 149 and 75 x 74 by the COG's integer halving: not exact halves), 40 Float32 bands
        // with NaN holes; 70 Int16 class bands (a class table) with -1 nodata.
        let make = #"""
import json, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
rng = np.random.default_rng(7)
for c in json.load(open(sys.argv[1]))['cases']:
    t = gdal.GDT_Float32 if c['type'] == 'float32' else gdal.GDT_Int16
    ds = gdal.GetDriverByName('GTiff').Create(c['staged'], 301, 299, c['bands'], t,
        ['TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'COMPRESS=NONE', 'INTERLEAVE=BAND'])
    ds.SetGeoTransform([500000, 30, 0, 4400000, 0, -30])
    sr = gdal.osr.SpatialReference(); sr.ImportFromEPSG(32649); ds.SetProjection(sr.ExportToWkt())
    for b in range(1, c['bands'] + 1):
        band = ds.GetRasterBand(b)
        band.SetDescription('band %d' % b)
        if t == gdal.GDT_Float32:
            a = rng.uniform(-1000, 2000, (299, 301)).astype(np.float32)
            a[rng.random((299, 301)) < 0.2] = np.nan
            band.SetNoDataValue(float('nan'))
        else:
            a = rng.integers(1, 8, (299, 301)).astype(np.int16)
            a[rng.random((299, 301)) < 0.1] = -1
            band.SetNoDataValue(-1)
            band.SetCategoryNames(['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'])
        band.WriteArray(a)
    ds = None
json.dump({}, open(sys.argv[2], 'w'))
"""#
        let check = #"""
import json, sys
import numpy as np
from osgeo import gdal
from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator
gdal.UseExceptions()
problems = []
cases = json.load(open(sys.argv[1]))['cases']
for c in cases:
    ours = gdal.Open(c['ours'])
    if ours.GetMetadataItem('INTERLEAVE', 'IMAGE_STRUCTURE') != 'BAND':
        problems.append('%s: not band-interleaved' % c['ours'])
    _, errors, _ = validator.validate(c['ours'], full_check=True)
    problems += ['%s: validator: %s' % (c['ours'], e) for e in errors]
    ref = '/vsimem/ref.tif'
    gdal.Translate(ref, c['staged'], creationOptions=['TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'INTERLEAVE=BAND'])
    r = gdal.Open(ref, gdal.GA_Update)
    factors, w, h, f = [], r.RasterXSize, r.RasterYSize, 2
    while w > 256 or h > 256:
        factors.append(f); f *= 2; w //= 2; h //= 2
    r.BuildOverviews(c['resampling'], factors)
    if ours.RasterCount != r.RasterCount:
        problems.append('%s: %d bands, expected %d' % (c['ours'], ours.RasterCount, r.RasterCount))
    for b in range(1, r.RasterCount + 1):
        x, y = ours.GetRasterBand(b), r.GetRasterBand(b)
        for what, u, v in [('description', x.GetDescription(), y.GetDescription()), ('nodata', str(x.GetNoDataValue()), str(y.GetNoDataValue())),
                           ('classes', x.GetCategoryNames(), y.GetCategoryNames()), ('overviews', x.GetOverviewCount(), len(factors))]:
            if u != v: problems.append('%s band %d: %s %r, expected %r' % (c['ours'], b, what, u, v))
        levels = [(x, y)] + [(x.GetOverview(k), y.GetOverview(k)) for k in range(min(x.GetOverviewCount(), len(factors)))]
        for k, (p, q) in enumerate(levels):
            a, e = p.ReadAsArray(), q.ReadAsArray()
            if a.shape != e.shape or not np.array_equal(a, e, equal_nan=a.dtype.kind == 'f'):
                problems.append('%s band %d level %d differs from GDAL' % (c['ours'], b, k))
    r = None
    gdal.Unlink(ref)
json.dump({'checked': len(cases), 'problems': problems[:20]}, open(sys.argv[2], 'w'))
"""#
        let cases: [[String: Any]] = [["type": "float32", "bands": 40, "staged": tmp.file("f-staged.tif"), "ours": tmp.file("f.tif"), "resampling": "AVERAGE"],
                                      ["type": "int16", "bands": 70, "staged": tmp.file("c-staged.tif"), "ours": tmp.file("c.tif"), "resampling": "NEAREST"]]
        _ = try PythonReference.run(python, script: make, input: ["cases": cases])
        for c in cases { try CloudOptimizedOutput.write(c["staged"] as! String, to: c["ours"] as! String) }
        let out = try PythonReference.run(python, script: check, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
        // Nothing left beside the outputs (the scratch copy with its overviews is removed with the private folder).
        let expected = ["c-staged.tif", "c.tif", "f-staged.tif", "f.tif"].flatMap { [$0, $0 + ".aux.xml"] }
        XCTAssertEqual(try tmp.contents().filter { !expected.contains($0) }, [])
    }

    /// Pixel-interleaved up to a 256 x 256 tile of 8 MiB (32 Float32 bands, 64 Int16 bands), band-interleaved above.
    func testLayoutChangesAboveTheTileBudget() throws {
        let tmp = try TemporaryFolder()
        for (type, nodata, bands, interleave) in [(RasterDataType.float32, Double.nan, 32, "PIXEL"), (.float32, .nan, 33, "BAND"),
                                                  (.int16, -32768, 64, "PIXEL"), (.int16, -32768, 65, "BAND")] {
            let staged = tmp.file("s-\(type)-\(bands).tif"), out = tmp.file("\(type)-\(bands).tif")
            try stage(staged, width: 40, height: 30, bands: bands, type: type, nodata: nodata, seed: 1)
            try CloudOptimizedOutput.write(staged, to: out)
            XCTAssertEqual(try structure(out), ["INTERLEAVE": interleave, "LAYOUT": "COG"], "\(type) x \(bands)")
        }
        // The user's INTERLEAVE=PIXEL is kept (GDAL's driver, as before).
        let asked = tmp.file("asked.tif")
        try CloudOptimizedOutput.write(tmp.file("s-float32-33.tif"), to: asked, userOptions: try CreationOptions(parsing: ["INTERLEAVE=PIXEL"]))
        XCTAssertEqual(try structure(asked), ["INTERLEAVE": "PIXEL", "LAYOUT": "COG"])
    }

    /// Every band of `a` equals `b`'s at full resolution, as GDAL reads them (NaN equal to NaN).
    private func assertSameBands(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try Dataset.open(a), y = try Dataset.open(b)
        defer { try? x.close(); try? y.close() }
        XCTAssertEqual(x.bandCount, y.bandCount, a, file: file, line: line)
        let w = Window(column: 0, row: 0, width: y.width, height: y.height)
        for k in 1...y.bandCount {
            let u = try x.band(k).read(w), v = try y.band(k).read(w)
            XCTAssertTrue(zip(u, v).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(a) band \(k)", file: file, line: line)
            XCTAssertEqual(try x.band(k).bandDescription, try y.band(k).bandDescription, file: file, line: line)
        }
    }

    func testMonthlyStackAndDroughtReadBackAsTheirPlainOutputs() throws {
        let tmp = try TemporaryFolder(), scenes = try TemporaryFolder()
        let (w, h) = (300, 260)
        var rng = SplitMix64(seed: 5)
        // 3 years of one scene a month: 36 monthly periods (Float32: band-interleaved; the Int16 counts stay by pixel).
        for year in 2001...2003 {
            for m in 1...12 {
                let values = (0..<(w * h)).map { _ in rng.next() % 6 == 0 ? -9999 : Float(rng.next() % 10_000) / 10_000 }
                try TestRaster.write(scenes.file("ndvi_\(year)-\(m < 10 ? "0" : "")\(m)-15.tif"), width: w, height: h, values: values,
                                     nodata: -9999)
            }
        }
        let files = try scenes.contents().map(scenes.file)
        let cog = try StackJob.run(StackOptions(inputs: files, output: tmp.file("cog.tif"), scheme: .month, minimumCoverage: 0))
        let plain = try StackJob.run(StackOptions(inputs: files, output: tmp.file("plain.tif"), scheme: .month, minimumCoverage: 0,
                                                  creationOptions: try CreationOptions(parsing: ["COG=NO"])))
        XCTAssertEqual(try structure(cog.path), ["INTERLEAVE": "BAND", "LAYOUT": "COG"])
        XCTAssertEqual(try structure(cog.countPath)["LAYOUT"], "COG")
        try assertSameBands(cog.path, plain.path)
        try assertSameBands(cog.countPath, plain.countPath)

        // drought: 20 years (its shortest calibration), SPI-1 and SPI-3 layers of 240 bands.
        let series = tmp.file("precip.tif")
        let ds = try Dataset.create(series, width: 90, height: 70, bands: 240, type: .float32,
                                    options: try CreationOptions(parsing: ["TILED=YES", "INTERLEAVE=BAND"]))
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        for t in 0..<240 {
            let band = try ds.band(t + 1)
            band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-01")
            let values = (0..<(90 * 70)).map { p -> Float in
                rng.next() % 5 == 0 ? 0 : Float(Double(rng.next() % 1000) / 10 + Double(p % 90 + t % 12))
            }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 90, height: 70), from: $0) }
        }
        try ds.close()
        func drought(_ name: String, _ co: [String]) throws -> DroughtResult {
            var o = DroughtOptions(inputs: [series], outputFolder: tmp.file(name))
            o.scales = [1, 3]
            o.creationOptions = try CreationOptions(parsing: co)
            return try DroughtJob.run(o)
        }
        let a = try drought("d-cog", []), b = try drought("d-plain", ["COG=NO"])
        for key in ["spi-1", "spi-3"] {
            XCTAssertEqual(try structure(a.files[key]!), ["INTERLEAVE": "BAND", "LAYOUT": "COG"], key)
            try assertSameBands(a.files[key]!, b.files[key]!)
        }
    }
}
