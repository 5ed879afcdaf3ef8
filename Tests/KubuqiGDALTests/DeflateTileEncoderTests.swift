@testable import KubuqiGDAL
import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// ``DeflateTileEncoder`` reuses each pooled compressor's output buffer from tile to tile: tiles encoded one after the
/// other by one encoder (a noisy tile, a constant one that compresses to a few bytes, the noisy one again, on several
/// threads) each inflate, with Python's zlib, to the tile's samples after TIFF predictor 2, undone independently
/// (a running sum modulo 2^16 along each row), and each is exactly one complete zlib stream (no byte after its end).
final class DeflateTileEncoderTests: XCTestCase {
    static let script = #"""
import base64, json, sys, zlib, struct
cases = json.load(open(sys.argv[1]))["cases"]
problems = []
for k, c in enumerate(cases):
    d = zlib.decompressobj()
    raw = d.decompress(base64.b64decode(c["encoded"]))
    if not d.eof or d.unused_data:
        problems.append("case %d: not exactly one complete zlib stream" % k)
    diffs = struct.unpack("<%dh" % (len(raw) // 2), raw)
    t = c["tile"]
    samples = []
    for r in range(t):
        acc = 0
        for x in range(t):
            acc = (acc + diffs[r * t + x]) & 0xFFFF
            samples.append(acc - 65536 if acc >= 32768 else acc)
    if samples != c["samples"]:
        problems.append("case %d: inflated samples differ" % k)
json.dump({"checked": len(cases), "problems": problems}, open(sys.argv[2], "w"))
"""#

    func testReusedBuffersGiveCompleteStreams() throws {
        guard let python = PythonReference.interpreter(needing: "zlib") else { return }
        let tile = 64
        let encoder = DeflateTileEncoder(level: 7, tile: tile)
        var rng = SplitMix64(seed: 21)
        let noisy = (0..<(tile * tile)).map { _ in Int16(truncatingIfNeeded: rng.next()) }
        let constant = [Int16](repeating: -32768, count: tile * tile)
        let order = [noisy, constant, noisy, constant, constant, noisy]
        // On two threads at once too: each call takes its own compressor and buffer from the pool.
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var encoded: [[UInt8]]
            init(_ n: Int) { encoded = Array(repeating: [], count: n) }
        }
        let results = Results(order.count * 2)
        DispatchQueue.concurrentPerform(iterations: order.count * 2) { k in
            var samples = order[k % order.count]
            let bytes = samples.withUnsafeMutableBufferPointer { encoder.encode($0) }
            results.lock.withLock { results.encoded[k] = bytes }
        }
        let encoded = results.encoded
        var cases: [[String: Any]] = []
        for (k, bytes) in encoded.enumerated() {
            let samples: [Int] = order[k % order.count].map { Int($0) }
            cases.append(["encoded": Data(bytes).base64EncodedString(), "tile": tile, "samples": samples])
        }
        XCTAssertLessThan(encoded[1].count, 100, "the constant tile compresses to a few bytes")
        let out = try PythonReference.run(python, script: Self.script, input: ["cases": cases]) as? [String: Any]
        XCTAssertEqual(out?["checked"] as? Int, cases.count)
        XCTAssertEqual(out?["problems"] as? [String] ?? ["no answer"], [])
    }
}
