import KubuqiFixtures
import XCTest

final class FixtureRandomTests: XCTestCase {
    func testSplitMix64ReferenceSequence() {
        // First outputs of SplitMix64 seeded with 1234567 (reference values of Vigna's splitmix64.c).
        var r = FixtureRandom(seed: 1234567)
        XCTAssertEqual(r.next(), 6457827717110365317)
        XCTAssertEqual(r.next(), 3203168211198807973)
    }
}
