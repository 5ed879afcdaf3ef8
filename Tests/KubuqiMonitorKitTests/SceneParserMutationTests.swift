import Foundation
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Deterministic mutation fuzzing of the project's own parsers (issue 15):
/// Landsat MTL, Sentinel-2 `MTD_MSIL2A.xml`, STAC items and scene names,
/// each seeded from its committed corpus in `Tests/FuzzCorpus/` and bounded
/// in rounds and time, so it runs in CI with every test run. Whatever the
/// input: no crash, a usage or input error (exit 2 or 3) or a scene whose
/// numbers are sane (finite gains in (0, 1], offsets within bounds).
final class SceneParserMutationTests: XCTestCase {
    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus").path

    /// Rounds per parser (`KUBUQI_FUZZ_ITERATIONS`), and the time cap.
    static let rounds = ProcessInfo.processInfo.environment["KUBUQI_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300
    static let timeCap: TimeInterval = 12

    /// Tokens a mutation inserts: the numbers and syntax that broke parsers before.
    static let tokens: [String] = [
        "nan", "NaN", "inf", "-inf", "1e39", "1e308", "1e-320", "0", "-0", "-99999999999999999999", "99999999999999999999",
        "4e9", "0x10", "\"", "=", " = ", "\n", "\r\n", "\t", "\0", "GROUP = ", "END_GROUP = ", "LEVEL2_SURFACE_REFLECTANCE_PARAMETERS",
        "REFLECTANCE_MULT_BAND_4 = ", "REFLECTANCE_ADD_BAND_5 = ", "SPACECRAFT_ID = \"LANDSAT_", "PROCESSING_LEVEL = \"L1TP\"",
        "<BOA_ADD_OFFSET band_id=\"3\">", "</BOA_ADD_OFFSET>", "<PROCESSING_BASELINE>", "</PROCESSING_BASELINE>", "99.99",
        "{", "}", "[", "]", ",", ":", "null", "true", "\"href\": ", "\"file:///vsicurl/http://127.0.0.1:9/x.tif\"",
        "\"/vsizip//x.zip/a.tif\"", "\"../../../../etc/passwd\"", "\"assets\"", "\"red\"", "\"s2:processing_baseline\"",
        "\u{FEFF}", "\u{2028}", "é", "中", "..", "/", "_SR_B4.TIF", "_MTL.txt", ".SAFE", "LC08_L2SP_", "S2B_MSIL2A_",
    ]

    struct LCG {
        var state: UInt64
        mutating func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : next() % n }
    }

