@testable import KubuqiGDAL
@testable import KubuqiMonitorKit
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// A class raster whose tiles the streamed pass compressed (``TileSpools``), published by
/// ``CloudOptimizedOutput/rewrite(_:userOptions:)``, against the same raster published by GDAL's COG driver
/// (``CloudOptimizedReference``: pixels at every level, gdalinfo, tags, tiles, validator, legend sidecar); the spool
/// used only when its options are GDAL's DEFLATE with predictor 2 in 256-pixel tiles and the staged file is the one
/// it was made for, and nothing left behind either way.
final class TileSpoolsTests: XCTestCase {
    /// Class codes -1...3 in patches, nodata holes, on a grid with overviews and partial edge tiles.
    static func input(_ tmp: TemporaryFolder, width: Int = 700, height: Int = 600) throws -> String {
        var rng = SplitMix64(seed: 11)
        let values: [Float] = (0..<(width * height)).map { i in
            let (x, y) = (i % width, i / width)
            let r = rng.next() % 50
            return r == 0 ? .nan : Float(((x / 41) + (y / 29) * 2) % 5 - 1)
        }
        return try TestRaster.write(tmp.file("codes.tif"), width: width, height: height, values: values)
    }

    /// Runs one pass writing the input's codes to `paths` (class rasters staged for a COG, `spool` asking for
    /// spooled tiles), with the legend attached as `ldn` attaches it.
    static func pass(input: String, paths: [String], spool: [Bool], options: CreationOptions = CreationOptions()) throws {
        let band = try Dataset.open(input).band(1)
        let outputs = zip(paths, spool).map { path, spooled in
            var spec = RasterOutputSpec(path: path, encoding: .classes, creationOptions: options, bandDescription: "Classes",
                                        metadata: [("KUBUQI_LAYER", "codes")], storage: .stagedForCOG)
            spec.compressesTiles = spooled
            return PixelOutput(kernel: { ins, _, out in _ = out.update(fromContentsOf: ins[0]) }, inputs: [0], spec: spec)
        }
        _ = try StreamedCalculation.run(inputs: [PixelInput(band: band)], outputs: outputs)
        for p in paths { try ClassLegend.attach(to: p, entries: LDNLegend.entries(.trajectory)) }
    }

    /// The published pair checked by the reference; its problems.
    static func problems(_ ours: String, _ gdal: String) throws -> [String]? {
        guard let python = PythonReference.interpreter(needing: CloudOptimizedReference.modules) else { return nil }
        let out = try PythonReference.run(python, script: CloudOptimizedReference.script, input: ["cases": [["ours": ours, "gdal": gdal]]]) as? [String: Any]
        return out?["problems"] as? [String] ?? ["no answer"]
    }

    /// Hidden temporaries left in `folder` (spool folders, staging folders).
    static func leftovers(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".kubuqi") }
    }

    func testSpooledCOGIsGDALsCOG() throws {
        let tmp = try TemporaryFolder()
        let input = try Self.input(tmp)
        for options in [CreationOptions(), try CreationOptions(parsing: ["ZLEVEL=4"]), try CreationOptions(parsing: ["BIGTIFF=YES", "NUM_THREADS=2"])] {
            let out = tmp.file("out-\(options.strings.joined(separator: "-"))")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let ours = out + "/ours.tif", gdal = out + "/gdal.tif"
            try Self.pass(input: input, paths: [ours, gdal], spool: [true, false], options: options)
            XCTAssertTrue(TileSpools.isWaiting(for: ours), "\(options.strings): a spool waits for ours")
            XCTAssertFalse(TileSpools.isWaiting(for: gdal), "none for GDAL's")
            XCTAssertEqual(Self.leftovers(out).count, 1, "the spool's private folder")
            try CloudOptimizedOutput.rewrite(ours, userOptions: options)
            try CloudOptimizedOutput.rewrite(gdal, userOptions: options)
            XCTAssertFalse(TileSpools.isWaiting(for: ours))
            XCTAssertEqual(Self.leftovers(out), [], "\(options.strings): nothing left behind")
            // Laid out from the spool, not by GDAL: libtiff places the IFDs' tag values in another order than GDAL does.
            XCTAssertNotEqual(FileManager.default.contents(atPath: ours), FileManager.default.contents(atPath: gdal), "\(options.strings)")
            if let problems = try Self.problems(ours, gdal) { XCTAssertEqual(problems, [], "\(options.strings)") }
        }
    }

    /// Options this writer does not make (another codec, block size or predictor) and `COG=NO`: no spool, GDAL's COG (or
    /// plain GeoTIFF) as before.
    func testOtherOptionsAreLeftToGDAL() throws {
        let tmp = try TemporaryFolder()
        let input = try Self.input(tmp, width: 300, height: 300)
        for items in [["COMPRESS=ZSTD"], ["BLOCKXSIZE=512", "BLOCKYSIZE=512"], ["PREDICTOR=1"], ["COG=NO"], ["COMPRESS=LZW"]] {
            let options = try CreationOptions(parsing: items)
            let path = tmp.file("\(items.joined(separator: "-")).tif")
            try Self.pass(input: input, paths: [path], spool: [true], options: options)
            XCTAssertFalse(TileSpools.isWaiting(for: path), "\(items): no spool")
            try CloudOptimizedOutput.rewrite(path, userOptions: options)
            let ds = try Dataset.open(path)
            let codes = try ds.band(1).read(Window(column: 0, row: 0, width: 300, height: 300))
            let expected = try TestRaster.read(input)
            XCTAssertEqual(codes.map { $0.isNaN ? -32768 : $0 }, expected.map { $0.isNaN ? -32768 : $0 }, "\(items)")
        }
        XCTAssertEqual(Self.leftovers(tmp.path), [])
    }

    /// A staged file replaced after its pass (another file at the path) is copied by GDAL: the spool is for the file it
    /// was made with, and is deleted.
    func testSpoolOfAReplacedFileIsNotUsed() throws {
        let tmp = try TemporaryFolder()
        let input = try Self.input(tmp, width: 400, height: 300)
        let path = tmp.file("layer.tif")
        try Self.pass(input: input, paths: [path], spool: [true])
        XCTAssertTrue(TileSpools.isWaiting(for: path))
        let other = tmp.file("other.tif")
        try TestRaster.write(other, width: 400, height: 300, values: [Float](repeating: 2, count: 400 * 300), type: .int16,
                             nodata: -32768, options: ["TILED=YES"])
        XCTAssertEqual(rename(other, path), 0)
        try CloudOptimizedOutput.rewrite(path)
        XCTAssertFalse(TileSpools.isWaiting(for: path))
        XCTAssertEqual(Set(try TestRaster.read(path)), [2])
        XCTAssertEqual(Self.leftovers(tmp.path), [])
    }
}
