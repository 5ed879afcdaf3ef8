import Foundation
import KubuqiIndicators
import TestSupport
import XCTest

/// The climate-normalized series (`ClimateNormalization`) against numpy/SciPy on random
/// series with missing years: the fit by `scipy.stats.linregress` over the fit window,
/// y* = y - b (x - mean x) where it is significant with b > 0 (else y), and
/// y* = mean(x) y / x for RUE, on every layer (inside and outside the fit window).
final class ClimateNormalizationTests: XCTestCase {
    static let script = #"""
import json, sys
import numpy as np
from scipy import stats

data = json.load(open(sys.argv[1]))
lo, hi = data["fit"]
out = []
for item in data["series"]:
    y = np.array([np.nan if v is None else v for v in item["productivity"]], dtype=float)
    x = np.array(item["precipitation"], dtype=float)
    keep = ~np.isnan(y[lo:hi]) & ~np.isnan(x[lo:hi])
    fx, fy = x[lo:hi][keep], y[lo:hi][keep]
    fit = stats.linregress(fx, fy)
    mean = fx.mean()
    restrend = y - fit.slope * (x - mean) if (fit.pvalue < data["level"] and fit.slope > 0) else y
    rue = np.where(x > 0, mean * y / np.where(x > 0, x, 1), np.nan)
    out.append({"restrend": [None if np.isnan(v) else v for v in restrend], "rue": [None if np.isnan(v) else v for v in rue]})
json.dump(out, open(sys.argv[2], "w"))
"""#

    func testAgainstNumpy() throws {
        guard let python = PythonReference.interpreter(needing: "numpy, scipy") else { return }
        var rng = SystemRandomNumberGenerator()
        let layers = 20, pixels = 45, fit = 4..<20
        var productivity = [Float](repeating: .nan, count: layers * pixels)
        var precipitation = [Float](repeating: .nan, count: layers * pixels)
        var items: [[String: Any]] = []
        for p in 0..<pixels {
            // A third strongly rain-driven, a third weakly, a third not at all; some years missing; a dry year with no rain.
            let coupling = [0.002, 0.0004, 0.0][p % 3], trend = Double.random(in: -0.01...0.01, using: &rng)
            var ys: [Any] = [], xs: [Any] = []
            for l in 0..<layers {
                let rain = p % 7 == 3 && l == 2 ? 0 : Double(Float(Double.random(in: 150...450, using: &rng)))
                let ndvi = Double(Float(0.1 + coupling * rain + trend * Double(l) + Double.random(in: -0.03...0.03, using: &rng)))
                let missing = p % 5 == 0 && l % 4 == 1
                productivity[l * pixels + p] = missing ? .nan : Float(ndvi)
                precipitation[l * pixels + p] = Float(rain)
                ys.append(missing ? NSNull() : ndvi as Any)
                xs.append(rain)
            }
            items.append(["productivity": ys, "precipitation": xs])
        }
        let ref = try PythonReference.run(python, script: Self.script,
                                          input: ["series": items, "level": 0.05, "fit": [fit.lowerBound, fit.upperBound]]) as! [[String: Any]]
        var corrected = 0
        for method in [ClimateTrend.Method.restrend, .rue] {
            let out = Buffer<Float>(layers * pixels)
            defer { out.free() }
            productivity.withUnsafeBufferPointer { y in
                precipitation.withUnsafeBufferPointer { x in
                    ClimateNormalization(method: method).run(productivity: y, precipitation: x, layers: layers, pixelCount: pixels,
                                                             fitLayers: fit, into: out.b)
                }
            }
            for p in 0..<pixels {
                let want = ref[p][method.rawValue] as! [Any]
                for l in 0..<layers {
                    let got = out.b[l * pixels + p]
                    guard let w = want[l] as? Double else { XCTAssertTrue(got.isNaN, "\(method) pixel \(p) layer \(l): \(got)"); continue }
                    XCTAssertEqual(Double(got), w, accuracy: 1e-6 * max(1, abs(w)), "\(method) pixel \(p) layer \(l)")
                    if method == .restrend && Double(got) != Double(productivity[l * pixels + p]) { corrected += 1 }
                }
            }
        }
        XCTAssertGreaterThan(corrected, 100, "some pixels are corrected (the rain-driven third)")
    }

    /// Hand-worked: y = 0.1 + 0.001 x exactly (a perfect fit, p = 0), rain 100, 300, 200 over the fit
    /// (mean 200): y* = y - 0.001 (x - 200) = 0.3 in every year, also for a layer outside the fit
    /// (x = 400, y = 0.5 -> 0.3). RUE: y* = 200 y / x: 0.4, 0.2667, 0.3, 0.25.
    func testHandWorked() {
        let y: [Float] = [0.5, 0.2, 0.4, 0.3], x: [Float] = [400, 100, 300, 200]
        let out = Buffer<Float>(4)
        defer { out.free() }
        for (method, want) in [(ClimateTrend.Method.restrend, [0.3, 0.3, 0.3, 0.3]), (.rue, [0.25, 0.4, 0.8 / 3, 0.3])] {
            y.withUnsafeBufferPointer { yb in
                x.withUnsafeBufferPointer { xb in
                    ClimateNormalization(method: method).run(productivity: yb, precipitation: xb, layers: 4, pixelCount: 1, fitLayers: 1..<4, into: out.b)
                }
            }
            for l in 0..<4 { XCTAssertEqual(Double(out.b[l]), want[l], accuracy: 1e-6, "\(method) layer \(l)") }
        }
    }
}
