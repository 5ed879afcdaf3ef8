import Foundation
import KubuqiIndicators
import KubuqiRaster
import TestSupport
import XCTest

/// The stratified estimator against the worked example of Olofsson et al. (2014), section 5
/// (tables 8 and 9 and the text), and against an independent numpy implementation on random
/// error matrices.
final class StratifiedEstimateTests: XCTestCase {
    /// Olofsson et al. 2014, table 8: classes deforestation, forest gain, stable forest, stable
    /// non-forest; rows map, columns reference; mapped areas in 30 m pixels.
    static let classes = [1, 2, 3, 4]
    static let pixels: [Double] = [200_000, 150_000, 3_200_000, 6_450_000]
    static let counts = [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]]

    func testOlofsson2014WorkedExample() throws {
        let e = try StratifiedEstimate(classes: Self.classes, mappedArea: Self.pixels.map { $0 * 0.09 }, counts: Self.counts)
        // Table 9 (estimated area proportions), to the four decimals printed.
        let table9: [[Double]] = [[0.0176, 0, 0.0013, 0.0011], [0, 0.0110, 0.0016, 0.0024],
                                  [0.0019, 0, 0.2967, 0.0213], [0.0040, 0.0020, 0.0179, 0.6212]]
        for i in 0..<4 { for j in 0..<4 { XCTAssertEqual(e.proportions[i][j], table9[i][j], accuracy: 0.00005, "p[\(i)][\(j)]") } }
        // Section 5.2.1: user's accuracies +- 95 % half-widths.
        let ua: [(Double, Double)] = [(0.88, 0.07), (0.73, 0.10), (0.93, 0.04), (0.96, 0.02)]
        for (i, (v, h)) in ua.enumerated() {
            XCTAssertEqual(e.usersAccuracy[i]!.value, v, accuracy: 0.005)
            XCTAssertEqual(e.usersAccuracy[i]!.halfWidth95!, h, accuracy: 0.005)
        }
        // Producer's accuracies (0.75 +- 0.21, 0.85, 0.93 +- 0.03, 0.96); the published
        // half-widths of classes 2 and 4 (0.23, 0.01) do not follow from the table at the
        // printed precision (noted by other implementations too), so they are not checked.
        let pa: [(Double, Double?)] = [(0.75, 0.21), (0.85, nil), (0.93, 0.03), (0.96, nil)]
        for (j, (v, h)) in pa.enumerated() {
            XCTAssertEqual(e.producersAccuracy[j]!.value, v, accuracy: 0.005)
            if let h { XCTAssertEqual(e.producersAccuracy[j]!.halfWidth95!, h, accuracy: 0.005) }
        }
        // Overall accuracy 0.95 +- 0.02.
        XCTAssertEqual(e.overallAccuracy.value, 0.95, accuracy: 0.005)
        XCTAssertEqual(e.overallAccuracy.halfWidth95!, 0.02, accuracy: 0.005)
        // Areas in ha with their 95 % half-widths: 21,158 +- 6,158; 11,686 +- 3,756;
        // 285,770 +- 15,510; 581,386 +- 16,282.
        let areas: [(Double, Double)] = [(21_158, 6_158), (11_686, 3_756), (285_770, 15_510), (581_386, 16_282)]
        for (j, (v, h)) in areas.enumerated() {
            XCTAssertEqual(e.area[j].value, v, accuracy: 1, "area of class \(j + 1)")
            XCTAssertEqual(e.area[j].halfWidth95!, h, accuracy: 1, "half-width of class \(j + 1)")
        }
        // In pixels: deforestation 235,086 +- 68,418.
        let inPixels = try StratifiedEstimate(classes: Self.classes, mappedArea: Self.pixels, counts: Self.counts)
        XCTAssertEqual(inPixels.area[0].value, 235_086, accuracy: 1)
        XCTAssertEqual(inPixels.area[0].halfWidth95!, 68_418, accuracy: 1)
    }

    func testStrataWithoutPointsOrWithOne() throws {
        XCTAssertThrowsError(try StratifiedEstimate(classes: [1, 2], mappedArea: [10, 5], counts: [[3, 1], [0, 0]])) { error in
            XCTAssertEqual(error as? StratifiedEstimate.Failure, .emptyStratum(code: 2))
        }
        // A stratum without area and without points is fine; one with a single point has no SE.
        let e = try StratifiedEstimate(classes: [1, 2, 3], mappedArea: [10, 5, 0], counts: [[3, 1, 0], [0, 1, 0], [0, 0, 0]])
        XCTAssertNil(e.usersAccuracy[1]!.standardError)
        XCTAssertNil(e.overallAccuracy.standardError)
        XCTAssertEqual(e.usersAccuracy[0]!.value, 0.75)
        XCTAssertNil(e.usersAccuracy[2])
        XCTAssertNil(e.producersAccuracy[2])
        XCTAssertThrowsError(try StratifiedEstimate(classes: [1], mappedArea: [0], counts: [[1]]))
        XCTAssertThrowsError(try StratifiedEstimate(classes: [1, 2], mappedArea: [1, .nan], counts: [[1, 0], [0, 1]]))
    }

    /// Random error matrices against the same formulas written independently in numpy.
    func testAgainstNumpy() throws {
        guard let python = PythonReference.interpreter(needing: "numpy") else { return }
        var rng = SplitMix64(seed: 2014)
        var cases: [[String: Any]] = []
        var estimates: [StratifiedEstimate] = []
        for _ in 0..<60 {
            let k = 2 + Int(rng.next() % 5)
            let areas = (0..<k).map { _ in Double(1 + rng.next() % 100_000) }
            let counts = (0..<k).map { i in (0..<k).map { j in Int(rng.next() % (i == j ? 80 : 12)) + (i == j ? 2 : 0) } }
            cases.append(["areas": areas, "counts": counts])
            estimates.append(try StratifiedEstimate(classes: Array(1...k), mappedArea: areas, counts: counts))
        }
        let results = try XCTUnwrap(try PythonReference.run(python, script: Self.numpyScript, input: cases) as? [[String: Any]])
        for (c, (e, r)) in zip(estimates, results).enumerated() {
            let close = { (a: Double, b: Double, what: String) in XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "case \(c): \(what)") }
            close(e.overallAccuracy.value, r["oa"] as! Double, "OA")
            close(e.overallAccuracy.standardError!, r["oa_se"] as! Double, "OA SE")
            for j in e.classes.indices {
                close(e.usersAccuracy[j]!.value, (r["ua"] as! [Double])[j], "UA")
                close(e.usersAccuracy[j]!.standardError!, (r["ua_se"] as! [Double])[j], "UA SE")
                close(e.producersAccuracy[j]!.value, (r["pa"] as! [Double])[j], "PA")
                close(e.producersAccuracy[j]!.standardError!, (r["pa_se"] as! [Double])[j], "PA SE")
                close(e.area[j].value, (r["area"] as! [Double])[j], "area")
                close(e.area[j].standardError!, (r["area_se"] as! [Double])[j], "area SE")
            }
        }
    }

    /// Olofsson et al. 2013, eq. 2-10 (and 2014, eq. 4-10), in numpy: N_i. in area units.
    static let numpyScript = #"""
