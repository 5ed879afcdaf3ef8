import KubuqiRaster
import XCTest

/// `CodeCounts`: dense codes, the nodata code beside the arrays and the other codes in the side table, hand-counted,
/// and handed out by `forEach` in ascending code order.
final class CodeCountsTests: XCTestCase {
    func testNodataDenseAndOtherCodesByHand() {
        // code: pixels, units — -32768: 3, 1 + 2 + 4 = 7; -5000: 1, 8; -1: 2, 16 + 32 = 48; 5: 1, 64; 3000: 2, 128 + 256 = 384.
        let codes = [-32_768, -1, 5, -32_768, 3000, -5000, -1, -32_768, 3000]
        let units: [Int64] = [1, 16, 64, 2, 128, 8, 32, 4, 256]
        var counts = CodeCounts()
        counts.add(count: codes.count, areaUnits: { units[$0] }, code: { codes[$0] })
        var seen: [[Int64]] = []
        counts.forEach { code, pixels, units in seen.append([Int64(code), Int64(pixels), units]) }
        XCTAssertEqual(seen, [[-32_768, 3, 7], [-5000, 1, 8], [-1, 2, 48], [5, 1, 64], [3000, 2, 384]])
        // Added again in two parts: the sums go on.
        counts.add(count: 1, areaUnits: { _ in 1_000 }, code: { _ in -32_768 })
        var nodata: (Int, Int64)?
        counts.forEach { code, pixels, units in if code == -32_768 { nodata = (pixels, units) } }
        XCTAssertEqual(nodata?.0, 4)
        XCTAssertEqual(nodata?.1, 1_007)
    }
}
