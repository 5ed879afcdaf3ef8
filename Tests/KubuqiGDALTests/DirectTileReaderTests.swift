import Foundation
@testable import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// ``DirectTileReader`` decodes windows of plain tiled 16-bit GeoTIFFs itself: every window it takes must equal
/// GDAL's `RasterIO` of the same window, bit for bit, on files GDAL wrote (in Python: `gdal.Create` with TILED=YES,
/// DEFLATE or none, predictor 1 or 2, Int16 and UInt16, sizes that are not multiples of the block, blocks of 256 and
/// 512, sparse tiles with SPARSE_OK); files it does not take (striped, another codec, two bands) and windows over a
/// sparse tile are refused (read through GDAL by the caller); a corrupt or cut tile is an error naming the tile and
/// the file where GDAL fails too.
final class DirectTileReaderTests: XCTestCase {
    static let make = #"""
import json, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    w, h, block = c["width"], c["height"], c["block"]
    dtype = gdal.GDT_Int16 if c["type"] == "Int16" else gdal.GDT_UInt16
    rng = np.random.default_rng(c["seed"])
    lo, hi = (-32768, 32768) if c["type"] == "Int16" else (0, 65536)
    # Smooth ramps plus noise (the predictor's differences small and large) and whole-range values.
    yy, xx = np.mgrid[0:h, 0:w]
    data = (xx * 37 + yy * 11 + rng.integers(-300, 300, (h, w))) % (hi - lo) + lo
    noisy = rng.random((h, w)) < 0.05
    data[noisy] = rng.integers(lo, hi, int(noisy.sum()))
    data[::7, ::5] = rng.integers(lo, hi, data[::7, ::5].shape)
    opts = c["options"] + ["BLOCKXSIZE=%d" % block, "BLOCKYSIZE=%d" % block] if "TILED=YES" in c["options"] else c["options"]
    ds = gdal.GetDriverByName("GTiff").Create(c["path"], w, h, c.get("bands", 1), dtype, opts)
    ds.SetGeoTransform([500000, 30, 0, 4400000, 0, -30])
    b = ds.GetRasterBand(1)
    if c.get("nodata") is not None:
        b.SetNoDataValue(c["nodata"])
    if c.get("sparse"):
        # Only every other tile written: the others stay offset 0 (GDAL reads them as nodata).
        for ty in range((h + block - 1) // block):
            for tx in range((w + block - 1) // block):
                if (tx + ty) % 2 == 0:
                    x0, y0 = tx * block, ty * block
                    b.WriteArray(data[y0:y0 + block, x0:x0 + block].astype(np.int32), x0, y0)
    else:
        b.WriteArray(data.astype(np.int32))
    ds = None
    d = gdal.Open(c["path"])
    last = "%d_%d" % ((w - 1) // block, (h - 1) // block)
    item = lambda k: int(d.GetRasterBand(1).GetMetadataItem(k, "TIFF") or 0)
    out.append({"path": c["path"], "offset": item("BLOCK_OFFSET_0_0"), "size": item("BLOCK_SIZE_0_0"),
                "last_offset": item("BLOCK_OFFSET_" + last), "last_size": item("BLOCK_SIZE_" + last)})
json.dump(out, open(sys.argv[2], "w"))
"""#

    struct Case {
        var name: String, type: String, options: [String], block: Int, width: Int, height: Int
        var nodata: Double? = nil, sparse = false, bands = 1
    }

    /// Writes `cases` with GDAL in Python; per case the path, the offset and size of its first tile and the offset
    /// and size of its last (bottom-right).
    func make(_ cases: [Case], in tmp: TemporaryFolder) throws -> [(path: String, offset: Int, size: Int, lastOffset: Int, lastSize: Int)]? {
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else { return nil }
        let input: [[String: Any]] = cases.enumerated().map { k, c in
            var d: [String: Any] = ["path": tmp.file(c.name + ".tif"), "type": c.type, "options": c.options, "block": c.block,
                                    "width": c.width, "height": c.height, "seed": k + 1, "sparse": c.sparse, "bands": c.bands]
            if let n = c.nodata { d["nodata"] = n }
            return d
        }
        let out = try PythonReference.run(python, script: Self.make, input: input) as! [[String: Any]]
        return out.map { ($0["path"] as! String, $0["offset"] as! Int, $0["size"] as! Int, $0["last_offset"] as! Int, $0["last_size"] as! Int) }
    }

    /// Windows over a `width` x `height` raster of `block` tiles: the whole raster, tile-aligned, straddling tiles,
    /// the bottom-right partial tiles, one pixel, one row.
    func windows(width: Int, height: Int, block: Int) -> [Window] {
        var ws = [Window(column: 0, row: 0, width: width, height: height),
                  Window(column: 0, row: 0, width: min(block, width), height: min(block, height)),
                  Window(column: 1, row: 3, width: width - 2, height: min(height - 3, block + 7)),
                  Window(column: block - 5, row: block - 9, width: min(17, width - block + 5), height: min(40, height - block + 9)),
                  Window(column: width - 1, row: height - 1, width: 1, height: 1),
                  Window(column: 0, row: height / 2, width: width, height: 1)]
        ws += Window.tiles(width: width, height: height, tileWidth: block, tileHeight: block)
        ws += Window.tiles(width: width, height: height, tileWidth: 300, tileHeight: 130)
        return ws
    }

    func testWindowsEqualGDALsRasterIO() throws {
        let tmp = try TemporaryFolder()
        var cases: [Case] = []
        for type in ["Int16", "UInt16"] {
            for (codec, predictors) in [("DEFLATE", ["1", "2"]), ("NONE", ["1"])] {
                for predictor in predictors {
                    for (block, w, h) in [(256, 600, 530), (512, 1100, 700), (256, 512, 256)] {
                        cases.append(Case(name: "\(type)-\(codec)-p\(predictor)-b\(block)-\(w)x\(h)", type: type,
                                          options: ["TILED=YES", "COMPRESS=\(codec)", "PREDICTOR=\(predictor)"], block: block,
                                          width: w, height: h, nodata: type == "Int16" ? -32768 : nil))
                    }
                }
            }
        }
        cases.append(Case(name: "zlevel9", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "ZLEVEL=9"],
                          block: 256, width: 300, height: 300))
        guard let files = try make(cases, in: tmp) else { return }
        var compared = 0
        for (c, f) in zip(cases, files) {
            let ds = try Dataset.open(f.path)
            let band = try ds.band(1)
            let reader = try XCTUnwrap(DirectTileReader(band), c.name)
            for w in windows(width: c.width, height: c.height, block: c.block) {
                var ours = [UInt8](repeating: 0xAB, count: 2 * w.pixelCount)
                var gdal = [UInt8](repeating: 0xCD, count: 2 * w.pixelCount)
                let took = try ours.withUnsafeMutableBytes { try reader.read(w, into: $0) }
                XCTAssertTrue(took, "\(c.name): window \(w) not taken")
                try gdal.withUnsafeMutableBytes { try band.read16(w, into: $0, unsigned: c.type == "UInt16") }
                XCTAssertTrue(ours == gdal, "\(c.name): window \(w) differs from GDAL's")
                compared += 1
            }
            XCTAssertTrue(reader.isDirect, c.name)
        }
        XCTAssertGreaterThan(compared, 300)
    }

    /// A path replaced (renamed over) after GDAL opened it and before the reader's first read: GDAL's handle still
    /// reads the old file; the reader, whose libtiff handle opens by path on the first read, must not decode the new one
    /// (refused: the caller reads GDAL's values).
    func testAFileReplacedAfterGDALOpenedItIsLeftToGDAL() throws {
        let tmp = try TemporaryFolder()
        let cases = [Case(name: "old", type: "UInt16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"], block: 256, width: 300, height: 200),
                     Case(name: "new", type: "UInt16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"], block: 256, width: 300, height: 200)]
        guard let files = try make(cases, in: tmp) else { return }
        let ds = try Dataset.open(files[0].path)
        let band = try ds.band(1)
        let reader = try XCTUnwrap(DirectTileReader(band))
        XCTAssertEqual(rename(files[1].path, files[0].path), 0)
        let w = Window(column: 0, row: 0, width: 300, height: 200)
        var ours = [UInt8](repeating: 0, count: 2 * w.pixelCount), gdal = ours
        XCTAssertFalse(try ours.withUnsafeMutableBytes { try reader.read(w, into: $0) }, "the replaced file is not decoded")
        XCTAssertFalse(reader.isDirect)
        try gdal.withUnsafeMutableBytes { try band.read16(w, into: $0, unsigned: true) }
        // GDAL's handle reads the old file: its values differ from the new file's (the check can tell them apart).
        let now = try Dataset.open(files[0].path).band(1)
        var replaced = ours
        try replaced.withUnsafeMutableBytes { try now.read16(w, into: $0, unsigned: true) }
        XCTAssertNotEqual(gdal, replaced)
        // The same for a multi-band reader.
        let stackCases = [Case(name: "old2", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "INTERLEAVE=PIXEL"], block: 256, width: 100, height: 50, bands: 2),
                          Case(name: "new2", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "INTERLEAVE=PIXEL"], block: 256, width: 100, height: 50, bands: 2)]
        guard let stackFiles = try make(stackCases, in: tmp) else { return }
        let stackDataset = try Dataset.open(stackFiles[0].path)
        let stack = try XCTUnwrap(DirectTileReader(stack: stackDataset))
        XCTAssertEqual(rename(stackFiles[1].path, stackFiles[0].path), 0)
        var values = [Float](repeating: 0, count: 5000)
        let took = try values.withUnsafeMutableBufferPointer { try stack.read(Window(column: 0, row: 0, width: 100, height: 50), bands: [1], into: [$0]) }
        XCTAssertFalse(took, "the replaced stack is not decoded")
    }

    func testSparseTilesAreLeftToGDALWithTheSameValues() throws {
        let tmp = try TemporaryFolder()
        let cases = [Case(name: "sparse-nodata", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "SPARSE_OK=TRUE"],
                          block: 256, width: 700, height: 600, nodata: -9999, sparse: true),
                     Case(name: "sparse-zero", type: "UInt16", options: ["TILED=YES", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE"],
                          block: 256, width: 700, height: 600, sparse: true)]
        guard let files = try make(cases, in: tmp) else { return }
        for (c, f) in zip(cases, files) {
            let ds = try Dataset.open(f.path)
            let band = try ds.band(1)
            // The first tile is present: taken. A window over tile (1, 0), not written, is refused, then every window.
            let reader = try XCTUnwrap(DirectTileReader(band))
            let first = Window(column: 0, row: 0, width: 256, height: 256)
            var ours = [UInt8](repeating: 0, count: 2 * first.pixelCount), gdal = ours
            XCTAssertTrue(try ours.withUnsafeMutableBytes { try reader.read(first, into: $0) }, c.name)
            try gdal.withUnsafeMutableBytes { try band.read16(first, into: $0, unsigned: c.type == "UInt16") }
            XCTAssertEqual(ours, gdal, c.name)
            let missing = Window(column: 256, row: 0, width: 10, height: 10)
            XCTAssertFalse(try ours.withUnsafeMutableBytes { try reader.read(missing, into: $0) }, c.name)
            XCTAssertFalse(try ours.withUnsafeMutableBytes { try reader.read(first, into: $0) }, "\(c.name): refused from then on")
            // What the caller then reads (GDAL's) fills the missing tile with the nodata value (or 0).
            try gdal.withUnsafeMutableBytes { try band.read16(missing, into: $0, unsigned: c.type == "UInt16") }
            let fill = gdal.prefix(20).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
            XCTAssertEqual(fill, [Int16](repeating: c.nodata.map { Int16($0) } ?? 0, count: 10), c.name)
        }
    }

    func testFilesTheFastPathDoesNotDecodeAreRefused() throws {
        let tmp = try TemporaryFolder()
        let cases = [Case(name: "striped", type: "Int16", options: ["COMPRESS=DEFLATE"], block: 256, width: 300, height: 200),
                     Case(name: "lzw", type: "Int16", options: ["TILED=YES", "COMPRESS=LZW", "PREDICTOR=2"], block: 256, width: 300, height: 200),
                     Case(name: "zstd", type: "UInt16", options: ["TILED=YES", "COMPRESS=ZSTD"], block: 256, width: 300, height: 200),
                     Case(name: "twobands", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE"], block: 256, width: 300, height: 200, bands: 2)]
        guard let files = try make(cases, in: tmp) else { return }
        for (c, f) in zip(cases, files) {
            let band = try Dataset.open(f.path).band(1)
            guard let reader = DirectTileReader(band) else {
                XCTAssertEqual(c.name, "twobands", "refused by GDAL's view alone")
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 2 * 100)
            XCTAssertFalse(try buffer.withUnsafeMutableBytes { try reader.read(Window(column: 0, row: 0, width: 10, height: 10), into: $0) }, c.name)
            XCTAssertFalse(reader.isDirect, c.name)
        }
        // A Float32 file, or one GDAL reads through a VRT, is not a candidate.
        let float = try TestRaster.write(tmp.file("float.tif"), width: 20, height: 20, values: [Float](repeating: 1, count: 400), options: ["TILED=YES"])
        XCTAssertNil(DirectTileReader(try Dataset.open(float).band(1)))
    }

    func testACorruptOrCutTileIsANamedErrorWhereGDALFailsToo() throws {
        let tmp = try TemporaryFolder()
        let cases = [Case(name: "corrupt", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"], block: 256, width: 600, height: 530),
                     Case(name: "cut", type: "Int16", options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"], block: 256, width: 600, height: 530)]
        guard let files = try make(cases, in: tmp) else { return }
        // The first tile's zlib header and first block header overwritten; the other file cut inside its last tile.
        // (Bytes overwritten in the middle of a stream may instead inflate past the tile's end, which libtiff, and so
        // GDAL, accepts without checking the rest: the reader does the same.)
        let corrupt = try FileHandle(forUpdating: URL(fileURLWithPath: files[0].path))
        try corrupt.seek(toOffset: UInt64(files[0].offset))
        corrupt.write(Data([0xFF, 0xFF, 0xFF, 0xFF]))
        try corrupt.close()
        let size = try FileManager.default.attributesOfItem(atPath: files[1].path)[.size] as! Int
        XCTAssertEqual(files[1].lastOffset + files[1].lastSize, size, "the last tile ends the file (the IFD before the tiles)")
        XCTAssertEqual(truncate(files[1].path, off_t(files[1].lastOffset + files[1].lastSize / 2)), 0)
        for (f, w, tile) in [(files[0], Window(column: 0, row: 0, width: 256, height: 256), 0),
                             (files[1], Window(column: 512, row: 512, width: 88, height: 18), 8)] {
            let band = try Dataset.open(f.path).band(1)
            var buffer = [UInt8](repeating: 0, count: 2 * w.pixelCount)
            XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try band.read16(w, into: $0, unsigned: false) }, "GDAL fails too")
            let reader = try XCTUnwrap(DirectTileReader(band))
            XCTAssertThrowsError(try buffer.withUnsafeMutableBytes { try reader.read(w, into: $0) }) { e in
                let g = e as? GDALError
                XCTAssertEqual(g?.messages.count, 1)
                let line = g?.messages.first ?? ""
                XCTAssertTrue(line.hasPrefix("tile \(tile) of \(f.path) "), line)
                XCTAssertFalse(line.contains("\n"), line)
            }
        }
    }

    /// A tile whose stored size is declared beyond anything DEFLATE makes of it (a BigTIFF count of 2^50 bytes) is not
    /// allocated or read by the reader: the window goes to GDAL (which refuses the file), no crash.
    func testAHostileTileByteCountIsLeftToGDAL() throws {
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else { return }
        let tmp = try TemporaryFolder()
        let path = tmp.file("hostile.tif")
        let script = #"""
import json, struct, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
path = json.load(open(sys.argv[1]))['path']
ds = gdal.GetDriverByName('GTiff').Create(path, 200, 150, 1, gdal.GDT_Int16, ['TILED=YES', 'COMPRESS=DEFLATE', 'PREDICTOR=2', 'BIGTIFF=YES'])
ds.GetRasterBand(1).WriteArray(np.arange(30000, dtype=np.int16).reshape(150, 200))
ds = None
data = bytearray(open(path, 'rb').read())
assert data[2:4] == struct.pack('<H', 43)
ifd = struct.unpack('<Q', data[8:16])[0]
n = struct.unpack('<Q', data[ifd:ifd + 8])[0]
patched = False
for k in range(n):
    e = ifd + 8 + 20 * k
    tag, typ, count = struct.unpack('<HHQ', data[e:e + 12])
    if tag == 325:
        assert count == 1
        data[e + 2:e + 4] = struct.pack('<H', 16)            # LONG8, its one value inline
        data[e + 12:e + 20] = struct.pack('<Q', 1 << 50)
        patched = True
assert patched
open(path, 'wb').write(bytes(data))
json.dump({}, open(sys.argv[2], 'w'))
"""#
        _ = try PythonReference.run(python, script: script, input: ["path": path])
        let band = try Dataset.open(path).band(1)
        let reader = try XCTUnwrap(DirectTileReader(band))
        let w = Window(column: 0, row: 0, width: 200, height: 150)
        var buffer = [UInt8](repeating: 0, count: 2 * w.pixelCount)
        XCTAssertFalse(try buffer.withUnsafeMutableBytes { try reader.read(w, into: $0) }, "left to GDAL")
        XCTAssertFalse(reader.isDirect)
    }

    /// Predictor 2 undone against a running sum worked one sample at a time (wrapping modulo 2^16), from the row's
    /// start whatever part of it is written.
    func testHorizontalPredictorIsARunningSumModulo65536() {
        let row: [UInt16] = [65535, 1, 2, 65534, 0, 7]
        // Sums: 65535, 65535+1=0, 0+2=2, 2+65534=0, 0+0=0, 0+7=7.
        for (skip, count, expected) in [(0, 6, [65535, 0, 2, 0, 0, 7] as [UInt16]), (2, 3, [2, 0, 0]), (5, 1, [7]), (3, 0, [])] {
            var out = [UInt16](repeating: 1234, count: count + 1)
            row.withUnsafeBufferPointer { r in
                out.withUnsafeMutableBufferPointer { DirectTileReader.undoHorizontalPredictor(r.baseAddress!, skipping: skip, count: count, into: $0.baseAddress!) }
            }
            XCTAssertEqual(out, expected + [1234], "skip \(skip), count \(count)")
        }
    }

    /// Long rows (the eight-lane path and its tail) against a running sum in Int arithmetic modulo 65536, for every
    /// start and length near the lanes' boundaries.
    func testHorizontalPredictorOnLongRowsEqualsTheRunningSum() {
        var rng = SplitMix64(seed: 7)
        let row = (0..<300).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
        for skip in [0, 1, 7, 8, 9, 100] {
            for count in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200 - skip] {
                var expected: [UInt16] = [], sum = 0
                for i in 0..<(skip + count) {
                    sum = (sum + Int(row[i])) % 65536
                    if i >= skip { expected.append(UInt16(sum)) }
                }
                var out = [UInt16](repeating: 0, count: count + 1)
                row.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer { DirectTileReader.undoHorizontalPredictor(r.baseAddress!, skipping: skip, count: count, into: $0.baseAddress!) }
                }
                XCTAssertEqual(out, expected + [0], "skip \(skip), count \(count)")
            }
        }
    }

    /// Multi-band pixel-interleaved files (several samples per pixel) written by GDAL with every band filled, and
    /// for the refusals one band-interleaved (`INTERLEAVE=BAND`); per case its path.
    static let makeStacks = #"""
import json, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
cases = json.load(open(sys.argv[1]))
for c in cases:
    w, h, block, n = c["width"], c["height"], c["block"], c["bands"]
    dtype = gdal.GDT_Int16 if c["type"] == "Int16" else gdal.GDT_UInt16
    lo, hi = (-32768, 32768) if c["type"] == "Int16" else (0, 65536)
    rng = np.random.default_rng(c["seed"])
    yy, xx = np.mgrid[0:h, 0:w]
    opts = c["options"] + ["TILED=YES", "BLOCKXSIZE=%d" % block, "BLOCKYSIZE=%d" % block]
    ds = gdal.GetDriverByName("GTiff").Create(c["path"], w, h, n, dtype, opts)
    ds.SetGeoTransform([500000, 30, 0, 4400000, 0, -30])
    for b in range(1, n + 1):
        # Each band its own ramp plus noise, some whole-range values, and the type's extremes.
        data = (xx * (13 + 7 * b) + yy * (3 + b) + rng.integers(-300, 300, (h, w))) % (hi - lo) + lo
        noisy = rng.random((h, w)) < 0.05
        data[noisy] = rng.integers(lo, hi, int(noisy.sum()))
        data[::11, ::3] = lo
        data[5::13, 1::4] = hi - 1
        ds.GetRasterBand(b).WriteArray(data.astype(np.int32))
    ds = None
json.dump([c["path"] for c in cases], open(sys.argv[2], "w"))
"""#

    struct StackCase { var name: String, type: String, options: [String], block: Int, width: Int, height: Int, bands: Int }

    func makeStacks(_ cases: [StackCase], in tmp: TemporaryFolder) throws -> [String]? {
        guard let python = PythonReference.interpreter(needing: "numpy, osgeo.gdal") else { return nil }
        let input: [[String: Any]] = cases.enumerated().map { k, c in
            ["path": tmp.file(c.name + ".tif"), "type": c.type, "options": c.options, "block": c.block,
             "width": c.width, "height": c.height, "seed": k + 1, "bands": c.bands]
        }
        return try PythonReference.run(python, script: Self.makeStacks, input: input) as? [String]
    }

    /// Windows of every band (and of a few bands in another order) of pixel-interleaved Int16 and UInt16 files of 2,
    /// 3 and 25 bands, DEFLATE with predictor 1 or 2 or no compression, blocks of 256 and 512, sizes not multiples of
    /// the block, equal GDAL's `RasterIO` to `Float32` of each band bit for bit.
    func testWindowsOfPixelInterleavedBandsEqualGDALsRasterIO() throws {
        let tmp = try TemporaryFolder()
        var cases: [StackCase] = []
        for type in ["Int16", "UInt16"] {
            for options in [["COMPRESS=DEFLATE", "PREDICTOR=2"], ["COMPRESS=DEFLATE", "PREDICTOR=1"], ["COMPRESS=NONE"]] {
                for bands in [2, 3, 25] {
                    for (block, w, h) in bands == 25 ? [(256, 300, 270), (512, 530, 515)] : [(256, 600, 530), (512, 1100, 700)] {
                        cases.append(StackCase(name: "\(type)-\(options.joined(separator: "-"))-\(bands)b-b\(block)-\(w)x\(h)", type: type,
                                               options: options + ["INTERLEAVE=PIXEL"], block: block, width: w, height: h, bands: bands))
                    }
                }
            }
        }
        guard let files = try makeStacks(cases, in: tmp) else { return }
        var compared = 0
        for (c, path) in zip(cases, files) {
            let ds = try Dataset.open(path)
            let reader = try XCTUnwrap(DirectTileReader(stack: ds), c.name)
            XCTAssertEqual(reader.samples, c.bands)
            let gdalBands = try (1...c.bands).map { try ds.band($0) }
            for (k, w) in windows(width: c.width, height: c.height, block: c.block).enumerated() {
                // Every band in order, or (every other window) the last, the first and the second.
                let bands = k % 2 == 0 ? Array(1...c.bands) : [c.bands, 1, 2]
                let buffers = bands.map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: w.pixelCount) }
                defer { buffers.forEach { $0.deallocate() } }
                buffers.forEach { $0.initialize(repeating: 0.5) }
                let took = try reader.read(w, bands: bands, into: buffers)
                XCTAssertTrue(took, "\(c.name): window \(w) not taken")
                for (i, b) in bands.enumerated() {
                    let gdal = try gdalBands[b - 1].read(w)
                    let same = gdal.withUnsafeBytes { memcmp($0.baseAddress!, buffers[i].baseAddress!, $0.count) == 0 }
                    XCTAssertTrue(same, "\(c.name): band \(b), window \(w) differs from GDAL's (bit for bit)")
                    compared += 1
                }
            }
            XCTAssertTrue(reader.isDirect, c.name)
        }
        XCTAssertGreaterThan(compared, 1000)
    }

    /// A band-interleaved multi-band file, another codec, or bands of another type are not decoded by us.
    func testStacksTheFastPathDoesNotDecodeAreRefused() throws {
        let tmp = try TemporaryFolder()
        let cases = [StackCase(name: "band-interleaved", type: "Int16", options: ["COMPRESS=DEFLATE", "INTERLEAVE=BAND"], block: 256, width: 300, height: 200, bands: 3),
                     StackCase(name: "lzw", type: "UInt16", options: ["COMPRESS=LZW", "PREDICTOR=2"], block: 256, width: 300, height: 200, bands: 2),
                     // 512 x 512 x 33 bands x 2 bytes: a tile over 16 MiB (2 x 512 x 512 x 32 is 16 MiB exactly).
                     StackCase(name: "big-tiles", type: "Int16", options: ["COMPRESS=DEFLATE"], block: 512, width: 20, height: 20, bands: 33),
                     StackCase(name: "largest-tiles", type: "Int16", options: ["COMPRESS=DEFLATE"], block: 512, width: 20, height: 20, bands: 32)]
        guard var files = try makeStacks(cases, in: tmp) else { return }
        XCTAssertNil(DirectTileReader(stack: try Dataset.open(files[2])), "a tile of 33 bands of 512 x 512 is left to GDAL")
        XCTAssertNotNil(DirectTileReader(stack: try Dataset.open(files[3])), "a tile of 16 MiB is decoded")
        files.removeLast(2)
        for (c, path) in zip(cases, files) {
            let reader = try XCTUnwrap(DirectTileReader(stack: try Dataset.open(path)), c.name)
            var buffer = [Float](repeating: 0, count: 100)
            let took = try buffer.withUnsafeMutableBufferPointer { try reader.read(Window(column: 0, row: 0, width: 10, height: 10), bands: [1], into: [$0]) }
            XCTAssertFalse(took, c.name)
            XCTAssertFalse(reader.isDirect, c.name)
        }
        let float = try TestRaster.write(tmp.file("float.tif"), width: 20, height: 20, values: [Float](repeating: 1, count: 400), options: ["TILED=YES"])
        XCTAssertNil(DirectTileReader(stack: try Dataset.open(float)))
    }

    /// Predictor 2 with a stride: each sample the running sum (modulo 65536) of the samples `stride` apart before it
    /// and itself, worked in Int arithmetic, for strides below and above the eight lanes and lengths near their ends.
    func testHorizontalPredictorWithAStrideEqualsTheRunningSumPerSample() {
        var rng = SplitMix64(seed: 11)
        let row = (0..<400).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
        for stride in [1, 2, 3, 7, 8, 9, 25] {
            for count in [0, stride, stride + 1, stride + 8, stride + 15, 16 * stride + 3, 400] where count <= 400 {
                var expected = Array(row[0..<count])
                for i in 0..<count where i >= stride { expected[i] = UInt16((Int(expected[i]) + Int(expected[i - stride])) % 65536) }
                var ours = Array(row[0..<count]) + [4321]
                ours.withUnsafeMutableBufferPointer { DirectTileReader.undoHorizontalPredictor(inPlace: $0.baseAddress!, count: count, stride: stride) }
                XCTAssertEqual(ours, expected + [4321], "stride \(stride), count \(count)")
            }
        }
    }
}
