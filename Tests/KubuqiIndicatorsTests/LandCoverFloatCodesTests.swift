import Foundation
@testable import KubuqiIndicators
import XCTest

/// ``LandCoverLegend/reclassify(_:nodata:into:unknown:)`` from Float codes against a plain reading of its
/// contract worked in Double (integral by `rounded()`, the Int32 range by comparison, the legend by its mapping):
/// edges (±0, halves, the largest Floats below 2^31 and 2^15, -2^31, 2^31, subnormals, NaN, infinities, the
/// nodata value, codes beyond Int16 that the mapping holds) and random codes, classes and unknown counts alike.
final class LandCoverFloatCodesTests: XCTestCase {
    func reference(_ legend: LandCoverLegend, _ codes: [Float], nodata: Float?) -> ([Int16], [Int32: Int]) {
        var counts: [Int32: Int] = [:]
        let out = codes.map { f -> Int16 in
            let v = Double(f)
            if v.isNaN || v.isInfinite || nodata.map({ Double($0) == v }) == true { return DegradationStatus.nodata }
            guard v == v.rounded(), v >= -2_147_483_648, v <= 2_147_483_647 else { return DegradationStatus.nodata }
            guard let c = legend.mapping[Int32(v)] else { counts[Int32(v), default: 0] += 1; return DegradationStatus.nodata }
            return c
        }
        return (out, counts)
    }

    func check(_ legend: LandCoverLegend, _ codes: [Float], nodata: Float?, file: StaticString = #filePath, line: UInt = #line) {
        var unknown = UnknownCodeCounter()
        let out = UnsafeMutableBufferPointer<Int16>.allocate(capacity: codes.count)
        defer { out.deallocate() }
        codes.withUnsafeBufferPointer { legend.reclassify($0, nodata: nodata, into: out, unknown: &unknown) }
        let (want, counts) = reference(legend, codes, nodata: nodata)
        XCTAssertEqual(Array(out), want, file: file, line: line)
        XCTAssertEqual(unknown.counts, counts, file: file, line: line)
    }

    func testEdges() {
        let legend = LandCoverLegend.esaCCI.overriding([70000: 2, -40000: 5, -2_147_483_648: 6, 2_147_483_520: 3, -3: 1])
        let edges: [Float] = [0, -0.0, 10, 10.5, -10.5, 0.5, -0.5, 9.999999, 32767, 32768, -32768, -32769, 70000, -40000,
                              2_147_483_520, 2_147_483_648, -2_147_483_648, -2_147_483_904, 16_777_217, 8_388_607.5,
                              .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                              -.greatestFiniteMagnitude, .nan, -.nan, .infinity, -.infinity, 230, 999, -3, 12.25, 210]
        check(legend, edges, nodata: nil)
        check(legend, edges, nodata: 210)
        check(legend, edges, nodata: .nan)
        check(legend, edges, nodata: -0.0)
    }

    func testRandomCodes() {
        var rng = SystemRandomNumberGenerator()
        let legend = LandCoverLegend.esaCCI.overriding([70000: 2, -7: 4])
        for round in 0..<20 {
            let codes: [Float] = (0..<5000).map { _ in
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: return Float(Int.random(in: -300...300, using: &rng))
                case 1: return Float(Int.random(in: -100_000...100_000, using: &rng)) + [0, 0.5, 0.25].randomElement(using: &rng)!
                case 2: return Float(bitPattern: UInt32.random(in: .min ... .max, using: &rng))
                case 3: return [10, 20, 30, 190, 200, 210, 220].randomElement(using: &rng)!
                default: return Float(Int32.random(in: .min ... .max, using: &rng))
                }
            }
            check(legend, codes, nodata: round % 2 == 0 ? nil : 10)
        }
    }
}
