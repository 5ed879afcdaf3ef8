import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Parameters of the indices that depend on the whole scene: FVC (NDVI of
/// bare soil and of full cover) and DDI (the Albedo-NDVI slope, the grade
/// thresholds). Each left nil is derived from the scene in a statistics pass.
public struct SceneDependentOptions: Sendable {
    /// NDVI of bare soil for FVC; nil for the scene's 5th percentile.
    public var fvcSoil: Float?
    /// NDVI of full vegetation cover for FVC; nil for the scene's 95th percentile.
    public var fvcVegetation: Float?
    /// DDI's k; nil for -1 / (least-squares slope of albedo on NDVI over the scene).
    public var ddiK: Float?
    /// Also write the five desertification grades of DDI.
    public var grades: Bool
    /// The four ascending DDI thresholds of the grades; nil for natural breaks (Jenks).
    public var gradeBreaks: [Float]?

    /// Creates options; everything derived from the scene by default.
    public init(fvcSoil: Float? = nil, fvcVegetation: Float? = nil, ddiK: Float? = nil, grades: Bool = false, gradeBreaks: [Float]? = nil) {
        self.fvcSoil = fvcSoil
        self.fvcVegetation = fvcVegetation
        self.ddiK = ddiK
        self.grades = grades
        self.gradeBreaks = gradeBreaks
    }

    /// Refuses (usage, exit 2) parameters no scene could make right: an FVC
    /// end-member that is not an NDVI (non-finite or outside -1...1), a soil
    /// end-member not below the vegetation one, and a DDI k that is not a
    /// positive finite number (k = -1 / the Albedo-NDVI slope, which is negative;
    /// NaN or infinity would make every pixel nodata, a negative k reverse the axis),
    /// and grade breaks without `grades` (they would be ignored).
    public func validate() throws {
        for (option, value) in [("--fvc-soil", fvcSoil), ("--fvc-vegetation", fvcVegetation)] {
            if let value, !(value.isFinite && value >= -1 && value <= 1) {
                throw KubuqiError(.usage, "\(option) must be an NDVI within -1...1, got \(value)")
            }
        }
        if let s = fvcSoil, let v = fvcVegetation, !(s < v) {
            throw KubuqiError(.usage, "--fvc-soil (\(s)) must be below --fvc-vegetation (\(v))")
        }
        if gradeBreaks != nil && !grades {
            throw KubuqiError(.usage, "--grade-breaks needs --grades (the breaks set the grades written with them)")
        }
        if let k = ddiK, !(k.isFinite && k > 0) {
            throw KubuqiError(.usage, "--ddi-k must be a positive finite number (k = -1 / the Albedo-NDVI slope, which is negative), got \(k)")
        }
    }

    /// FVC's end-members when only some were given: each given one replaces the
    /// scene's (a sandy scene's 95th percentile is not full cover, docs/indices.md),
    /// the other is the scene's. Throws an input error naming both when the pair
    /// is then not ordered.
    public func fvcEndMembers(completing scene: FractionalVegetationCover.EndMembers, source: String) throws -> FractionalVegetationCover.EndMembers {
        let soil = fvcSoil ?? scene.soil, vegetation = fvcVegetation ?? scene.vegetation
        guard let e = FractionalVegetationCover.EndMembers(soil: soil, vegetation: vegetation) else {
            let s = fvcSoil != nil ? "--fvc-soil \(soil)" : String(format: "the scene's NDVI soil end-member (5th percentile) %.3f", soil)
            let v = fvcVegetation != nil ? "--fvc-vegetation \(vegetation)" : String(format: "the scene's NDVI vegetation end-member (95th percentile) %.3f", vegetation)
            throw KubuqiError(.input, "\(source): \(s) is not below \(v); give both --fvc-soil and --fvc-vegetation")
        }
        return e
    }
}

/// FVC and DDI as catalogue-like entries whose kernels are fixed once the
/// scene's statistics are known.
enum SceneDependentIndex {
    /// The names handled here.
    static let names: Set<String> = ["fvc", "ddi"]

    /// The bands each needs, in the order its kernel takes them.
    static func roles(_ name: String) -> [BandRole] {
        name == "fvc" ? [.nir, .red] : [.blue, .red, .nir, .swir1, .swir2]
    }

    static func title(_ name: String) -> (String, String) {
        name == "fvc"
            ? ("Fractional vegetation cover (dimidiate pixel model)", "clamp((NDVI - NDVIsoil) / (NDVIveg - NDVIsoil), 0, 1)")
            : ("Desertification difference index (Albedo-NDVI)", "k NDVI - Albedo, k = -1 / slope of Albedo on NDVI")
    }

    /// The statistics gathered in the pass before the written one.
    final class Survey: ChunkObserver, @unchecked Sendable {
        let ndviHistogram = PerChunk(Histogram(lowerBound: -1, upperBound: 1, bins: 2000))
        let fit = PerChunk(LinearFitAccumulator())
        let wantsHistogram: Bool, wantsFit: Bool

        init(histogram: Bool, fit: Bool) {
            wantsHistogram = histogram
            wantsFit = fit
        }

        /// results[0] NDVI, results[1] albedo.
        func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
            if wantsHistogram { ndviHistogram.update(chunk) { $0.add(results[0]) } }
            if wantsFit { fit.update(chunk) { $0.add(x: results[0], y: results[1]) } }
        }
    }

    /// DDI histogram for natural breaks.
    final class DDIHistogram: ChunkObserver, @unchecked Sendable {
        let parts: PerChunk<Histogram>
        init(range: ClosedRange<Double>) { parts = PerChunk(Histogram(lowerBound: range.lowerBound, upperBound: range.upperBound, bins: 4000)) }
        func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
            parts.update(chunk) { $0.add(results[0]) }
        }
        func merged() -> Histogram {
            var h = parts.values[0]
            for p in parts.values.dropFirst() { h.merge(p) }
            return h
        }
    }

    static let ndviKernel: SpectralIndex.Kernel = { ins, _, out in
        NDVI.apply(nir: ins[0], nirNodata: nil, red: ins[1], redNodata: nil, into: out)
    }

    /// NDVI then albedo from the five DDI bands (blue, red, nir, swir1, swir2).
    static let ddiNDVI: SpectralIndex.Kernel = { ins, _, out in
        NDVI.apply(nir: ins[2], nirNodata: nil, red: ins[1], redNodata: nil, into: out)
    }

    static func ddiKernel(k: Float) -> SpectralIndex.Kernel {
        { ins, nd, out in
            let albedo = UnsafeMutableBufferPointer<Float>.allocate(capacity: out.count)
            defer { albedo.deallocate() }
            SpectralIndex.albedo.kernel(ins, nd, albedo)
            NDVI.apply(nir: ins[2], nirNodata: nil, red: ins[1], redNodata: nil, into: out)
            DesertificationDifferenceIndex.apply(ndvi: UnsafeBufferPointer(out), ndviNodata: nil,
                                                 albedo: UnsafeBufferPointer(albedo), albedoNodata: nil, k: k, into: out)
        }
    }

    static func gradeKernel(_ ddi: @escaping SpectralIndex.Kernel, _ grades: DesertificationGrades) -> SpectralIndex.Kernel {
        { ins, nd, out in
            ddi(ins, nd, out)
            for i in 0..<out.count {
                let g = grades.grade(of: out[i])
                out[i] = g == .nodata ? .nan : Float(g.rawValue)
            }
        }
    }

    /// The grade legend (1 none ... 5 extreme).
    static let gradeLegend: [ClassLegend.Entry] = [
        .init(value: 1, name: "none", rgb: (26, 152, 80)), .init(value: 2, name: "light", rgb: (166, 217, 106)),
        .init(value: 3, name: "moderate", rgb: (254, 224, 139)), .init(value: 4, name: "severe", rgb: (244, 109, 67)),
        .init(value: 5, name: "extreme", rgb: (165, 0, 38))]
}
