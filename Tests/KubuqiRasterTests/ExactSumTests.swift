import Foundation
import KubuqiRaster
import XCTest

/// ExactSum: the same bits whatever the grouping and order of the terms (what makes a
/// tiled warn's area sums equal one machine's), a Codable round trip of 128-bit sums,
/// and an overflow that reads NaN instead of wrapping.
final class ExactSumTests: XCTestCase {
    func testGroupingAndOrderDoNotChangeTheBits() {
        var rng = SystemRandomNumberGenerator()
        let terms = (0..<10_000).map { _ in Double.random(in: -1e6...1e6, using: &rng) * Double.random(in: 0...900, using: &rng) }
        var whole = ExactSum()
        terms.forEach { whole.add($0) }
        // Four "tiles" of a shuffled order, merged in reverse.
        let shuffled = terms.shuffled()
        var parts = (0..<4).map { _ in ExactSum() }
        for (i, t) in shuffled.enumerated() { parts[i % 4].add(t) }
        var merged = ExactSum()
        parts.reversed().forEach { merged.merge($0) }
        XCTAssertEqual(merged, whole)
        XCTAssertEqual(merged.value.bitPattern, whole.value.bitPattern)
        // Each term is rounded by at most 2^-21; a Double sum errs by about n eps sum|t|.
        let naive = terms.reduce(0, +), magnitude = terms.reduce(0) { $0 + abs($1) }
        XCTAssertEqual(whole.value, naive, accuracy: Double(terms.count) * 0x1p-21 + magnitude * 1e-12)
    }

    func testHandWorkedTermsAndRounding() {
        var s = ExactSum()
        for _ in 0..<10 { s.add(0.1) }
        // 0.1 rounds to 104858 / 2^20 (0.1 x 2^20 = 104857.6); ten of them are 1048580 / 2^20.
        XCTAssertEqual(s.units, 1_048_580)
        XCTAssertEqual(s.value, 1_048_580.0 / 1_048_576.0)
        s.add(-1_048_580.0 / 1_048_576.0)
        XCTAssertEqual(s.units, 0)
    }

    func testCodableRoundTripAndOverflow() throws {
        var s = ExactSum()
        for _ in 0..<4 { s.add(0x1p70) }   // 2^72 x 2^20 units: beyond Int64, within Int128
        let data = try JSONEncoder().encode(s)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"units\":\"") , "128-bit units as decimal text")
        XCTAssertEqual(try JSONDecoder().decode(ExactSum.self, from: data), s)
        XCTAssertEqual(s.value, 0x1p72)
        var o = s
        o.add(1e40)
        XCTAssertTrue(o.overflowed)
        XCTAssertTrue(o.value.isNaN, "an overflowed sum reads NaN")
        var n = ExactSum()
        n.add(.nan)
        XCTAssertTrue(n.value.isNaN)
        XCTAssertThrowsError(try JSONDecoder().decode(ExactSum.self, from: Data(#"{"units":"1.5"}"#.utf8)))
    }
}