import json, sys
import numpy as np
out = []
for case in json.load(open(sys.argv[1])):
    A = np.array(case["areas"], float)
    n = np.array(case["counts"], float)
    ni = n.sum(axis=1)
    W = A / A.sum()
    p = W[:, None] * n / ni[:, None]
    U = np.diag(n) / ni
    oa = np.trace(p)
    oa_se = np.sqrt(np.sum(W**2 * U * (1 - U) / (ni - 1)))
    ua_se = np.sqrt(U * (1 - U) / (ni - 1))
    pj = p.sum(axis=0)
    share = n / ni[:, None]
    pj_se = np.sqrt(np.sum((W**2)[:, None] * share * (1 - share) / (ni - 1)[:, None], axis=0))
    Nj_hat = (A[:, None] * n / ni[:, None]).sum(axis=0)
    P = np.diag(p) / pj
    pa_se = []
    for j in range(len(A)):
        t1 = A[j]**2 * (1 - P[j])**2 * U[j] * (1 - U[j]) / (ni[j] - 1)
        t2 = P[j]**2 * sum(A[i]**2 * share[i, j] * (1 - share[i, j]) / (ni[i] - 1) for i in range(len(A)) if i != j)
        pa_se.append(float(np.sqrt((t1 + t2) / Nj_hat[j]**2)))
    out.append({"oa": float(oa), "oa_se": float(oa_se), "ua": U.tolist(), "ua_se": ua_se.tolist(),
                "pa": P.tolist(), "pa_se": pa_se, "area": (pj * A.sum()).tolist(), "area_se": (pj_se * A.sum()).tolist()})
json.dump(out, open(sys.argv[2], "w"))
"""#
}
