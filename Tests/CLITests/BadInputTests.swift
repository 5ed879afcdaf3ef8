import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Every bad input of the foundation, through the CLI: exit code, a one-line
/// message naming the file, and no output file left behind.
final class BadInputTests: CLITestCase {
    var tmp: TemporaryFolder!
    var red = "", nir = ""

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        let values = (0..<64).map { Float($0) + 1 }
        red = try TestRaster.write(tmp.file("red.tif"), width: 8, height: 8, values: values, type: .uint16)
        nir = try TestRaster.write(tmp.file("nir.tif"), width: 8, height: 8, values: values.map { $0 * 3 }, type: .uint16)
    }

    /// Runs `index ndvi` with `args`, checks the exit code, a one-line stderr
    /// containing every `mentions`, and that `out` was not created.
    func assertFails(_ args: [String], code: Int32, mentions: [String], out: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLIRunner.run(args)
        XCTAssertEqual(r.status, code, "stderr: \(r.stderr)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on stderr: \(r.stderr)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.stderr.contains(m), "stderr should mention \(m): \(r.stderr)", file: file, line: line)
        }
        if let out {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output left", file: file, line: line)
        }
        let leftovers = try tmp.contents().filter { ($0.contains(".part-") || $0.contains(".kubuqi-tmp")) }
        XCTAssertEqual(leftovers, [], "no temporary file left", file: file, line: line)
    }

    func testSuccessPrintsSummary() throws {
        let out = tmp.file("ok.tif")
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("64 valid pixels"), r.stdout)
        // (3x - x) / (3x + x) = 0.5 everywhere.
        XCTAssertEqual(try TestRaster.read(out), Array(repeating: 0.5, count: 64))
    }

    func testMissingFile() throws {
        let out = tmp.file("o.tif")
        try assertFails(["index", "ndvi", "--red", tmp.file("nope.tif"), "--nir", nir, "-o", out],
                        code: 3, mentions: ["nope.tif", "no such file"], out: out)
    }

    func testNotARaster() throws {
        let bogus = tmp.file("bogus.tif")
        try "hello".write(toFile: bogus, atomically: true, encoding: .utf8)
        let out = tmp.file("o.tif")
        try assertFails(["index", "ndvi", "--red", bogus, "--nir", nir, "-o", out],
                        code: 3, mentions: ["bogus.tif", "not a readable raster"], out: out)
    }

    func testBandOutOfRange() throws {
        let out = tmp.file("o.tif")
        try assertFails(["index", "ndvi", "--red", red + ":2", "--nir", nir, "-o", out],
                        code: 3, mentions: ["red.tif", "band 2 does not exist", "1 band"], out: out)
    }

    /// `FILE:abc` or `FILE:-1` of an existing FILE: the missing file is named, and so is the band that was meant.
    func testBandThatIsNotANumber() throws {
        let out = tmp.file("o.tif")
        for word in ["abc", "-1", "red"] {
            try assertFails(["index", "ndvi", "--red", red + ":" + word, "--nir", nir, "-o", out], code: 3,
                            mentions: ["red.tif:\(word): no such file; ", "red.tif exists, but '\(word)' after it is not a band number"], out: out)
        }
        // A missing file with a colon in its name and nothing before it that exists: no hint.
        try assertFails(["index", "ndvi", "--red", tmp.file("nope.tif:abc"), "--nir", nir, "-o", out], code: 3, mentions: ["no such file"], out: out)
        let r = try CLIRunner.run(["index", "ndvi", "--red", tmp.file("nope.tif:abc"), "--nir", nir, "-o", out])
        XCTAssertFalse(r.stderr.contains("band number"), r.stderr)
    }

    func testGridsThatDiffer() throws {
        let other = try TestRaster.write(tmp.file("shifted.tif"), width: 8, height: 8, values: Array(repeating: 5, count: 64),
                                         transform: GeoTransform([600_030, 30, 0, 4_470_000, 0, -30]))
        let out = tmp.file("o.tif")
        try assertFails(["index", "ndvi", "--red", red, "--nir", other, "-o", out],
                        code: 3, mentions: ["shifted.tif", "geotransform"], out: out)
        let small = try TestRaster.write(tmp.file("small.tif"), width: 4, height: 8, values: Array(repeating: 5, count: 32))
        try assertFails(["index", "ndvi", "--red", red, "--nir", small, "-o", out],
                        code: 3, mentions: ["small.tif", "size", "4x8", "8x8"], out: out)
        let utm50 = try TestRaster.write(tmp.file("utm50.tif"), width: 8, height: 8, values: Array(repeating: 5, count: 64), epsg: 32650)
        try assertFails(["index", "ndvi", "--red", red, "--nir", utm50, "-o", out],
                        code: 3, mentions: ["utm50.tif", "CRS", "EPSG:32649", "EPSG:32650"], out: out)
    }

    func testOutputFolderMissing() throws {
        let out = tmp.file("no/such/folder/o.tif")
        try assertFails(["index", "ndvi", "--red", red, "--nir", nir, "-o", out],
                        code: 4, mentions: ["o.tif", "does not exist"], out: out)
    }

    func testOutputFolderNotWritable() throws {
        // /proc refuses new files even to root, so this holds in CI's container.
        try assertFails(["index", "ndvi", "--red", red, "--nir", nir, "-o", "/proc/ndvi.tif"],
                        code: 4, mentions: ["/proc/ndvi.tif"], out: "/proc/ndvi.tif")
    }

    func testOutputEqualToInput() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: nir))
        try assertFails(["index", "ndvi", "--red", red, "--nir", nir, "-o", nir],
                        code: 4, mentions: ["nir.tif", "is also an input"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: nir)), before, "the input is untouched")
    }

    func testUnknownCreationOption() throws {
        let out = tmp.file("o.tif")
        try assertFails(["index", "ndvi", "--red", red, "--nir", nir, "-o", out, "--co", "FROBNICATE=YES"],
                        code: 4, mentions: ["o.tif", "FROBNICATE"], out: out)
    }

    func testUnknownIndexAndBadUsage() throws {
        let r = try CLIRunner.run(["index", "nvdi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif")])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown value 'nvdi' (did you mean 'ndvi'?)") && r.stderr.contains("ndvi"), r.stderr)
        let missing = try CLIRunner.run(["index", "ndvi", "--red", red, "-o", tmp.file("o.tif")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--nir"), missing.stderr)
        let twice = try CLIRunner.run(["index", "ndvi", "--band", "red=\(red)", "--red", red, "--nir", nir, "-o", tmp.file("o.tif")])
        XCTAssertEqual(twice.status, 2)
        XCTAssertTrue(twice.stderr.contains("red band is given twice"), twice.stderr)
        let badType = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("o.tif"), "--ot", "Byte"])
        XCTAssertEqual(badType.status, 2)
        XCTAssertTrue(badType.stderr.contains("--ot"), badType.stderr)
    }

    /// NDVI rasters compared with --index bsi would swap degradation and recovery.
    func testChangeIndexContradictingTheInputs() throws {
        let before = tmp.file("ndvi-a.tif"), after = tmp.file("ndvi-b.tif")
        for path in [before, after] {
            XCTAssertEqual(try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", path, "-q"]).status, 0)
        }
        let out = tmp.file("c")
        try assertFails(["change", "--before", before, "--after", after, "--index", "bsi", "-o", out],
                        code: 2, mentions: ["ndvi-a.tif", "NDVI", "--index ndvi"], out: out)
        // The two rasters are identical: sigma thresholds would be 0 (refused), fixed:0.1 classes all as stable.
        let r = try CLIRunner.run(["change", "--before", before, "--after", after, "--index", "NDVI", "--threshold", "fixed:0.1", "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // A bad --co is refused before any work, naming the output folder, not a staging file.
        let out2 = tmp.file("c2")
        try assertFails(["change", "--before", before, "--after", after, "-o", out2, "--co", "COMPRESS=FOO"],
                        code: 4, mentions: ["c2: --co", "FOO", "COMPRESS"], out: out2)
        // A value GDAL accepts in its list but libtiff refuses when writing (tiles are multiples of 16).
        let r3 = try CLIRunner.run(["change", "--before", before, "--after", after, "--threshold", "fixed:0.1", "-o", tmp.file("c3"), "--co", "BLOCKXSIZE=100", "--co", "BLOCKYSIZE=100"])
        XCTAssertEqual(r3.status, 4, r3.stderr)
        XCTAssertTrue(r3.stderr.contains("c3: --co") && r3.stderr.contains("TileWidth") && !r3.stderr.contains(".kubuqi-work"), r3.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("c3")))
    }

    /// An input kept in the output folder under an output's name is not overwritten.
    func testChangeOutputFolderHoldingAnInput() throws {
        let stack = ScaleOutTests.stack, out = tmp.file("t")
        XCTAssertEqual(try CLIRunner.run(["change", "--before", stack + ":14", "--after", stack + ":24", "-o", out, "-q"]).status, 0)
        let magnitude = out + "/change-magnitude.tif"
        let before = try Data(contentsOf: URL(fileURLWithPath: magnitude))
        let r = try CLIRunner.run(["change", "--before", magnitude, "--after", stack + ":24", "-o", out, "-q"])
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("change-magnitude.tif: is also an input"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: magnitude)), before, "the input is untouched")
    }

    /// FILE without :BAND on a multi-band file reads band 1, and says so.
    func testFirstBandOfAStackIsNoted() throws {
        let stack = ScaleOutTests.stack
        let r = try CLIRunner.run(["index", "ndvi", "--red", stack + ":3", "--nir", stack, "-o", tmp.file("s.tif"), "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("has 25 bands; reading band 1 as nir"), r.stderr)
        XCTAssertFalse(r.stderr.contains("as red"), "an explicit band is not noted: \(r.stderr)")
        let explicit = try CLIRunner.run(["index", "ndvi", "--red", stack + ":3", "--nir", stack + ":1", "-o", tmp.file("s1.tif"), "-q"])
        XCTAssertEqual(explicit.status, 0, explicit.stderr)
        XCTAssertFalse(explicit.stderr.contains("reading band 1"), "FILE:1 was chosen: \(explicit.stderr)")
    }

    func testInfoOnMissingAndJSON() throws {
        let r = try CLIRunner.run(["info", tmp.file("nope.tif")])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("nope.tif: no such file"), r.stderr)
        let ok = try CLIRunner.run(["info", "--json", red])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(json[0]["epsg"] as? Int, 32649)
        XCTAssertEqual(json[0]["size"] as? [Int], [8, 8])
    }
}

