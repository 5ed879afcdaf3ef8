/// Surveys the synthesized products and writes down the truth: the planted
/// patches, the cloud, hand-picked pixels, class counts, and the results a
/// correct analysis reaches with the thresholds below (computed here from the
/// very values written to the files; the tests recompute them from the files).
public struct TruthSurvey: Sendable {
    /// |NDVI change| between the scenes at or above which a pixel has changed.
    public static let twoDateThreshold = 0.1
    /// |least-squares NDVI slope| per year at or above which a stack pixel has a trend.
    public static let trendThreshold = 0.004
    /// Minimum-mapping units (pixels) the truth reports sieve results for.
    public static let sieveSizes = [1, 5, 10, 26, 100, 400]
    /// Centre of the grid (the corner shared by its four central pixels, x = 299880,
    /// y = 4459980), computed once with PROJ (`gdaltransform -s_srs EPSG:32649
    /// -t_srs EPSG:4326`) and fixed here so that every platform writes the same digits, degrees.
    static let centreLatLon = (lat: 40.2664, lon: 108.6465)

    /// The study area.
    public let area: StudyArea
    /// The two scenes, earlier first.
    public let scenes: [LandsatScene]
    /// The annual NDVI stack.
    public let stack: AnnualNDVIStack
    /// Land cover in 2000.
    public let landCover2000: LandCoverMap
    /// Land cover in 2024.
    public let landCover2024: LandCoverMap

    /// A survey of these products.
    public init(area: StudyArea, scenes: [LandsatScene], stack: AnnualNDVIStack,
                landCover2000: LandCoverMap, landCover2024: LandCoverMap) {
        precondition(scenes.count == 2, "two scenes, earlier first")
        self.area = area
        self.scenes = scenes
        self.stack = stack
        self.landCover2000 = landCover2000
        self.landCover2024 = landCover2024
    }

    /// Rounds to `places` decimals.
    static func round(_ x: Double, _ places: Int = 4) -> Double {
        var f = 1.0
        for _ in 0..<places { f *= 10 }
        return (x * f).rounded() / f
    }

    /// The truth, listing `files` (relative paths) and the scene folders' files.
    public func truth(files: [String], sceneFiles: [[String]], sceneFolders: [String]) -> FixtureTruth {
        FixtureTruth(
            schemaVersion: 1, seed: area.seed, grid: gridInfo(), landTypes: landTypes(), patches: patches(),
            cloud: cloud(), scenes: (0..<2).map { scene($0, folder: sceneFolders[$0], files: sceneFiles[$0]) },
            ndviYears: [StudyArea.firstYear, StudyArea.lastYear],
            changeYears: [StudyArea.changeStartYear, StudyArea.changeEndYear],
            ndviNoiseBound: AnnualNDVIStack.noiseBound, reflectanceNoiseBound: LandsatScene.noiseBound,
            classPixels2000: landCover2000.histogram.map { .init(lccs: Int($0.code), pixels: $0.pixels) },
            classPixels2024: landCover2024.histogram.map { .init(lccs: Int($0.code), pixels: $0.pixels) },
            transitions: transitions(), files: files, expected: expected())
    }

    private func gridInfo() -> FixtureTruth.GridInfo {
        .init(width: StudyArea.width, height: StudyArea.height, pixelSizeMeters: StudyArea.pixelSize,
              epsg: StudyArea.epsg, originX: StudyArea.originX, originY: StudyArea.originY,
              hectaresPerPixel: StudyArea.hectaresPerPixel,
              centreLatitude: Self.centreLatLon.lat, centreLongitude: Self.centreLatLon.lon)
    }

    private func landTypes() -> [FixtureTruth.LandTypeInfo] {
        LandType.allCases.map { t in
            .init(name: t.rawValue, lccs: Int(t.lccsCode), ndvi: Self.round(t.composition(texture: 0.5).ndvi),
                  socTonnesPerHectare: t.socBaseline, pixelsBefore: area.before.count { $0 == t },
                  pixelsAfter: area.after.count { $0 == t })
        }
    }

    /// The pixels of `patch`, in reading order.
    func pixels(of patch: PlantedPatch) -> [(row: Int, column: Int)] {
        var out: [(Int, Int)] = []
        let b = patch.bounds
        for r in b.row..<(b.row + b.height) {
            for c in b.column..<(b.column + b.width) where patch.contains(row: r, column: c) { out.append((r, c)) }
        }
        return out
    }

