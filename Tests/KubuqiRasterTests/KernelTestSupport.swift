import KubuqiRaster
import XCTest

// Shared by the index, FVC and DDI kernel tests: random band values, the
// nodata rule written out one pixel at a time, and a runner that checks a
// kernel writes exactly its output range.

/// The nodata rule of every kernel, spelled out for one pixel: nodata when an
/// input equals its band's nodata value or is not finite, or when the formula
/// gives a non-finite value.
func referencePixel(_ values: [Float], nodata: [Float?], _ formula: () -> Float) -> Float {
    for (v, nd) in zip(values, nodata) {
        if let nd, v == nd { return .nan }
        if !v.isFinite { return .nan }
    }
    let r = formula()
    return r.isFinite ? r : .nan
}

/// Runs `kernel` over `bands` (one array per input, all the output's length)
/// and returns its output. The output lies between guard values that the
/// kernel must not touch, so a SIMD tail that writes too far fails the test.
func runKernel(_ bands: [[Float]], nodata: [Float?], file: StaticString = #filePath, line: UInt = #line,
               _ kernel: (_ inputs: [UnsafeBufferPointer<Float>], _ nodata: [Float?],
                          _ out: UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    let n = bands.first?.count ?? 0
    let inputs = bands.map { band -> UnsafeMutableBufferPointer<Float> in
        let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(band.count, 1))
        _ = p.initialize(from: band)
        return p
    }
    defer { inputs.forEach { $0.deallocate() } }
    let guardCount = 9
    var storage = [Float](repeating: 42, count: n + 2 * guardCount)
    storage.withUnsafeMutableBufferPointer { all in
        let out = UnsafeMutableBufferPointer(rebasing: all[guardCount..<(guardCount + n)])
        kernel(inputs.map { UnsafeBufferPointer(rebasing: $0[0..<n]) }, nodata, out)
    }
    for i in 0..<guardCount {
        XCTAssertEqual(storage[i], 42, "wrote before the output", file: file, line: line)
        XCTAssertEqual(storage[n + guardCount + i], 42, "wrote past the output", file: file, line: line)
    }
    return Array(storage[guardCount..<(guardCount + n)])
}

/// Asserts two outputs agree: NaN exactly where the other is NaN, values
/// within `tolerance` relative to `max(1, |expected|)`.
func assertSamePixels(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ label: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
    var failures = 0
    for i in 0..<min(actual.count, expected.count) {
        let a = actual[i], e = expected[i]
        let ok = (a.isNaN || e.isNaN) ? (a.isNaN && e.isNaN) : abs(a - e) <= tolerance * max(1, abs(e))
        if !ok {
            failures += 1
            if failures <= 5 { XCTFail("\(label) pixel \(i): \(a) vs expected \(e)", file: file, line: line) }
        }
    }
    if failures > 5 { XCTFail("\(label): \(failures) pixels differ in all", file: file, line: line) }
}

/// Random band values: mostly reflectance-like multiples of 1/64 between
/// -0.5 and 1.5 (exact in `Float`, so sums cancel to exactly zero and zero
/// denominators occur), some digital-number-like integers, and special
/// values (zeros, NaN, infinities, nodata candidates, the largest float).
struct BandSampler {
    var rng: SplitMix64

    static let specials: [Float] = [0, -0, .nan, .infinity, -.infinity, -9999, 16000, 1, -1,
                                    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func value() -> Float {
        switch rng.next() % 16 {
        case 0: return Self.specials[Int(rng.next() % UInt64(Self.specials.count))]
        case 1: return Float(rng.next() % 20000) - 2000
        default: return Float(Int(rng.next() % 129) - 32) / 64
        }
    }

    /// A uniform draw from `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
}

/// Lengths that exercise empty input, SIMD tails of every size and several blocks.
let testLengths = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 63, 257, 1001]
