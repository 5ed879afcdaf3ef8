import KubuqiRaster
import XCTest

/// The desertification difference index, the Albedo-NDVI fit, Jenks natural
/// breaks and the desertification grades.
final class DDITests: XCTestCase {
    // MARK: DDI kernel

    func runDDI(_ ndvi: [Float], _ albedo: [Float], ndviNodata: Float?, albedoNodata: Float?, k: Float) -> [Float] {
        runKernel([ndvi, albedo], nodata: [ndviNodata, albedoNodata]) { inputs, nodata, out in
            DesertificationDifferenceIndex.apply(ndvi: inputs[0], ndviNodata: nodata[0],
                                                 albedo: inputs[1], albedoNodata: nodata[1], k: k, into: out)
        }
    }

    func testDDIMatchesTheScalarFormulaOnRandomInputs() {
        var sampler = BandSampler(seed: 2006)
        for k: Float in [2, 0.75, 3.3] {
            for n in testLengths {
                let ndvi = (0..<n).map { _ in sampler.value() }
                let albedo = (0..<n).map { _ in sampler.value() }
                for (nn, an) in [(Float?.none, Float?.none), (-9999, -9999), (0, 16000)] {
                    let expected = zip(ndvi, albedo).map { v, a in
                        referencePixel([v, a], nodata: [nn, an]) { k * v - a }
                    }
                    assertSamePixels(runDDI(ndvi, albedo, ndviNodata: nn, albedoNodata: an, k: k), expected,
                                     "DDI k=\(k) n=\(n)")
                }
            }
        }
    }

    func testDDIHandWorked() {
        // k = 2: vegetated NDVI 0.6, albedo 0.1 -> 2 * 0.6 - 0.1 = 1.1;
        //        sand NDVI 0.05, albedo 0.375 -> 0.1 - 0.375 = -0.275;
        //        overflow 2 * 3.4e38 -> inf -> nodata.
        let out = runDDI([0.6, 0.05, .greatestFiniteMagnitude, .nan], [0.1, 0.375, 0, 0.2],
                         ndviNodata: nil, albedoNodata: nil, k: 2)
        XCTAssertEqual(out[0], 1.1, accuracy: 1e-6)
        XCTAssertEqual(out[1], -0.275, accuracy: 1e-6)
        XCTAssertTrue(out[2].isNaN)
        XCTAssertTrue(out[3].isNaN)
        XCTAssertGreaterThan(out[0], out[1], "higher DDI is the less desertified pixel")
    }

    // MARK: Least-squares fit

    func testSlopeOfPointsOnAnExactLine() {
        // Albedo = 0.375 - 0.5 * NDVI at NDVI = k/64: every value is exact in Float and Double,
        // so the slope is exactly -0.5, the intercept 0.375 and k = -1 / -0.5 = 2.
        let ndvi: [Float] = (0..<50).map { Float($0) / 64 }
        let albedo: [Float] = ndvi.map { 0.375 - 0.5 * $0 }
        var fit = LinearFitAccumulator()
        ndvi.withUnsafeBufferPointer { x in albedo.withUnsafeBufferPointer { y in fit.add(x: x, y: y) } }
        XCTAssertEqual(fit.count, 50)
        XCTAssertEqual(fit.slope!, -0.5, accuracy: 1e-12)
        XCTAssertEqual(fit.intercept!, 0.375, accuracy: 1e-12)
        XCTAssertEqual(fit.correlation!, -1, accuracy: 1e-9)
        let ddi = DesertificationDifferenceIndex.fit(fit)!
        XCTAssertEqual(ddi.k, 2, accuracy: 1e-6)
        XCTAssertEqual(ddi.slope, -0.5, accuracy: 1e-12)
    }

    func testHandWorkedFitOfThreePoints() {
        // (0, 0.4), (0.5, 0.2), (1, 0.15): mean x = 0.5, mean y = 0.25;
        // Sxy = (-0.5)(0.15) + 0 + (0.5)(-0.1) = -0.125; Sxx = 0.25 + 0 + 0.25 = 0.5;
        // slope = -0.25, intercept = 0.25 - (-0.25)(0.5) = 0.375, k = 4.
        var fit = LinearFitAccumulator()
        fit.add(x: 0, y: 0.4)
        fit.add(x: 0.5, y: 0.2)
        fit.add(x: 1, y: 0.15)
        fit.add(x: .nan, y: 0.3)       // skipped: nodata
        fit.add(x: 0.3, y: .infinity)  // skipped
        XCTAssertEqual(fit.count, 3)
        XCTAssertEqual(fit.slope!, -0.25, accuracy: 1e-12)
        XCTAssertEqual(fit.intercept!, 0.375, accuracy: 1e-12)
        XCTAssertEqual(DesertificationDifferenceIndex.fit(fit)!.k, 4, accuracy: 1e-6)
    }

