import Foundation
import KubuqiIndicators
import XCTest

/// The Whittaker smoother against SciPy's sparse solver
/// (`scipy.sparse.linalg.spsolve` on W + lambda D'D), and on cases whose
/// answer is known without solving.
final class WhittakerSmootherTests: XCTestCase {
    private func smooth(_ y: [Double], _ w: [Double], _ lambda: Double) -> [Double]? {
        var z = [Double](repeating: .nan, count: y.count)
        let ok = y.withUnsafeBufferPointer { yb in w.withUnsafeBufferPointer { wb in z.withUnsafeMutableBufferPointer {
            WhittakerSmoother(lambda: lambda).smooth(yb, weights: wb, into: $0) } } }
        return ok ? z : nil
    }

    /// A straight line has no second differences: it is its own smoothing,
    /// and a gap in it is filled on the line, whatever lambda.
    func testLinesAreKeptAndGapsFilledOnThem() throws {
        let y = (0..<12).map { 0.2 + 0.05 * Double($0) }
        var w = [Double](repeating: 1, count: 12)
        w[4] = 0; w[5] = 0; w[11] = 0
        let holed = y.enumerated().map { w[$0.offset] == 0 ? Double.nan : $0.element }
        for lambda in [0.1, 10, 1e5] {
            let z = try XCTUnwrap(smooth(holed, w, lambda))
            for (a, b) in zip(z, y) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, lambda)) }
        }
        XCTAssertNil(smooth([1, 2, 3], [1, 0, 0], 10), "one weighted value cannot fix a line")
        XCTAssertNil(smooth([1, 2], [1, 1], 10))
    }

    func testAgainstScipySparseSolve() throws {
        guard let python = ScipyReferenceTests.pythonWithScipy() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("python3 with SciPy is missing (CI=true)") }
            throw XCTSkip("python3 with SciPy is not available")
        }
        var seed: UInt64 = 2003
        func next() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        var cases: [[String: Any]] = []
        for (n, lambda) in [(5, 1.0), (23, 10.0), (46, 100.0), (92, 2.0), (23, 1e4)] {
            let y = (0..<n).map { 0.4 + 0.3 * sin(Double($0) / 3) + 0.1 * next() }
            let w = (0..<n).map { i in (i == 1 || next() < 0.2) ? 0.0 : 1.0 }
            cases.append(["y": y, "w": w, "lambda": lambda])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("whittaker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
        import json, sys
        import numpy as np
        from scipy import sparse
        from scipy.sparse.linalg import spsolve
        out = []
        for c in json.load(open(sys.argv[1])):
            y, w, lam = np.array(c["y"]), np.array(c["w"]), c["lambda"]
            n = len(y)
            D = sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
            A = sparse.diags(w) + lam * (D.T @ D)
            out.append(spsolve(A.tocsc(), w * y).tolist())
        json.dump(out, open(sys.argv[2], "w"))
        """
        let s = folder.appendingPathComponent("w.py"), i = folder.appendingPathComponent("in.json"), o = folder.appendingPathComponent("out.json")
        try script.write(to: s, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: cases).write(to: i)
        XCTAssertEqual(ScipyReferenceTests.run(python, [s.path, i.path, o.path]), 0)
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: o)) as? [[Double]])
        for (c, want) in zip(cases, expected) {
            let y = (c["y"] as! [Double]).enumerated().map { (c["w"] as! [Double])[$0.offset] == 0 ? Double.nan : $0.element }
            let z = try XCTUnwrap(smooth(y, c["w"] as! [Double], c["lambda"] as! Double))
            XCTAssertEqual(z.count, want.count)
            for (a, b) in zip(z, want) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        }
    }
}
