import Foundation
import TestSupport
import XCTest

/// Issue 21: `ldn`, `index`, `warn`, `drought` and `stack` stage their published rasters uncompressed
/// (`.stagedForCOG`) so that the COG copy encodes every tile once. What they publish must still be
/// compressed COGs, with no staged (uncompressed) file or private folder left behind; with
/// `--co COG=NO` the rasters are the compressed tiled GeoTIFFs asked for.
final class StagedCOGOutputsTests: CLITestCase {
    /// Per output folder: every entry (recursively, hidden ones included) and, per `.tif`, what GDAL
    /// reads of it (compression and layout from IMAGE_STRUCTURE, block size, overviews).
    static let script = #"""
import json, os, sys
from osgeo import gdal
out = {}
for folder in json.load(open(sys.argv[1])):
    entries, rasters = [], {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            rel = os.path.relpath(os.path.join(root, name), folder)
            entries.append(rel)
            if name.endswith(".tif"):
                ds = gdal.Open(os.path.join(root, name))
                b = ds.GetRasterBand(1)
                rasters[rel] = {"compression": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
                                "layout": ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"),
                                "block": b.GetBlockSize(), "size": [ds.RasterXSize, ds.RasterYSize],
                                "overviews": b.GetOverviewCount()}
    out[folder] = {"entries": entries, "rasters": rasters}
json.dump(out, open(sys.argv[2], "w"))
"""#

    func testPublishedRastersAreCompressedCOGsAndCOGNoTiledGeoTIFFs() throws {
        let tmp = try TemporaryFolder()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures"
        let n = 300
        let red = try TestRaster.write(tmp.file("red.tif"), width: n, height: n, values: (0..<(n * n)).map { Float(100 + $0 % 97) }, type: .uint16)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: n, height: n, values: (0..<(n * n)).map { Float(300 + $0 % 89) }, type: .uint16)
        // Each command's smallest whole (untiled) run; `expected`: the rasters it publishes.
        let commands: [(name: String, args: [String], expected: Int)] = [
            ("ldn", ["ldn", "--config", fixtures + "/ldn.toml"], 0),
            ("index", ["index", "--index", "ndvi,savi", "--red", red, "--nir", nir], 2),
            ("warn", ["warn", fixtures + "/warn/ndvi_monthly_2010_2021.tif", "--baseline", "2010-2019"], 0),
            ("drought", ["drought", fixtures + "/climate/precipitation_monthly_2000_2024.tif"], 0),
            // Writes OUT.tif and OUT.count.tif; 2021 is incomplete and dropped, so its bands are copied, not renamed.
            ("stack", ["stack", fixtures + "/warn/ndvi_monthly_2010_2021.tif"], 2),
        ]
        var folders: [String: (command: String, cog: Bool, expected: Int)] = [:]
        for c in commands {
            for cog in [true, false] {
                let out = tmp.file("\(c.name)-\(cog ? "cog" : "plain")")
                var target = out
                if c.name == "stack" {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
                    target = out + "/stack.tif"
                }
                try run(c.args + (cog ? [] : ["--co", "COG=NO"]) + ["-o", target, "-q"])
                folders[out] = (c.name, cog, c.expected)
            }
        }
        guard let python = PythonReference.interpreter(needing: "osgeo.gdal") else { return }
        let found = try PythonReference.run(python, script: Self.script, input: Array(folders.keys)) as! [String: [String: Any]]
        for (folder, f) in folders {
            let what = "\(f.command)\(f.cog ? "" : " --co COG=NO")"
            let entries = found[folder]?["entries"] as? [String] ?? []
            let rasters = found[folder]?["rasters"] as? [String: [String: Any]] ?? [:]
            XCTAssertFalse(rasters.isEmpty, "\(what): rasters published")
            if f.expected > 0 { XCTAssertEqual(rasters.count, f.expected, "\(what): \(rasters.keys.sorted())") }
            // The folder's lock (`.kubuqi.lock`) stays by design (docs/robustness.md); nothing else hidden.
            let hidden = entries.filter { $0 != ".kubuqi.lock" && $0.split(separator: "/").contains { $0.hasPrefix(".") } }
            XCTAssertEqual(hidden, [], "\(what): no staging folder or temporary file left")
            for (name, r) in rasters {
                XCTAssertEqual(r["compression"] as? String, "DEFLATE", "\(what) \(name): compressed (no staged, uncompressed file left)")
                let block = r["block"] as? [Int] ?? []
                XCTAssertEqual(block.count, 2)
                XCTAssertTrue(block.count == 2 && block[0] == block[1] && block[0] % 16 == 0, "\(what) \(name): square tiles, not strips: \(block)")
                if f.cog {
                    XCTAssertEqual(r["layout"] as? String, "COG", "\(what) \(name): a COG")
                } else {
                    XCTAssertNil(r["layout"] as? String, "\(what) \(name): COG=NO, a plain tiled GeoTIFF")
                    XCTAssertEqual(r["overviews"] as? Int, 0, "\(what) \(name): COG=NO, no overviews")
                }
            }
        }
        // Both runs publish the same files.
        for c in commands {
            let cog = found[tmp.file("\(c.name)-cog")]?["rasters"] as? [String: Any] ?? [:]
            let plain = found[tmp.file("\(c.name)-plain")]?["rasters"] as? [String: Any] ?? [:]
            XCTAssertEqual(cog.keys.sorted(), plain.keys.sorted(), c.name)
        }
    }
}