    private func patches() -> [FixtureTruth.Patch] {
        let years = Array(StudyArea.firstYear...StudyArea.lastYear)
        return area.patches.map { p in
            var before = 0.0, after = 0.0, slope = 0.0
            let px = pixels(of: p)
            for (r, c) in px {
                before += area.composition(row: r, column: c, progress: 0).ndvi
                after += area.composition(row: r, column: c, progress: 1).ndvi
                slope += AnnualNDVIStack.olsSlope(years.map { AnnualNDVIStack.modelNDVI(area: area, row: r, column: c, year: $0) })
            }
            let n = Double(px.count)
            let b = p.bounds
            var radius: Int? = nil
            if case let .disc(r) = p.shape { radius = r }
            let x0 = StudyArea.originX + Double(b.column) * StudyArea.pixelSize
            let y1 = StudyArea.originY - Double(b.row) * StudyArea.pixelSize
            return .init(
                id: p.id, name: p.name, kind: p.kind.rawValue, shape: p.shape.name,
                widthPixels: b.width, heightPixels: b.height, radiusPixels: radius,
                columnMin: b.column, rowMin: b.row, columnMax: b.column + b.width - 1, rowMax: b.row + b.height - 1,
                mapExtent: [x0, y1 - Double(b.height) * StudyArea.pixelSize, x0 + Double(b.width) * StudyArea.pixelSize, y1],
                pixelCount: p.pixelCount, hectares: p.hectares,
                landBefore: p.before.rawValue, landAfter: p.after.rawValue,
                lccs2000: Int(p.before.lccsCode), lccs2024: Int(p.after.lccsCode),
                ndviBefore: Self.round(before / n), ndviAfter: Self.round(after / n),
                ndviSlopePerYear: Self.round(slope / n, 5))
        }
    }

    private func cloud() -> FixtureTruth.Cloud {
        let c = area.cloud, late = scenes[1]
        return .init(centreRow: c.row, centreColumn: c.column, radiusPixels: c.radius, dilationPixels: c.dilation,
                     shadowRowOffset: c.shadowRowOffset, shadowColumnOffset: c.shadowColumnOffset,
                     cloudPixels: late.count(.cloud), dilatedCloudPixels: late.count(.dilatedCloud),
                     shadowPixels: late.count(.shadow))
    }

    /// The hand-picked pixels: one per land type of interest, patch centres,
    /// the cloud, its ring and its shadow, and a fill pixel.
    public func samplePoints() -> [(label: String, row: Int, column: Int)] {
        var points: [(String, Int, Int)] = [
            ("reservoir centre", StudyArea.reservoir.row, StudyArea.reservoir.column),
            ("field centre", StudyArea.fields.top + 6, StudyArea.fields.left + 8),
            ("steppe", 138, 250),
            ("dune", 250, 60),
        ]
        for name in ["D1", "R1", "S1"] {
            guard let p = area.patches.first(where: { $0.name == name }) else { continue }
            points.append(("\(name) centre", p.bounds.row + p.bounds.height / 2, p.bounds.column + p.bounds.width / 2))
        }
        let c = area.cloud
        points.append(("cloud centre", c.row, c.column))
        points.append(("dilated-cloud ring", c.row, c.column + c.radius + 2))
        points.append(("shadow centre", c.row + c.shadowRowOffset, c.column + c.shadowColumnOffset))
        points.append(("west-edge fill corner", StudyArea.height - 1, 0))
        return points
    }

    private func scene(_ index: Int, folder: String, files: [String]) -> FixtureTruth.Scene {
        let s = scenes[index]
        let land = StudyArea.changeProgress(year: s.acquisition.year) < 1 ? area.before : area.after
        let samples: [FixtureTruth.SamplePixel] = samplePoints().map { p in
            let qa = s.qa[p.row, p.column]
            let bands: [FixtureTruth.SampleBand] = qa == QAPixel.fillValue.rawValue ? [] : OLIBand.allCases.map { b in
                .init(band: b.number, dn: Int(s.band(b)[p.row, p.column]),
                      reflectance: Self.round(s.reflectance[b.offset][p.row, p.column], 7))
            }
            return .init(label: p.label, row: p.row, column: p.column, landType: land[p.row, p.column].rawValue,
                         qaPixel: Int(qa), bands: bands, ndvi: s.ndvi(row: p.row, column: p.column).map { Self.round($0) })
        }
        return .init(productID: s.acquisition.productID, folder: folder, date: s.acquisition.isoDate,
                     spacecraft: s.acquisition.spacecraftID, files: files, cloudPixels: s.count(.cloud),
                     dilatedCloudPixels: s.count(.dilatedCloud), shadowPixels: s.count(.shadow),
                     fillPixels: s.fillCount, samples: samples)
    }

    private func transitions() -> [FixtureTruth.Transition] {
        var counts = [Int](repeating: 0, count: 256 * 256)
        for i in 0..<landCover2000.codes.values.count {
            let a = Int(landCover2000.codes.values[i]), b = Int(landCover2024.codes.values[i])
            if a != b { counts[a * 256 + b] += 1 }
        }
        return (0..<counts.count).filter { counts[$0] > 0 }.map { .init(from: $0 / 256, to: $0 % 256, pixels: counts[$0]) }
    }

