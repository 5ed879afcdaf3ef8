import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster
import TestSupport
import XCTest

/// `sample` and `assess` on the fixtures, whose planted truth labels the points: the SDG 15.3.1
/// map of the last reporting period (an imperfect map: it also calls part of the stressed
/// steppe degraded) is sampled, labelled from `Fixtures/truth/`, and assessed; the intervals
/// must contain the planted areas, and over many seeds the 95 % intervals must contain them
/// about 95 % of the time.
final class AccuracyCommandTests: CLITestCase {
    static let fixtures = ScaleOutTests.fixtures
    static let landsat = fixtures + "/landsat/"
    /// Truth codes in the SDG map's legend: planted degradation is degraded (-1), planted
    /// restoration improved (1), everything else stable (0).
    static func truthClass(degradation: Float, restoration: Float) -> Int { degradation == 1 ? -1 : (restoration == 1 ? 1 : 0) }

    /// The SDG 15.3.1 map of 2019-2024 from the fixtures' `ldn.toml`.
    func sdgMap(_ tmp: TemporaryFolder) throws -> String {
        try run(["ldn", "--config", Self.fixtures + "/ldn.toml", "-q", "-o", tmp.file("ldn")])
        return tmp.file("ldn/reporting-2019-2024/sdg-15-3-1.tif")
    }