    func testMergingPartsEqualsTheWhole() {
        var rng = SplitMix64(seed: 11)
        var x = [Float](), y = [Float]()
        for i in 0..<5000 {
            let v = Float(rng.unit())
            x.append(i % 97 == 0 ? .nan : v)
            y.append(0.35 - 0.3 * v + Float(rng.unit() - 0.5) * 0.05)
        }
        var whole = LinearFitAccumulator(), merged = LinearFitAccumulator()
        x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { yb in whole.add(x: xb, y: yb) } }
        for start in stride(from: 0, to: x.count, by: 613) {
            var part = LinearFitAccumulator()
            let end = min(start + 613, x.count)
            x[start..<end].withUnsafeBufferPointer { xb in y[start..<end].withUnsafeBufferPointer { yb in part.add(x: xb, y: yb) } }
            merged.merge(part)
        }
        XCTAssertEqual(whole.count, merged.count)
        XCTAssertEqual(whole.count, 5000 - 52, "every 97th pair is nodata")
        XCTAssertEqual(whole.slope!, merged.slope!, accuracy: 1e-9)
        XCTAssertEqual(whole.slope!, -0.3, accuracy: 0.01)
        XCTAssertEqual(whole.intercept!, merged.intercept!, accuracy: 1e-9)
    }

    func testDegenerateFitsGiveNoK() {
        var empty = LinearFitAccumulator()
        XCTAssertNil(empty.slope)
        empty.add(x: 0.2, y: 0.3)
        XCTAssertNil(empty.slope, "one point has no slope")
        var vertical = LinearFitAccumulator()
        for y in [0.1, 0.2, 0.3] { vertical.add(x: 0.4, y: y) }
        XCTAssertNil(vertical.slope, "no spread in NDVI")
        var rising = LinearFitAccumulator()
        for x in [0.1, 0.2, 0.3] { rising.add(x: x, y: x) }
        XCTAssertEqual(rising.slope!, 1, accuracy: 1e-12)
        XCTAssertNil(DesertificationDifferenceIndex.fit(rising), "albedo rising with NDVI: no DDI axis")
        XCTAssertNil(DesertificationDifferenceIndex.k(slope: 0))
        XCTAssertNil(DesertificationDifferenceIndex.k(slope: .nan))
        XCTAssertEqual(DesertificationDifferenceIndex.k(slope: -0.25), 4)
    }

    // MARK: Jenks natural breaks

    /// Builds a histogram of unit-width bins over `0..<counts.count`.
    func histogram(_ counts: [Int]) -> Histogram {
        var h = Histogram(lowerBound: 0, upperBound: Double(counts.count), bins: counts.count)
        for (i, c) in counts.enumerated() { for _ in 0..<c { h.add(Double(i) + 0.5) } }
        return h
    }

    /// Total within-class squared deviation of the bin centres, weighted by
    /// count, when classes are cut at `thresholds`.
    func cost(_ counts: [Int], _ thresholds: [Double]) -> Double {
        var groups: [[(Double, Double)]] = Array(repeating: [], count: thresholds.count + 1)
        for (i, c) in counts.enumerated() where c > 0 {
            let x = Double(i) + 0.5
            groups[thresholds.filter { x >= $0 }.count].append((x, Double(c)))
        }
        return groups.reduce(0) { total, g in
            let w = g.reduce(0) { $0 + $1.1 }
            guard w > 0 else { return total }
            let mean = g.reduce(0) { $0 + $1.0 * $1.1 } / w
            return total + g.reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
        }
    }

    /// The least cost over every way to cut the non-empty bins into `k` runs.
    func bruteForceCost(_ counts: [Int], classes k: Int) -> Double {
        let centres = counts.indices.filter { counts[$0] > 0 }.map { Double($0) + 0.5 }
        var best = Double.infinity
        func search(_ from: Int, _ left: Int, _ cuts: [Double]) {
            if left == 0 { best = min(best, cost(counts, cuts)); return }
            guard from < centres.count else { return }
            for i in from..<centres.count {
                // A threshold just below centre i starts a class there.
                search(i + 1, left - 1, cuts + [centres[i] - 0.5])
            }
        }
        search(1, k - 1, [])
        return best
    }

    func testJenksHandWorkedWeightedSplit() {
        // Bin centres 0.5, 3.5, 6.5 with counts 1, 1, 10, two classes:
        //   {0.5, 3.5} | {6.5}: 2 * 1.5^2 = 4.5
        //   {0.5} | {3.5, 6.5 x10}: mean 6.227, 2.727^2 + 10 * 0.273^2 = 8.18
        // so the break is the upper edge of the 3.5 bin: 4.0. (Unweighted the two splits tie at 4.5.)
        var counts = [Int](repeating: 0, count: 7)
        counts[0] = 1; counts[3] = 1; counts[6] = 10
        XCTAssertEqual(NaturalBreaks.thresholds(of: histogram(counts), classes: 2), [4.0])
    }

    func testJenksFindsFiveObviousClusters() {
        // Clusters at bins {1,2}, {5,6}, {9}, {13,14}, {18,19} of a 0..20 histogram, gaps >= 2 bins:
        // the optimal five classes are the clusters, with breaks at the upper edges 3, 7, 10, 15.
        var counts = [Int](repeating: 0, count: 20)
        for (bin, c) in [(1, 30), (2, 12), (5, 7), (6, 40), (9, 25), (13, 3), (14, 9), (18, 50), (19, 2)] { counts[bin] = c }
        let h = histogram(counts)
        XCTAssertEqual(NaturalBreaks.thresholds(of: h, classes: 5), [3, 7, 10, 15])
        let grades = DesertificationGrades.naturalBreaks(from: h)!
        XCTAssertEqual(grades.thresholds, [3, 7, 10, 15])
        XCTAssertEqual(cost(counts, [3, 7, 10, 15]), bruteForceCost(counts, classes: 5), accuracy: 1e-9)
    }

    func testJenksMatchesExhaustiveSearchOnSmallHistograms() {
        var rng = SplitMix64(seed: 1967)
        for trial in 0..<60 {
            let bins = 5 + Int(rng.next() % 8)
            let counts = (0..<bins).map { _ in rng.next() % 4 == 0 ? 0 : Int(rng.next() % 20) + 1 }
            let nonEmpty = counts.filter { $0 > 0 }.count
            for k in 2...5 {
                let t = NaturalBreaks.thresholds(of: histogram(counts), classes: k)
                guard nonEmpty >= k else { XCTAssertNil(t, "trial \(trial)"); continue }
                guard let t else { XCTFail("trial \(trial): no breaks"); continue }
                XCTAssertEqual(t.count, k - 1)
                XCTAssertEqual(t, t.sorted(), "ascending")
                XCTAssertEqual(Set(t).count, t.count, "distinct")
                let best = bruteForceCost(counts, classes: k)
                XCTAssertEqual(cost(counts, t), best, accuracy: 1e-9 * (1 + best), "trial \(trial) k=\(k) \(counts)")
            }
        }
    }

    func testJenksMatchesPlainDynamicProgrammingOnLargeHistograms() {
        // The library uses the divide-and-conquer optimization; check it
        // against the plain O(k m^2) recurrence written here.
        func plainCost(_ counts: [Int], classes k: Int) -> Double {
            let pts = counts.indices.filter { counts[$0] > 0 }.map { (Double($0) + 0.5, Double(counts[$0])) }
            let m = pts.count
            func ssd(_ a: Int, _ b: Int) -> Double {
                let g = pts[a..<b]
                let w = g.reduce(0) { $0 + $1.1 }, mean = g.reduce(0) { $0 + $1.0 * $1.1 } / w
                return g.reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
            }
            var table = [[Double]](repeating: [Double](repeating: .infinity, count: m + 1), count: m + 1)
            for j in 0...m { for i in 0..<j { table[i][j] = ssd(i, j) } }
            var previous = (0...m).map { $0 == 0 ? Double.infinity : table[0][$0] }
            for c in 1..<k {
                var current = [Double](repeating: .infinity, count: m + 1)
                for j in (c + 1)...m { for i in c..<j { current[j] = min(current[j], previous[i] + table[i][j]) } }
                previous = current
            }
            return previous[m]
        }
        var rng = SplitMix64(seed: 1958)
        for _ in 0..<4 {
            let counts = (0..<120).map { i -> Int in
                // Two broad modes plus noise and gaps.
                let a = 200 * exp(-pow(Double(i) - 30, 2) / 200), b = 120 * exp(-pow(Double(i) - 85, 2) / 300)
                return rng.next() % 7 == 0 ? 0 : Int(a + b + Double(rng.next() % 5))
            }
            let t = NaturalBreaks.thresholds(of: histogram(counts), classes: 5)!
            let best = plainCost(counts, classes: 5)
            XCTAssertEqual(cost(counts, t), best, accuracy: 1e-9 * (1 + best))
        }
    }

    // MARK: Grades

    /// The grade table written out.
    func referenceGrade(_ v: Float, _ t: [Float], nodata: Float?) -> UInt8 {
        if v.isNaN || v.isInfinite { return 0 }
        if let nodata, v == nodata { return 0 }
        if v >= t[3] { return 1 }  // none
        if v >= t[2] { return 2 }  // light
        if v >= t[1] { return 3 }  // moderate
        if v >= t[0] { return 4 }  // severe
        return 5                   // extreme
    }

    func runGrades(_ grades: DesertificationGrades, _ ddi: [Float], nodata: Float?) -> [UInt8] {
        let guardCount = 9
        var storage = [UInt8](repeating: 0xAA, count: ddi.count + 2 * guardCount)
        ddi.withUnsafeBufferPointer { input in
            storage.withUnsafeMutableBufferPointer { all in
                grades.apply(ddi: input, ddiNodata: nodata,
                             into: UnsafeMutableBufferPointer(rebasing: all[guardCount..<(guardCount + ddi.count)]))
            }
        }
        XCTAssertTrue(storage[..<guardCount].allSatisfy { $0 == 0xAA })
        XCTAssertTrue(storage[(guardCount + ddi.count)...].allSatisfy { $0 == 0xAA })
        return Array(storage[guardCount..<(guardCount + ddi.count)])
    }

    func testGradesMatchTheTableOnRandomInputs() {
        var sampler = BandSampler(seed: 5)
        let t: [Float] = [-0.25, 0, 0.25, 0.75]
        let grades = DesertificationGrades(thresholds: t)!
        for n in testLengths {
            var ddi = (0..<n).map { _ in sampler.value() - 0.5 }
            if n > 4 { ddi[0] = -0.25; ddi[1] = 0; ddi[2] = 0.25; ddi[3] = 0.75 }  // exactly on the thresholds
            for nodata in [Float?.none, 0.75] {
                let expected = ddi.map { referenceGrade($0, t, nodata: nodata) }
                XCTAssertEqual(runGrades(grades, ddi, nodata: nodata), expected, "n=\(n)")
                XCTAssertEqual(ddi.map { nodata == $0 ? 0 : grades.grade(of: $0).rawValue }, expected)
            }
        }
    }

    func testGradesHandWorked() {
        // t = -0.2, 0.1, 0.4, 0.8. A value on a threshold belongs to the class above it.
        let g = DesertificationGrades(thresholds: [-0.2, 0.1, 0.4, 0.8])!
        let out = runGrades(g, [-0.5, -0.2, 0, 0.1, 0.5, 0.8, 1.3, .nan, -.infinity], nodata: nil)
        XCTAssertEqual(out, [5, 4, 4, 3, 2, 1, 1, 0, 0])
        XCTAssertEqual(g.grade(of: -0.5), .extreme)
        XCTAssertEqual(g.grade(of: 1.3), .none)
        XCTAssertEqual(g.grade(of: .nan), .nodata)
        XCTAssertEqual(DesertificationGrades.Grade.allCases.map(\.description),
                       ["nodata", "none", "light", "moderate", "severe", "extreme"])
        XCTAssertNil(DesertificationGrades(thresholds: [0, 1, 2]))
        XCTAssertNil(DesertificationGrades(thresholds: [0, 1, 1, 2]))
        XCTAssertNil(DesertificationGrades(thresholds: [0, 1, .nan, 2]))
        XCTAssertNil(DesertificationGrades.naturalBreaks(from: histogram([0, 5, 0, 5, 5, 5])), "four non-empty bins")
    }

    func testAlbedoNDVISceneFromFitToGrades() {
        // A synthetic scene along Albedo = 0.4 - 0.5 NDVI (k = 2) with a little scatter,
        // five land types from dense vegetation to bare sand, fitted and graded as the
        // pipeline would: fit pass, DDI pass, histogram, natural breaks, grade pass.
        var rng = SplitMix64(seed: 26)
        let types: [Float] = [0.70, 0.50, 0.32, 0.18, 0.04]  // NDVI centres, none ... extreme
        var ndvi = [Float](), albedo = [Float]()
        for (t, centre) in types.enumerated() {
            for _ in 0..<(200 + 37 * t) {
                let v = centre + Float(rng.unit() - 0.5) * 0.04
                ndvi.append(v)
                albedo.append(0.4 - 0.5 * v + Float(rng.unit() - 0.5) * 0.01)
            }
        }
        var fit = LinearFitAccumulator()
        ndvi.withUnsafeBufferPointer { x in albedo.withUnsafeBufferPointer { y in fit.add(x: x, y: y) } }
        let k = DesertificationDifferenceIndex.fit(fit)!.k
        XCTAssertEqual(k, 2, accuracy: 0.05)
        let ddi = runDDI(ndvi, albedo, ndviNodata: nil, albedoNodata: nil, k: k)
        var h = Histogram(lowerBound: -1, upperBound: 2, bins: 600)
        ddi.withUnsafeBufferPointer { h.add($0) }
        let grades = DesertificationGrades.naturalBreaks(from: h)!
        let out = runGrades(grades, ddi, nodata: nil)
        var start = 0
        for (t, _) in types.enumerated() {
            let count = 200 + 37 * t
            XCTAssertTrue(out[start..<(start + count)].allSatisfy { $0 == UInt8(t + 1) }, "land type \(t)")
            start += count
        }
    }
}