    /// One mutation of `input`, drawing splices from `others`.
    static func mutate(_ input: [UInt8], others: [[UInt8]], rng: inout LCG) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(7) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] ^= UInt8(1 << rng.below(8))
            case 1: b.insert(UInt8(rng.below(256)), at: rng.below(b.count + 1))
            case 2: b.insert(contentsOf: Array(tokens[rng.below(tokens.count)].utf8), at: rng.below(b.count + 1))
            case 3 where !b.isEmpty:
                let start = rng.below(b.count), end = min(b.count, start + 1 + rng.below(64))
                b.removeSubrange(start..<end)
            case 4 where !b.isEmpty:
                let start = rng.below(b.count), end = min(b.count, start + 1 + rng.below(128))
                b.insert(contentsOf: b[start..<end], at: rng.below(b.count + 1))
            case 5 where !others.isEmpty:
                let other = others[rng.below(others.count)]
                guard !other.isEmpty else { break }
                let cut = rng.below(b.count + 1), from = rng.below(other.count)
                b = Array(b[..<cut]) + other[from...]
            case 6:
                // Replace a number with an interesting one.
                if let digit = b.indices.dropFirst(rng.below(max(b.count, 1))).first(where: { (48...57).contains(b[$0]) }) {
                    var end = digit
                    while end < b.count, (48...57).contains(b[end]) || b[end] == 46 || b[end] == 69 || b[end] == 101 || b[end] == 45 { end += 1 }
                    let number = ["nan", "inf", "1e39", "0", "-99999999999999999999", "-0.0"][rng.below(6)]
                    b.replaceSubrange(digit..<end, with: Array(number.utf8))
                }
            default: break
            }
        }
        return b.count > 200_000 ? Array(b.prefix(200_000)) : b
    }

    /// Runs `body` on every seed of `parser` and `rounds` mutations; a crash
    /// found by an earlier run (its `.pending-input`) joins the corpus first.
    func fuzz(_ parser: String, seed: UInt64, _ body: (Data) throws -> Void) throws {
        let folder = Self.corpusRoot + "/" + parser
        let pending = folder + "/.pending-input"
        if let crash = FileManager.default.contents(atPath: pending) {
            let name = folder + "/crash-" + String(fnv1a(crash), radix: 16)
            try? FileManager.default.moveItem(atPath: pending, toPath: name)
            print("note: \(parser): the input of a crashed earlier run is now in the corpus as \(name); commit it")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        XCTAssertFalse(files.isEmpty, "a corpus for \(parser)")
        let seeds = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
        var rng = LCG(state: seed)
        let started = Date()
        var inputs = seeds
        var done = 0
        func run(_ bytes: [UInt8]) throws {
            let data = Data(bytes)
            try? data.write(to: URL(fileURLWithPath: pending))
            try body(data)
            done += 1
        }
        for s in seeds { try run(s) }
        for _ in 0..<Self.rounds {
            if Date().timeIntervalSince(started) > Self.timeCap { break }
            let parent = inputs[rng.below(inputs.count)]
            let child = Self.mutate(parent, others: seeds, rng: &rng)
            try run(child)
            if inputs.count < 64 { inputs.append(child) } else { inputs[rng.below(inputs.count)] = child }
        }
        unlink(pending)
        print("\(parser): \(done) inputs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// An error the tool may give for bad metadata: usage or input, one line once printed.
    func assertAcceptable(_ error: Error, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = error as? KubuqiError else { return XCTFail("\(what): not a KubuqiError: \(error)", file: file, line: line) }
        XCTAssertTrue([2, 3].contains(e.exitCode), "\(what): exit \(e.exitCode): \(e.message)", file: file, line: line)
        XCTAssertFalse(Quoted.escaped(e.message).contains("\n"), file: file, line: line)
    }

    /// Scene numbers a load may give: finite gains in (0, 1], finite offsets within bounds.
    func assertSane(_ scene: Scene, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for (role, b) in scene.bands {
            XCTAssertTrue(b.scale.isFinite && b.scale > 0 && b.scale <= 1, "\(what): \(role) scale \(b.scale)", file: file, line: line)
            XCTAssertTrue(b.offset.isFinite && abs(b.offset) <= 10, "\(what): \(role) offset \(b.offset)", file: file, line: line)
        }
    }

    func testLandsatMTLMutations() throws {
        let tmp = try TemporaryFolder()
        let name = "LC08_L2SP_128032_20230820_20230826_02_T1"
        let scene = tmp.file(name)
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        for n in [2, 3, 4, 5, 6, 7] { FileManager.default.createFile(atPath: "\(scene)/\(name)_SR_B\(n).TIF", contents: Data()) }
        FileManager.default.createFile(atPath: "\(scene)/\(name)_QA_PIXEL.TIF", contents: Data())
        try fuzz("landsat-mtl", seed: 15) { data in
            let text = String(decoding: data, as: UTF8.self)
            let mtl = LandsatScene.parseMTL(text)
            for n in 1...7 {
                if let s = try? LandsatScene.scaling(mtl, band: n, file: "x_MTL.txt") {
                    XCTAssertTrue(s.mult.isFinite && s.mult > 0 && s.add.isFinite)
                }
            }
            try data.write(to: URL(fileURLWithPath: "\(scene)/\(name)_MTL.txt"))
            do { assertSane(try SensorPreset.landsat.load(scene), "mtl") } catch { assertAcceptable(error, "mtl") }
        }
    }

    func testSentinel2MetadataMutations() throws {
        let tmp = try TemporaryFolder()
        let scene = tmp.file("S2B_MSIL2A_20230820T033529_N0509_R061_T49TCF_20230820T070904.SAFE")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        for b in ["B02", "B03", "B04", "B08", "B11", "B12", "SCL"] {
            FileManager.default.createFile(atPath: "\(scene)/T49TCF_20230820T033529_\(b)_20m.jp2", contents: Data())
        }
        try fuzz("sentinel2-xml", seed: 1503) { data in
            let xml = String(decoding: data, as: UTF8.self)
            if let facts = try? Sentinel2Scene.metadataFacts(xml), let offset = facts["boa_offset"] {
                XCTAssertNotNil(Int(offset).map { abs($0) <= 10_000 }, offset)
            }
            try data.write(to: URL(fileURLWithPath: "\(scene)/MTD_MSIL2A.xml"))
            do {
                let s = try SensorPreset.sentinel2.load(scene)
                for b in s.bands.values { XCTAssertTrue(b.offset.isFinite && abs(b.offset) <= 1, "offset \(b.offset)") }
            } catch { assertAcceptable(error, "xml") }
        }
    }

    func testSTACItemMutations() throws {
        let tmp = try TemporaryFolder()
        for b in ["B04.tif", "B08.tif", "SCL.tif"] { FileManager.default.createFile(atPath: tmp.file(b), contents: Data()) }
        let item = tmp.file("item.json")
        try fuzz("stac-json", seed: 1504) { data in
            try data.write(to: URL(fileURLWithPath: item))
            do {
                let s = try SensorPreset.sentinel2.load(item)
                for b in s.bands.values {
                    XCTAssertFalse(b.selection.path.contains("/vsi"), "no GDAL virtual path from a STAC file: \(b.selection.path)")
                    XCTAssertTrue(b.offset.isFinite)
                }
            } catch { assertAcceptable(error, "stac") }
        }
    }

    func testSceneNameMutations() throws {
        let tmp = try TemporaryFolder()
        var counter = 0
        try fuzz("scene-names", seed: 1505) { data in
            for raw in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).prefix(8) {
                let name = String(raw)
                let spacecraft = LandsatScene.spacecraftFromName(name)
                XCTAssertTrue(spacecraft.hasPrefix("LANDSAT_"), spacecraft)
                // A folder of that name (where the file system allows it) holding a band file of that name.
                let safe = String(name.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\0", with: "_").utf8.prefix(200)) ?? "x"
                guard !safe.isEmpty, safe != ".", safe != ".." else { continue }
                counter += 1
                let folder = tmp.file("s\(counter)-" + safe)
                guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)) != nil else { continue }
                FileManager.default.createFile(atPath: folder + "/" + safe + "_SR_B4.TIF", contents: Data())
                FileManager.default.createFile(atPath: folder + "/" + safe + "_B04_10m.jp2", contents: Data())
                for preset in [SensorPreset.landsat, .sentinel2] {
                    do { assertSane(try preset.load(folder), "name \(name)") } catch { assertAcceptable(error, "name \(name)") }
                }
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
    }

    func fnv1a(_ data: Data) -> UInt64 {
        data.reduce(14695981039346656037 as UInt64) { ($0 ^ UInt64($1)) &* 1099511628211 }
    }
}
