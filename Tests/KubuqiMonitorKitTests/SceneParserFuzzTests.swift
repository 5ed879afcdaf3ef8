import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// Bounded random-input tests of the scene metadata readers (MTL, Sentinel-2
/// XML, STAC JSON): whatever the bytes, a scene either loads or fails with a
/// one-line input error; nothing crashes.
final class SceneParserFuzzTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    }

    func randomText(_ rng: inout LCG, alphabet: [Character], length: Int) -> String {
        String((0..<length).map { _ in alphabet[Int(rng.next()) % alphabet.count] })
    }

    func testRandomMTLFilesNeverCrash() throws {
        let tmp = try TemporaryFolder()
        let folder = tmp.file("LC08_L2SP_128032_20230820_20230826_02_T1")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = LCG(state: 99)
        let alphabet = Array("GROUP=END_ \"\n\tREFLECTANCE_MULT_BAND_4ADD_SPACECRAFT_IDLANDSAT_9.-eE0123456789")
        for i in 0..<300 {
            let text = randomText(&rng, alphabet: alphabet, length: Int(rng.next() % 400))
            try text.write(toFile: "\(folder)/\((folder as NSString).lastPathComponent)_MTL.txt", atomically: true, encoding: .utf8)
            do { _ = try SensorPreset.landsat.load(folder) } catch let e as KubuqiError {
                XCTAssertEqual(e.exitCode, 3, "case \(i): \(e)")
                XCTAssertFalse(e.message.contains("\n"), "one line")
            }
        }
    }

    func testRandomSTACItemsNeverCrash() throws {
        let tmp = try TemporaryFolder()
        var rng = LCG(state: 7)
        let pieces = ["{", "}", "[", "]", ",", ":", "\"assets\"", "\"red\"", "\"href\"", "\"B04.tif\"", "\"https://x/B08.tif\"", "1", "null",
                      "\"properties\"", "\"s2:processing_baseline\"", "\"04.00\"", "true", " "]
        for i in 0..<400 {
            let text = (0..<Int(rng.next() % 40)).map { _ in pieces[Int(rng.next()) % pieces.count] }.joined()
            try text.write(toFile: tmp.file("item.json"), atomically: true, encoding: .utf8)
            do {
                _ = try IndexJob.run(IndexOptions(indices: ["ndvi"], output: tmp.file("o\(i).tif"), scene: (tmp.file("item.json"), .sentinel2), quiet: true))
            } catch let e as KubuqiError {
                XCTAssertTrue([2, 3].contains(e.exitCode), "case \(i): \(e)")
            }
        }
    }
}