    private func expected() -> FixtureTruth.Expected {
        let early = scenes[0], late = scenes[1]
        let thr = Self.twoDateThreshold
        var masked = 0, down = 0, up = 0, falseDown = 0, falseUp = 0
        var largestStable = 0.0, smallestPatch = Double.infinity
        let kinds = area.patches.reduce(into: [Int: PatchKind]()) { $0[$1.id] = $1.kind }
        for r in 0..<StudyArea.height {
            for c in 0..<StudyArea.width {
                let id = Int(area.patchIDs[r, c])
                let changed = id > 0 && kinds[id] != .stressed
                let qa1 = QAPixel(rawValue: early.qa[r, c]), qa2 = QAPixel(rawValue: late.qa[r, c])
                guard let n1 = early.ndvi(row: r, column: c), let n2 = late.ndvi(row: r, column: c) else {
                    masked += 1
                    continue
                }
                let delta = n2 - n1
                if !changed {
                    if delta <= -thr { falseDown += 1 }
                    if delta >= thr { falseUp += 1 }
                }
                if qa1.isUnusable || qa2.isUnusable { masked += 1; continue }
                if delta <= -thr { down += 1 }
                if delta >= thr { up += 1 }
                if changed { smallestPatch = min(smallestPatch, abs(delta)) } else { largestStable = max(largestStable, abs(delta)) }
            }
        }

        var trendDown = 0, trendUp = 0
        let years = stack.years.count
        var series = [Double](repeating: 0, count: years)
        for i in 0..<(StudyArea.width * StudyArea.height) {
            for y in 0..<years { series[y] = Double(stack.planes[y].values[i]) / AnnualNDVIStack.scale }
            let s = AnnualNDVIStack.olsSlope(series)
            if s <= -Self.trendThreshold { trendDown += 1 }
            if s >= Self.trendThreshold { trendUp += 1 }
        }
        let meanT = Double(years - 1) / 2
        var absSum = 0.0, sqSum = 0.0
        for y in 0..<years { absSum += abs(Double(y) - meanT); sqSum += (Double(y) - meanT) * (Double(y) - meanT) }
        let noiseBound = (AnnualNDVIStack.noiseBound + 0.5 / AnnualNDVIStack.scale) * absSum / sqSum

        var stressedSum = 0.0, stressedCount = 0
        var grassland: [Double] = []
        for r in 0..<StudyArea.height {
            for c in 0..<StudyArea.width where landCover2000.codes[r, c] == 130 && landCover2024.codes[r, c] == 130 {
                let v = area.composition(row: r, column: c, progress: 0).ndvi
                grassland.append(v)
                if area.before[r, c] == .stressedSteppe { stressedSum += v; stressedCount += 1 }
            }
        }
        grassland.sort()
        let p90 = grassland[Int((0.9 * Double(grassland.count - 1)).rounded())]
        let stressedMean = stressedSum / Double(stressedCount)

        let changePatches = area.patches.filter { $0.kind != .stressed }
        let sieves: [FixtureTruth.SieveResult] = Self.sieveSizes.map { size in
            let kept = changePatches.filter { $0.pixelCount >= size }
            let d = kept.filter { $0.kind == .degradation }, rr = kept.filter { $0.kind == .restoration }
            return .init(minimumPixels: size, minimumHectares: Double(size * 9) / 100,
                         degradationPixels: d.reduce(0) { $0 + $1.pixelCount },
                         restorationPixels: rr.reduce(0) { $0 + $1.pixelCount },
                         degradationPatches: d.count, restorationPatches: rr.count,
                         removed: changePatches.filter { $0.pixelCount < size }.map(\.name))
        }

        return .init(
            twoDateThreshold: thr, qaMaskBits: [0, 1, 2, 3, 4, 5], twoDateMaskedPixels: masked,
            twoDateDegradationPixels: down, twoDateRestorationPixels: up,
            twoDateLargestStableChange: Self.round(largestStable), twoDateSmallestPatchChange: Self.round(smallestPatch),
            falseDegradationIfOnlyFillMasked: falseDown, falseRestorationIfOnlyFillMasked: falseUp,
            sieves: sieves, trendThreshold: Self.trendThreshold, trendNoiseBound: Self.round(noiseBound, 5),
            trendDegradationPixels: trendDown, trendRestorationPixels: trendUp,
            stressedMeanNDVI: Self.round(stressedMean), grasslandP90NDVI: Self.round(p90),
            stressedPerformanceRatio: Self.round(stressedMean / p90, 3))
    }
}
