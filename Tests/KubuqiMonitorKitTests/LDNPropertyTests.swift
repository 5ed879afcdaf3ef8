import Foundation
import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `ldn` on randomly generated small regions against an independent
/// implementation of the documented rules in Python (ldn_reference.py beside
/// this file, exact fractions for integer stacks, float64 otherwise): every
/// layer pixel for pixel and every area-table cell (pixels and km2) equal.
/// Regions vary: Int16 stacks with a scale and Float32 stacks, geographic
/// (closed-form areas) and equal-area projected grids (true area = map
/// area), nodata holes, ties, flat and staircase series, slopes exactly at the
/// minimum, short periods, ecological units with nodata.
final class LDNPropertyTests: XCTestCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ldn_reference.py").path
    static let legendCodes: [Float] = [10, 60, 130, 200, 210, 190, 180]

    struct Region {
        var width = 7, height = 5
        var years: [Int] = []
        var integer = true
        var geographic = true
        var values: [[Float?]] = []   // per year, per pixel
        var maps: [Int: [Float]] = [:]
        var soc: [Float?] = []
        var eco: [Float?]?
        var baseline = 2001...2006
        var reporting: [ClosedRange<Int>] = []
        var minimumSlope = "0"
        /// nil: the default windows (trends-earth); else "period".
        var preset: String?
        /// The trends-earth window length written to the config (nil: the default 16).
        var windowYears: Int?
    }

    func generate(seed: UInt64) -> Region {
        var rng = SplitMix64(seed: seed)
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.unit() * Double(r.count)) % r.count }
        var g = Region()
        g.integer = seed % 2 == 0
        g.geographic = (seed / 2) % 2 == 0
        let n = g.width * g.height
        let length = int(9...14)
        g.years = Array(2001...(2000 + length))
        let baselineYears = int(6...(length - 3))
        g.baseline = 2001...(2000 + baselineYears)
        if length - baselineYears >= 3 { g.reporting = [(2001 + baselineYears)...(2000 + length)] }
        g.minimumSlope = ["0", "0.002", "0.001"][int(0...2)]
        // Seeds 1-16 cover every combination of integer/float, geographic/projected and the two presets.
        if (seed / 4) % 2 == 0 { g.preset = "period" } else { g.windowYears = [nil, 6, 7, 9][int(0...3)] }
        var series: [[Float?]] = []
        for _ in 0..<n {
            let kind = int(0...4)
            let base = Double(int(2000...8000)), step = [0.0, 20.0, -20.0, 10.0, 35.0, -47.0][int(0...5)]
            var s: [Float?] = []
            for k in 0..<length {
                var v: Double
                switch kind {
                case 0: v = base                                               // flat
                case 1: v = base + step * Double(k)                            // exact line (slopes at the minimum)
                case 2: v = base + step * Double(k / 3) * 3                    // staircase (ties)
                case 3: v = base + step * Double(k) + Double(int(-300...300))  // noisy trend
                default: v = (base / 100).rounded() * 100 + Double(int(-2...2)) * 100   // coarse values (many ties)
                }
                if rng.unit() < 0.08 { s.append(nil); continue }
                if g.integer {
                    s.append(Float(v))
                } else {
                    // Float32: NDVI-like (x 1e-4) or NPP-like (as is), one per region.
                    s.append(seed % 4 < 2 ? Float(v * 0.0001) : Float(v) + Float(rng.unit()).rounded(.down))
                }
            }
            series.append(s)
        }
        g.values = (0..<length).map { k in series.map { $0[k] } }
        let start = (0..<n).map { _ in Self.legendCodes[int(0...6)] }
        var end = start
        for p in 0..<n where rng.unit() < 0.4 { end[p] = Self.legendCodes[int(0...6)] }
        var middle = start
        for p in 0..<n where rng.unit() < 0.2 { middle[p] = Self.legendCodes[int(0...6)] }
        g.maps = [2001: start, g.baseline.upperBound: middle, g.years.last!: end]
        g.soc = (0..<n).map { _ in rng.unit() < 0.05 ? nil : Float(int(1...120)) }
        if seed % 3 == 0 { g.eco = (0..<n).map { _ in rng.unit() < 0.1 ? nil : Float(int(1...3)) } }
        return g
    }

    func write(_ g: Region, _ tmp: TemporaryFolder) throws -> String {
        let epsg = g.geographic ? 4326 : 6933
        let transform = g.geographic ? GeoTransform([105, 0.001, 0, 40, 0, -0.001]) : GeoTransform([10_000_000, 30, 0, 5_000_000, 0, -30])
        let nodata: Float = g.integer ? -32768 : -9999
        let ds = try Dataset.create(tmp.file("stack.tif"), width: g.width, height: g.height, bands: g.years.count,
                                    type: g.integer ? .int16 : .float32, options: CreationOptions())
        try ds.setGeoTransform(transform)
        try ds.setProjection(SpatialReference(epsg: epsg)!.wkt2)
        for (k, y) in g.years.enumerated() {
            let band = try ds.band(k + 1)
            band.setDescription("NDVI_\(y)")
            try band.setNodata(Double(nodata))
            if g.integer { try band.setScale(0.0001, offset: 0) }
            let values = g.values[k].map { $0 ?? nodata }
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: g.width, height: g.height), from: $0) }
        }
        try ds.close()
        func raster(_ name: String, _ values: [Float?], type: RasterDataType, nodata: Double?) throws {
            try TestRaster.write(tmp.file(name), width: g.width, height: g.height, values: values.map { $0 ?? Float(nodata ?? 0) },
                                 type: type, nodata: nodata, transform: transform, epsg: epsg)
        }
        for (y, codes) in g.maps { try raster("lc\(y).tif", codes, type: .byte, nodata: nil) }
        try raster("soc.tif", g.soc, type: .float32, nodata: -32768)
        if let eco = g.eco { try raster("eco.tif", eco, type: .int16, nodata: -1) }
        let maps = g.maps.keys.sorted().map { "\($0) = \"lc\($0).tif\"" }.joined(separator: ", ")
        let text = """
        [productivity]
        stack = "stack.tif"
        minimum_slope = \(g.minimumSlope)
        \(g.eco == nil ? "" : "ecological_units = \"eco.tif\"")

        [landcover]
        maps = { \(maps) }

        [soc]
        baseline = "soc.tif"
        climate = "temperate-dry"

        [periods]
        baseline = [\(g.baseline.lowerBound), \(g.baseline.upperBound)]
        reporting = [\(g.reporting.map { "[\($0.lowerBound), \($0.upperBound)]" }.joined(separator: ", "))]
        \(g.preset.map { "\n[windows]\npreset = \"\($0)\"" } ?? g.windowYears.map { "\n[windows]\nyears = \($0)" } ?? "")
        """
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        return tmp.file("ldn.toml")
    }

    func referenceInput(_ g: Region) -> [String: Any] {
        func json(_ v: [Float?]) -> [Any] { v.map { $0.map { Double($0) as Any } ?? NSNull() } }
        var input: [String: Any] = [
            "width": g.width, "height": g.height, "years": g.years, "integer": g.integer, "scale": "0.0001",
            "minimumSlope": g.minimumSlope, "values": g.values.map(json),
            "maps": Dictionary(uniqueKeysWithValues: g.maps.map { (String($0.key), $0.value.map { Int($0) }) }),
            "soc": json(g.soc), "baseline": [g.baseline.lowerBound, g.baseline.upperBound],
            "reporting": g.reporting.map { [$0.lowerBound, $0.upperBound] },
            "preset": g.preset ?? "trends-earth", "windowYears": g.windowYears ?? 16,
            "geo": g.geographic ? ["kind": "geographic", "transform": [105, 0.001, 0, 40, 0, -0.001], "a": 6_378_137.0, "invf": 298.257223563]
                                : ["kind": "equal-area", "pixelM2": 900.0],
        ]
        if let eco = g.eco { input["eco"] = eco.map { $0.map { Int($0) as Any } ?? NSNull() } }
        return input
    }

    func python() throws -> String {
        for c in ["python3", "/usr/bin/python3"] where ScipyLikeRunner.run(c, ["-c", "import fractions, json"]) == 0 { return c }
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("python3 is required under CI") }
        throw XCTSkip("python3 not found")
    }

    func testRandomRegionsAgreeWithTheReference() throws {
        let python = try python()
        var compared = 0
        for seed in UInt64(1)...16 {
            let g = generate(seed: seed)
            let tmp = try TemporaryFolder()
            let config = try write(g, tmp)
            _ = try LDNJob.run(LDNOptions(config: config, output: tmp.file("out"), quiet: true))
            try JSONSerialization.data(withJSONObject: referenceInput(g)).write(to: URL(fileURLWithPath: tmp.file("in.json")))
            XCTAssertEqual(ScipyLikeRunner.run(python, [Self.reference, tmp.file("in.json"), tmp.file("expected.json")]), 0, "reference failed, seed \(seed)")
            let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("expected.json")))) as! [String: Any]
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out/report.json")))) as! [String: Any]
            let periods = report["periods"] as! [[String: Any]]
            XCTAssertEqual(Set(periods.map { $0["name"] as! String }), Set(expected.keys), "seed \(seed)")
            for period in periods {
                let name = period["name"] as! String
                let want = expected[name] as! [String: Any]
                for (layer, values) in want["layers"] as! [String: [Int]] {
                    let got = try TestRaster.read(tmp.file("out/\(name)/\(layer).tif")).map { Int($0) }
                    let differing = (0..<got.count).filter { got[$0] != values[$0] }
                    XCTAssertEqual(differing.count, 0, "seed \(seed) (\(g.integer ? "Int16" : "Float32"), \(g.geographic ? "geographic" : "equal-area")) \(name)/\(layer): pixels \(differing.prefix(5)) tool \(differing.prefix(5).map { got[$0] }) rule \(differing.prefix(5).map { values[$0] })")
                    compared += got.count
                }
                // The proportion degraded (a reporting period's by its status against the baseline), to the
                // report's 4 decimals.
                if let proportion = want["proportion"] as? Double {
                    XCTAssertEqual(period["proportionDegradedPercent"] as? Double ?? -1, proportion, accuracy: 0.51e-4, "seed \(seed) \(name) proportion degraded")
                } else {
                    XCTAssertNil(period["proportionDegradedPercent"] as? Double, "seed \(seed) \(name) proportion degraded")
                }
                let tables = want["tables"] as! [String: [String: [Double]]]
                let subs = period["subIndicators"] as! [String: [[String: Any]]]
                let names = ["productivity-status": "land productivity", "landcover-status": "land cover",
                             "soc-status": "soil organic carbon", "sdg-15-3-1": "SDG 15.3.1 (one out, all out)"]
                for (layer, rows) in tables {
                    let toolRows = layer == "lpd" ? period["productivityDynamics"] as! [[String: Any]] : subs[names[layer]!]!
                    var tool: [Int: (Int, Double)] = [:]
                    for r in toolRows { tool[r["code"] as! Int] = (r["pixels"] as! Int, r["km2"] as! Double) }
                    for code in Set(tool.keys).union(rows.keys.map { Int($0)! }) {
                        let t = tool[code] ?? (0, 0), e = rows[String(code)].map { (Int($0[0]), $0[1]) } ?? (0, 0)
                        XCTAssertEqual(t.0, e.0, "seed \(seed) \(name) \(layer) class \(code) pixels")
                        XCTAssertEqual(t.1, e.1, accuracy: 1e-12, "seed \(seed) \(name) \(layer) class \(code) km2")
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 16 * 35 * 8)
    }
}

/// Runs a command quietly and returns its exit status.
enum ScipyLikeRunner {
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> Int32 { PythonReference.status(program, arguments) }
}