extension BadInputTests {
    /// Any GDAL path works: a GeoTIFF inside a zip through /vsizip/, and a VRT.
    func testVsizipAndVRTInputs() throws {
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zip.arguments = ["python3", "-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write(sys.argv[2],'red.tif'); z.close()",
                         tmp.file("bands.zip"), red]
        try zip.run()
        zip.waitUntilExit()
        XCTAssertEqual(zip.terminationStatus, 0)
        let r = try CLIRunner.run(["info", "--json", "/vsizip/" + tmp.file("bands.zip") + "/red.tif"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"size\""), r.stdout)
        try "<VRTDataset rasterXSize=\"8\" rasterYSize=\"8\"><VRTRasterBand dataType=\"UInt16\" band=\"1\"><SimpleSource><SourceFilename relativeToVRT=\"1\">nir.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>"
            .write(toFile: tmp.file("nir.vrt"), atomically: true, encoding: .utf8)
        let i = try CLIRunner.run(["index", "ndvi", "--red", "/vsizip/" + tmp.file("bands.zip") + "/red.tif", "--nir", tmp.file("nir.vrt"),
                                   "-o", tmp.file("z.tif"), "-q"])
        // The VRT has no georeferencing while red.tif has: refused as a grid mismatch, which is the right answer.
        XCTAssertEqual(i.status, 3, i.stderr)
        XCTAssertTrue(i.stderr.contains("georeferenced"), i.stderr)
    }
}
