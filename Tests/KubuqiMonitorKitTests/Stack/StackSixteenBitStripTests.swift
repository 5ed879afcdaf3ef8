import Foundation
import KubuqiGDAL
import KubuqiIndicators
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Accumulating reducers on an Int16 collection (stored x 10000, nodata -32768) take the stored rows
/// and convert them block by block as they add them (``StackReader/sixteenBitScaling``,
/// ``SeriesAccumulators/add(stored:stride:scalings:days:pixels:)``): through strips and windows that do
/// not divide the grid and periods of three groups, against numpy on `stored * 0.0001`
/// (``StackSyntheticTests/script``), and the same bytes as the Float32 copy of the collection (`mean`: within one
/// float32 unit, as it sums the stored integers exactly, ``StoredSums``; the nearest float32 of the exact mean:
/// `StoredSumsTests`).
final class StackSixteenBitStripTests: XCTestCase {
    func testInt16CollectionMatchesNumpyAndItsFloat32Copy() throws {
        guard let python = ScipyReference.python() else { throw ScipyReference.skipOrFail("python3 with numpy") }
        let (width, height) = (StackStripTests.width, StackStripTests.height)
        let tmp = try TemporaryFolder(), floats = try TemporaryFolder(), ints = try TemporaryFolder()
        let (dates, values) = try StackStripTests.writeCollection(in: floats)
        XCTAssertGreaterThan(dates.filter { $0.hasPrefix("2003") }.count, 2 * StackJob.openAtOnce, "the periods must need three groups")
        // The same dates stored as Int16 x 10000 with a declared scale, and a Float32 copy of the stored values scaled.
        let scale = Float(0.0001)
        var physical: [[Float?]] = []
        let scaledCopy = try TemporaryFolder()
        for (d, row) in zip(dates, values) {
            let stored = row.map { $0.map { ($0 * 10_000).rounded() } ?? -32768 }
            let path = try TestRaster.write(ints.file("i_\(d).tif"), width: width, height: height, values: stored, type: .int16,
                                            nodata: -32768, options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
            let ds = try Dataset.open(path, update: true)
            try ds.band(1).setScale(Double(scale), offset: 0)
            try ds.close()
            let scaled = stored.map { $0 == -32768 ? nil : $0 * scale }
            physical.append(scaled)
            try TestRaster.write(scaledCopy.file("f_\(d).tif"), width: width, height: height, values: scaled.map { $0 ?? -9999 },
                                 nodata: -9999, options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
        }
        // The 16-bit path is the one taken for these files.
        let o = StackOptions(inputs: [ints.path], output: tmp.file("x.tif"))
        let some = Array(try StackSources.collect(o, rasters: InputRasters(), keepOpen: false).prefix(3))
        XCTAssertEqual(try StackInputs(some, o).open(some).values.map { $0.sixteenBitScaling?.scale }, [scale, scale, scale])
        XCTAssertEqual(try StackInputs(some, o).storedSums(some, reducer: .mean), StoredSums(unsigned: false, scale: scale, offset: 0))
        XCTAssertNil(try StackInputs(some, o).storedSums(some, reducer: .max))
        var options = CreationOptions()
        options.set("BLOCKXSIZE", "16")
        options.set("BLOCKYSIZE", "16")
        options.set("COG", "NO")
        for (reducer, minObs, minCov, budget) in [("mean", 1, 0.0, 160 << 10), ("max", 3, 0.5, 1), ("min", 1, 0.5, 160 << 10), ("count", 1, 0.0, 1)] {
            let label = "\(reducer) budget \(budget)"
            let r = try XCTUnwrap(SeriesReducer(name: reducer))
            func run(_ folder: String, _ name: String) throws -> StackResult {
                try StackJob.run(StackOptions(inputs: [folder], output: tmp.file("\(name)-\(reducer)-\(budget).tif"), reducer: r,
                                              minimumObservations: minObs, minimumCoverage: minCov, encoding: .float32,
                                              creationOptions: options, memoryBudget: budget))
            }
            let fromInts = try run(ints.path, "i"), fromFloats = try run(scaledCopy.path, "f")
            let config: [String: Any] = ["dates": dates, "values": physical.map { $0.map { $0.map { Double($0) } ?? NSNull() } as [Any] },
                                         "season": NSNull(), "min_obs": minObs, "min_cov": minCov, "reducer": reducer, "smooth": 0]
            let expected = try XCTUnwrap(try ScipyReference.run(python, script: StackSyntheticTests.script, input: config, in: tmp) as? [[String: Any]])
            XCTAssertEqual(fromInts.manifest.periods.map(\.label), expected.map { $0["label"] as! String }, label)
            let all = Window(column: 0, row: 0, width: width, height: height)
            let a = try Dataset.open(fromInts.path), b = try Dataset.open(fromFloats.path)
            let ac = try Dataset.open(fromInts.countPath), bc = try Dataset.open(fromFloats.countPath)
            for (p, e) in zip(fromInts.manifest.periods, expected) {
                guard let band = p.band, let want = e["values"] as? [Any] else { XCTFail("\(label) \(p.label) dropped"); continue }
                let got = try a.band(band).read(all), copy = try b.band(band).read(all)
                // `mean` sums the stored integers exactly (``StoredSums``): the float32 nearest the exact mean, which the
                // Float32 copy's Double sum of float32 values (one rounding more per value) misses by one unit at times.
                let ulps = reducer == "mean" ? 1 : 0
                XCTAssertEqual(zip(got, copy).filter { !($0.isNaN && $1.isNaN) && abs(Int($0.bitPattern) - Int($1.bitPattern)) > ulps }.count, 0,
                               "\(label) \(p.label): unlike the Float32 copy")
                XCTAssertEqual(try ac.band(band).read(all), try bc.band(band).read(all), "\(label) \(p.label): counts")
                XCTAssertEqual(zip(try ac.band(band).read(all), e["counts"] as! [Int]).filter { Int($0) != $1 }.count, 0, "\(label) \(p.label): counts unlike numpy")
                XCTAssertEqual(ScipyReference.pixelsUnlike(got, want), 0, "\(label) \(p.label): pixels unlike numpy")
            }
        }
    }
}
