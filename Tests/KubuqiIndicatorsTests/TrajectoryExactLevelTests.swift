import KubuqiIndicators
import XCTest

/// Mann-Kendall Z exactly on a significance level (audit, session 13): |Z| >= level is significant at that level.
/// Z = (S - 1)/sqrt(Var S) equals 2.576 = 322/125 when S = 323 and Var(S) = 15625 (n = 52, ties 15, 4, 4, 4:
/// [52·51·109 - (15·14·35 + 3·4·3·13)]/18 = 15625), and 1.645 = 329/200 when S = 330 and Var(S) = 40000 (n = 71,
/// ties 16, 9, 2, 2, 2). Both series were built by hand-checked search (Python, exact integers); the division is
/// exact, so Z is the level's own Double. (Z = 1.96 = 49/25 cannot occur: it needs S - 1 = 49k and 18 Var(S) =
/// 11250 k², and 18 Var(S)/2 has the parity of S's untied pairs, hence of S, which k + 1 contradicts.)
final class TrajectoryExactLevelTests: XCTestCase {
    static let z2576: [Double] = [1000, 1000, 1051, 1042, 1066, 1036, 1009, 1039, 1000, 1033, 1000, 1063, 1000, 1027, 1000, 1000, 1003, 1003, 1003, 1000, 1000, 1006, 1006, 1006, 1009, 1054, 1009, 1006, 1015, 1018, 1021, 1024, 1000, 1030, 1012, 1000, 1000, 1000, 1045, 1048, 1000, 1009, 1057, 1000, 1060, 1003, 1069, 1072, 1075, 1078, 1081, 1084]
    static let z1645: [Double] = [1003, 1066, 1099, 1042, 1000, 1081, 1000, 1039, 1102, 1000, 1108, 1000, 1000, 1000, 1054, 1000, 1117, 1087, 1000, 1015, 1003, 1111, 1003, 1003, 1003, 1006, 1012, 1009, 1009, 1000, 1012, 1072, 1018, 1021, 1024, 1132, 1003, 1033, 1123, 1000, 1063, 1045, 1048, 1051, 1060, 1057, 1036, 1000, 1006, 1003, 1075, 1105, 1078, 1126, 1084, 1003, 1090, 1030, 1096, 1000, 1000, 1000, 1003, 1000, 1114, 1093, 1120, 1069, 1000, 1129, 1027]

    func testZExactlyOnALevelIsSignificantAtThatLevel() {
        let a = MannKendall.test(Self.z2576)
        XCTAssertEqual(a.s, 323)
        XCTAssertEqual(a.variance, 15625)
        XCTAssertEqual(MannKendall.z(s: a.s, variance: a.variance), 2.576)
        let b = MannKendall.test(Self.z1645)
        XCTAssertEqual(b.s, 330)
        XCTAssertEqual(b.variance, 40000)
        XCTAssertEqual(MannKendall.z(s: b.s, variance: b.variance), 1.645)
        let classes = TrajectoryClass()
        XCTAssertEqual(classes.classify(slope: 0.5, z: Float(MannKendall.z(s: 323, variance: 15625))), 3)
        XCTAssertEqual(classes.classify(slope: -0.5, z: Float(MannKendall.z(s: -323, variance: 15625))), -3)
        XCTAssertEqual(classes.classify(slope: 0.5, z: Float(MannKendall.z(s: 321, variance: 15625))), 2, "Z = 2.56")
        XCTAssertEqual(classes.classify(slope: 0.5, z: Float(MannKendall.z(s: 330, variance: 40000))), 1)
        XCTAssertEqual(classes.classify(slope: -0.5, z: Float(MannKendall.z(s: -330, variance: 40000))), -1)
        XCTAssertEqual(classes.classify(slope: 0.5, z: Float(MannKendall.z(s: 328, variance: 40000))), 0, "Z = 1.635")
    }
}
