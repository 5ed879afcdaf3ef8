import KubuqiIndicators
import XCTest

/// 16-bit rows added as stored (``SeriesAccumulators/add(stored:stride:scalings:days:pixels:)``, `stack`'s
/// accumulating reducers on Int16/UInt16 collections) give the same state, bit for bit, as their values
/// converted by the rule `stored * scale + offset` (NaN for nodata, at or above the valid maximum, and for
/// non-finite results; worked here one value at a time, independently of ``SixteenBitScaling``) and added
/// as Float rows; and the conversion's short path (``SixteenBitScaling/alwaysFinite``) gives those bits too.
final class SixteenBitAccumulationTests: XCTestCase {
    /// The rule, one value at a time.
    static func physical(_ v: Float, _ s: SixteenBitScaling) -> Float {
        if let nd = s.nodata, v == nd { return .nan }
        if let top = s.validMaximum, v >= top { return .nan }
        let r = v * s.scale + s.offset
        return r.isFinite ? r : .nan
    }

    /// Signed and unsigned, scaled and not, with and without a valid maximum, with a scale whose results overflow.
    static let scalings: [SixteenBitScaling] = [
        SixteenBitScaling(unsigned: false, scale: 0.0001, offset: 0, nodata: -32768, validMaximum: nil),
        SixteenBitScaling(unsigned: false, scale: 1, offset: 0, nodata: nil, validMaximum: nil),
        SixteenBitScaling(unsigned: true, scale: 0.0000275, offset: -0.2, nodata: 0, validMaximum: 65000),
        SixteenBitScaling(unsigned: true, scale: 2e34, offset: 0, nodata: 65535, validMaximum: nil),
        SixteenBitScaling(unsigned: false, scale: -0.5, offset: 3, nodata: -1, validMaximum: 30000),
    ]

    func testShortPathOnlyWhenNoValueCanOverflowOrBeCapped() {
        XCTAssertEqual(Self.scalings.map(\.alwaysFinite), [true, true, false, false, false])
        XCTAssertFalse(SixteenBitScaling(unsigned: false, scale: .nan, offset: 0, nodata: nil, validMaximum: nil).alwaysFinite)
        XCTAssertFalse(SixteenBitScaling(unsigned: false, scale: 1, offset: .infinity, nodata: nil, validMaximum: nil).alwaysFinite)
    }

    func testConversionFollowsTheRuleOnEveryValue() {
        // Every Int16 and UInt16 value once, 65,536 of them (a multiple of the 8 lanes) plus 5 (the scalar tail).
        let n = 65_541
        var stored = [UInt16](repeating: 0, count: n)
        for i in 0..<n { stored[i] = UInt16(truncatingIfNeeded: i &* 40_503) }
        for s in Self.scalings + [SixteenBitScaling(unsigned: false, scale: 0.0001, offset: 0.5, nodata: 7, validMaximum: nil)] {
            var out = [Float](repeating: 9, count: n)
            stored.withUnsafeBytes { raw in out.withUnsafeMutableBytes { s.convert(raw.baseAddress!, into: $0.baseAddress!, count: n) } }
            var wrong = 0
            for i in 0..<n {
                let v = s.unsigned ? Float(stored[i]) : Float(Int16(bitPattern: stored[i]))
                let want = Self.physical(v, s)
                let scalar = stored.withUnsafeBytes { s.value($0.baseAddress!, at: i) }
                if !(want.isNaN && out[i].isNaN) && want.bitPattern != out[i].bitPattern { wrong += 1 }
                if !(want.isNaN && scalar.isNaN) && want.bitPattern != scalar.bitPattern { wrong += 1 }
            }
            XCTAssertEqual(wrong, 0, "\(s)")
        }
    }

    func testStoredRowsGiveTheStateOfTheirConvertedRows() {
        let k = 37, stride = 1100, pixels = 30..<1100
        let days = (0..<k).map { Int32(5 + $0 * 8) }
        var rng = SystemRandomNumberGenerator()
        // Row i converted by scalings[i % 5]; a pixel's value is nodata one time in four, some pixels never valid.
        let rowScalings = (0..<k).map { Self.scalings[$0 % Self.scalings.count] }
        var stored = [UInt16](repeating: 0, count: k * stride)
        for i in 0..<k {
            let s = rowScalings[i]
            for p in 0..<stride {
                let gap = p % 11 == 3 || UInt8.random(in: 0..<4, using: &rng) == 0
                if gap, let nd = s.nodata {
                    stored[i * stride + p] = s.unsigned ? UInt16(nd) : UInt16(bitPattern: Int16(nd))
                } else {
                    stored[i * stride + p] = UInt16.random(in: 0...UInt16.max, using: &rng)
                }
            }
        }
        let converted = (0..<(k * stride)).map { j -> Float in
            let s = rowScalings[j / stride]
            return Self.physical(s.unsigned ? Float(stored[j]) : Float(Int16(bitPattern: stored[j])), s)
        }
        let rule = CompletenessRule(minimumObservations: 1, minimumCoverage: 0.3, stepDays: 8)
        for reducer in [SeriesReducer.mean, .sum, .count, .max, .min] {
            for sizes in [[37], [32, 5], [1, 12, 24]] {
                let fromStored = SeriesAccumulators(reducer, pixels: pixels), fromFloat = SeriesAccumulators(reducer, pixels: pixels)
                fromStored.reset(pixels)
                fromFloat.reset(pixels)
                var at = 0
                for size in sizes {
                    let part = Array(stored[(at * stride)..<((at + size) * stride)])
                    part.withUnsafeBytes {
                        fromStored.add(stored: $0.baseAddress!, stride: stride, scalings: Array(rowScalings[at..<(at + size)]),
                                       days: Array(days[at..<(at + size)]), pixels: pixels)
                    }
                    Array(converted[(at * stride)..<((at + size) * stride)]).withUnsafeBufferPointer {
                        fromFloat.add(values: $0, stride: stride, days: Array(days[at..<(at + size)]), pixels: pixels)
                    }
                    at += size
                }
                let a = finish(fromStored, rule, stride, pixels), b = finish(fromFloat, rule, stride, pixels)
                XCTAssertEqual(a.met, b.met, "\(reducer) \(sizes)")
                XCTAssertGreaterThan(a.met, 0, "\(reducer) \(sizes)")
                XCTAssertEqual(a.counts, b.counts, "\(reducer) \(sizes)")
                XCTAssertEqual(zip(a.values, b.values).filter { !($0.isNaN && $1.isNaN) && $0.bitPattern != $1.bitPattern }.count, 0, "\(reducer) \(sizes)")
            }
        }
    }

    private func finish(_ s: SeriesAccumulators, _ rule: CompletenessRule, _ n: Int, _ pixels: Range<Int>) -> (values: [Float], counts: [Float], met: Int) {
        var out = [Float](repeating: 7, count: n), counts = out
        let met = out.withUnsafeMutableBufferPointer { o in
            counts.withUnsafeMutableBufferPointer { s.finish(rule: rule, periodDays: 365, pixels: pixels, output: o, counts: $0) }
        }
        return (out, counts, met)
    }
}
