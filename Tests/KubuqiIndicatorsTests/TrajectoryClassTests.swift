import KubuqiIndicators
import XCTest

final class TrajectoryClassTests: XCTestCase {
    let c = TrajectoryClass.standard

    func testSignificanceLevels() {
        // |Z| thresholds 1.645 (90 %), 1.96 (95 %), 2.576 (99 %), inclusive.
        XCTAssertEqual(c.classify(slope: 0.01, z: 1.0), 0)
        XCTAssertEqual(c.classify(slope: 0.01, z: 1.645), 1)
        XCTAssertEqual(c.classify(slope: 0.01, z: 1.9), 1)
        XCTAssertEqual(c.classify(slope: 0.01, z: 1.96), 2)
        XCTAssertEqual(c.classify(slope: 0.01, z: 2.5), 2)
        XCTAssertEqual(c.classify(slope: 0.01, z: 2.576), 3)
        XCTAssertEqual(c.classify(slope: 0.01, z: 9), 3)
        XCTAssertEqual(c.classify(slope: -0.01, z: -1.7), -1)
        XCTAssertEqual(c.classify(slope: -0.01, z: -2.0), -2)
        XCTAssertEqual(c.classify(slope: -0.01, z: -3.0), -3)
    }

    func testDirectionMustAgreeWithTheSlope() {
        XCTAssertEqual(c.classify(slope: 0, z: 2.2), 0)
        XCTAssertEqual(c.classify(slope: -0.01, z: 2.2), 0)
        let strict = TrajectoryClass(minimumAbsoluteSlope: 0.001)
        XCTAssertEqual(strict.classify(slope: 0.0009, z: 3), 0)
        XCTAssertEqual(strict.classify(slope: 0.0011, z: 3), 3)
    }

    func testNodata() {
        XCTAssertEqual(c.classify(slope: .nan, z: 1), DegradationStatus.nodata)
        XCTAssertEqual(c.classify(slope: 1, z: .nan), DegradationStatus.nodata)
        XCTAssertEqual(c.classify(slope: .infinity, z: 3), DegradationStatus.nodata)
    }

    func testStatusCountsNinetyFivePercent() {
        // Trends.Earth recode_traj: -3,-2 -> -1; -1,0,1 -> 0; 2,3 -> 1.
        let expected: [Int16: Int16] = [-3: -1, -2: -1, -1: 0, 0: 0, 1: 0, 2: 1, 3: 1]
        for (k, v) in expected { XCTAssertEqual(TrajectoryClass.status(ofClass: k), v, "class \(k)") }
        XCTAssertEqual(TrajectoryClass.status(ofClass: DegradationStatus.nodata), DegradationStatus.nodata)
        XCTAssertEqual(TrajectoryClass.status(ofClass: -1, minimumLevel: 1), -1)
        XCTAssertEqual(TrajectoryClass.status(ofClass: 2, minimumLevel: 3), 0)
    }

    func testBuffers() {
        let slope: [Float] = [0.1, -0.1, .nan, 0.1]
        let z: [Float] = [2.0, -3.0, 1.0, 0.5]
        let out = withOutputs(2, pixels: 4, fill: Int16(0)) { b in
            slope.withUnsafeBufferPointer { s in
                z.withUnsafeBufferPointer { zz in c.classify(slope: s, z: zz, into: b[0]) }
            }
            TrajectoryClass.status(ofClasses: UnsafeBufferPointer(b[0]), into: b[1])
        }
        XCTAssertEqual(out[0], [2, -3, DegradationStatus.nodata, 0])
        XCTAssertEqual(out[1], [1, -1, DegradationStatus.nodata, 0])
    }
}