    /// The CSV rows of a simple table (no quoted commas: checked by the field count).
    /// Reads a CSV with Python's csv module (RFC 4180); every record has the header's field count.
    func readCSV(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline=''), strict=True))))", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let records = try JSONSerialization.jsonObject(with: data) as! [[String]]
        for r in records.dropFirst() { XCTAssertEqual(r.count, records[0].count, "\(path): \(r)") }
        return (records[0], Array(records.dropFirst()))
    }

    func testSampleLabelAssessOnFixtures() throws {
        let tmp = try TemporaryFolder()
        let map = try sdgMap(tmp)
        let values = try TestRaster.read(map)
        let degradation = try TestRaster.read(Self.fixtures + "/truth/degradation.tif")
        let restoration = try TestRaster.read(Self.fixtures + "/truth/restoration.tif")

        let out = try run(["sample", map, "--seed", "11", "-o", tmp.file("sample")]).stdout
        XCTAssertTrue(out.contains("points in 3 strata"), out)

        // The design's strata: counted independently from the map's pixels.
        let design = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("sample/design.json")))) as! [String: Any]
        let strata = design["strata"] as! [[String: Any]]
        var counts: [Int: Int] = [:]
        for v in values where v != -32768 { counts[Int(v), default: 0] += 1 }
        XCTAssertEqual(strata.map { $0["code"] as! Int }, counts.keys.sorted())
        for s in strata {
            let code = s["code"] as! Int, n = s["sampleSize"] as! Int, pixels = s["pixels"] as! Int
            XCTAssertEqual(pixels, counts[code])
            // True areas: a fixture pixel is 899.798 to 899.866 m2 on WGS 84 (pyproj, Scripts/reference/grid_areas.py).
            XCTAssertEqual(s["areaKm2"] as! Double, Double(pixels) * 0.000899832, accuracy: Double(pixels) * 4e-8)
            XCTAssertGreaterThanOrEqual(n, min(50, pixels), "compromise allocation: at least 50 in class \(code)")
            XCTAssertEqual(s["inclusionProbability"] as! Double, Double(n) / Double(pixels), accuracy: 1e-12)
        }

        // Every point lies on a pixel of its stratum; x, y are the pixel centre; lon, lat agree with gdaltransform.
        let (header, rows) = try readCSV(tmp.file("sample/points.csv"))
        XCTAssertEqual(header, ["id", "stratum", "class_name", "map_class", "col", "row", "x", "y", "lon", "lat", "reference"])
        XCTAssertEqual(rows.count, strata.reduce(0) { $0 + ($1["sampleSize"] as! Int) })
        var pixelsSeen = Set<Int>()
        for r in rows {
            let col = Int(r[4])!, row = Int(r[5])!
            XCTAssertEqual(Int(values[row * 256 + col]), Int(r[1]))
            XCTAssertTrue(pixelsSeen.insert(row * 256 + col).inserted, "pixel drawn twice")
            XCTAssertEqual(Double(r[6])!, 296_040 + 30 * (Double(col) + 0.5))
            XCTAssertEqual(Double(r[7])!, 4_463_820 - 30 * (Double(row) + 0.5))
            XCTAssertEqual(r[10], "")
        }
        if let gdaltransform = CourseRunner.which("gdaltransform") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: gdaltransform)
            p.arguments = ["-s_srs", "EPSG:32649", "-t_srs", "EPSG:4326", "-output_xy"]
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            try p.run()
            input.fileHandleForWriting.write(rows.prefix(20).map { "\($0[6]) \($0[7])\n" }.joined().data(using: .utf8)!)
            try input.fileHandleForWriting.close()
            let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            p.waitUntilExit()
            for (r, line) in zip(rows.prefix(20), lines) {
                let v = line.split(separator: " ").compactMap { Double($0) }
                XCTAssertEqual(Double(r[8])!, v[0], accuracy: 1e-9)
                XCTAssertEqual(Double(r[9])!, v[1], accuracy: 1e-9)
            }
        }

        // Label from the planted truth, and assess.
        var labelled = header.joined(separator: ",") + "\n"
        for r in rows {
            let i = Int(r[5])! * 256 + Int(r[4])!
            labelled += (r.dropLast() + [String(Self.truthClass(degradation: degradation[i], restoration: restoration[i]))]).joined(separator: ",") + "\n"
        }
        try labelled.write(toFile: tmp.file("labelled.csv"), atomically: true, encoding: .utf8)
        let mapReport = tmp.file("ldn/report.html")
        let before = try Data(contentsOf: URL(fileURLWithPath: mapReport))
        let summary = try run(["assess", "--design", tmp.file("sample/design.json"), "--points", tmp.file("labelled.csv"),
                               "--report", mapReport, "-o", tmp.file("acc")]).stdout
        // The map's report again, with the assessment as its last section; the original untouched.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: mapReport)), before)
        let combined = try String(contentsOfFile: tmp.file("acc/report.html"), encoding: .utf8)
        let original = String(decoding: before, as: UTF8.self)
        let end = try XCTUnwrap(original.range(of: "</body>", options: .backwards))
        XCTAssertTrue(combined.hasPrefix(String(original[..<end.lowerBound])))
        XCTAssertTrue(combined.hasSuffix(String(original[end.lowerBound...])))
        XCTAssertTrue(combined.contains("<section id=\"accuracy-assessment\">"))
        XCTAssertTrue(summary.contains("\(rows.count) of \(rows.count) points used."), summary)

        // The planted areas (over the map's valid pixels) lie in the 95 % intervals.
        var truthPixels: [Int: Int] = [:]
        for i in values.indices where values[i] != -32768 { truthPixels[Self.truthClass(degradation: degradation[i], restoration: restoration[i]), default: 0] += 1 }
        let table = try readCSV(tmp.file("acc/accuracy.csv"))
        XCTAssertEqual(table.header.prefix(4), ["code", "name", "mapped_km2", "points"])
        for r in table.rows where !r[0].isEmpty {
            let code = Int(r[0])!, truth = Double(truthPixels[code] ?? 0) * 0.0009
            let low = Double(r[10])!, high = Double(r[11])!
            XCTAssertLessThanOrEqual(low, truth + 1e-9, "class \(code): \(low)..\(high) km2 vs planted \(truth)")
            XCTAssertGreaterThanOrEqual(high, truth - 1e-9, "class \(code): \(low)..\(high) km2 vs planted \(truth)")
        }
        // The map over-states degradation (stressed steppe mapped as degraded): user's accuracy < 1.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("acc/assessment.json")))) as! [String: Any]
        let classes = json["classes"] as! [[String: Any]]
        let degraded = classes.first { $0["code"] as! Int == -1 }!
        XCTAssertLessThan((degraded["usersAccuracy"] as! [String: Any])["value"] as! Double, 0.95)

        // The same seed gives the same points; another seed other points.
        try run(["sample", map, "--seed", "11", "-q", "-o", tmp.file("again")])
        XCTAssertEqual(try String(contentsOfFile: tmp.file("again/points.csv"), encoding: .utf8),
                       try String(contentsOfFile: tmp.file("sample/points.csv"), encoding: .utf8))
        try run(["sample", map, "--seed", "12", "-q", "-o", tmp.file("other")])
        XCTAssertNotEqual(try String(contentsOfFile: tmp.file("other/points.csv"), encoding: .utf8),
                          try String(contentsOfFile: tmp.file("sample/points.csv"), encoding: .utf8))
    }

    /// Points that cannot be used are counted and left out; a stratum without labelled points
    /// is refused, naming it, with nothing written.
    func testBadPoints() throws {
        let tmp = try TemporaryFolder()
        let map = try sdgMap(tmp)
        try run(["sample", map, "--size", "40", "--min-per-class", "5", "-q", "-o", tmp.file("sample")])
        let (header, rows) = try readCSV(tmp.file("sample/points.csv"))
        var lines = [header.joined(separator: ",")]
        for (k, r) in rows.enumerated() {
            var r = r
            switch k {
            case 0: r[10] = ""                                   // unlabelled
            case 1: r[10] = "7"                                  // not a class of the map
            case 2: r[6] = "1e9"                                 // outside the map
            case 3: r[2] = "x"; r[10] = "0"; lines.append(r.joined(separator: ",")) // duplicated below
            default: r[10] = r[1]
            }
            lines.append(r.joined(separator: ","))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tmp.file("labelled.csv"), atomically: true, encoding: .utf8)
        let r = try run(["assess", "--design", tmp.file("sample/design.json"), "--points", tmp.file("labelled.csv"), "-o", tmp.file("acc")])
        XCTAssertTrue(r.stdout.contains("\(rows.count - 3) of \(rows.count + 1) points used"), r.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("acc/assessment.json")))) as! [String: Any]
        let excluded = Dictionary(uniqueKeysWithValues: (json["excluded"] as! [[String: Any]]).map { ($0["reason"] as! String, $0["points"] as! Int) })
        XCTAssertEqual(excluded, ["no reference class": 1, "reference is not one of the map's classes": 1, "outside the map": 1,
                                  "duplicate id or pixel (the first is kept)": 1])

        // Every point of stratum 2 unlabelled: refused, naming the stratum; no output folder.
        let noStrong = [header.joined(separator: ",")] + rows.map { r -> String in
            var r = r
            r[10] = r[1] == "1" ? "" : r[1]
            return r.joined(separator: ",")
        }
        try (noStrong.joined(separator: "\n") + "\n").write(toFile: tmp.file("partial.csv"), atomically: true, encoding: .utf8)
        let refused = try run(["assess", "--design", tmp.file("sample/design.json"), "--points", tmp.file("partial.csv"), "-o", tmp.file("acc2")], expect: 3)
        XCTAssertTrue(refused.stderr.contains("no labelled point in stratum 1 ("), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("acc2")))

        // A continuous raster is not a class map; usage errors are one line with exit 2.
        let ndvi = try run(["sample", ScaleOutTests.stack + ":14", "-o", tmp.file("s2")], expect: 3)
        XCTAssertTrue(ndvi.stderr.contains("sample needs a class map"), ndvi.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("s2")))
        for bad in [["--size", "0"], ["--target-se", "0"], ["--target-se", "nan"], ["--expected-accuracy", "-1=1.5"],
                    ["--allocation", "neyman"], ["--size", "10", "--target-se", "0.01"], ["--min-per-class", "1"]] {
            let r = try run(["sample", map, "-o", tmp.file("s3")] + bad, expect: 2)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("s3")))
        }
        let notDesign = try run(["assess", "--design", tmp.file("labelled.csv"), "--points", tmp.file("labelled.csv"), "-o", tmp.file("a3")], expect: 3)
        XCTAssertTrue(notDesign.stderr.contains("not a sample design"), notDesign.stderr)
    }

    /// Over 400 seeds, the 95 % intervals of the planted classes' areas contain the planted
    /// area in 95 % +- 4 points of the runs (4 points: about 3.7 binomial standard errors at
    /// n = 400, plus room for the normal approximation of small strata; documented in
    /// docs/accuracy.md). The draw, allocation and estimator are the library's, on the map
    /// held in memory (the file passes are tested above).
    func testIntervalsCoverTheTruthAtTheirLevel() throws {
        let tmp = try TemporaryFolder()
        let values = try TestRaster.read(try sdgMap(tmp))
        let degradation = try TestRaster.read(Self.fixtures + "/truth/degradation.tif")
        let restoration = try TestRaster.read(Self.fixtures + "/truth/restoration.tif")
        let codes = Array(Set(values.filter { $0 != -32768 }.map { Int($0) })).sorted()
        let index = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        var available = [Int](repeating: 0, count: codes.count), truth = [Double](repeating: 0, count: codes.count)
        var strataOf: [Int] = [], referenceOf: [Int] = []
        for i in values.indices where values[i] != -32768 {
            let k = index[Int(values[i])]!
            available[k] += 1
            strataOf.append(k)
            let t = index[Self.truthClass(degradation: degradation[i], restoration: restoration[i])]!
            referenceOf.append(t)
            truth[t] += 0.0009
        }
        let areas = available.map { Double($0) * 0.0009 }, total = areas.reduce(0, +)
        let sizes = SampleAllocation.compromise(minimum: 30).allocate(total: 300, weights: areas.map { $0 / total }, available: available)
        let checked = [-1, 0, 1].map { index[$0]! }
        var covered = [Int](repeating: 0, count: codes.count)
        let runs = 400
        for seed in 0..<runs {
            var locator = StratumDraw.Locator(StratumDraw(sizes: sizes, available: available, seed: UInt64(seed)))
            var counts = [[Int]](repeating: [Int](repeating: 0, count: codes.count), count: codes.count)
            for (s, r) in zip(strataOf, referenceOf) where locator.isDrawn(stratum: s) { counts[s][r] += 1 }
            let e = try StratifiedEstimate(classes: codes, mappedArea: areas, counts: counts)
            for j in checked where abs(e.area[j].value - truth[j]) <= e.area[j].halfWidth95! + 1e-12 { covered[j] += 1 }
        }
        for j in checked {
            let rate = Double(covered[j]) / Double(runs)
            print("coverage of the 95 % interval, class \(codes[j]): \(covered[j]) of \(runs) (\(rate))")
            XCTAssertEqual(rate, 0.95, accuracy: 0.04, "class \(codes[j]): the 95 % interval held the planted area in \(covered[j]) of \(runs) runs")
        }
    }
}
