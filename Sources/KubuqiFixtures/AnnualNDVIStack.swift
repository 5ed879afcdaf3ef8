/// The annual NDVI stack 2000-2024 (think of an annual peak-season composite):
/// one Int16 plane per year, NDVI x 10000, nodata -32768.
///
/// Every pixel's NDVI is that of its endmember mix, plus independent
/// triangular noise of at most 0.005 per year. Stable pixels are therefore
/// flat; degradation and restoration patches hold their 2000 value up to
/// 2013, move linearly to their new value by 2023 and hold it in 2024; the
/// stressed region is flat at about half the NDVI of the steppe around it.
public struct AnnualNDVIStack: Sendable {
    /// Scale of the stored values (NDVI x 10000).
    public static let scale = 10_000.0
    /// The nodata value (declared; no pixel uses it).
    public static let nodata: Int16 = -32768
    /// Largest noise on one pixel-year, in NDVI.
    public static let noiseBound = 0.005

    /// The years, first to last.
    public let years: [Int]
    /// One plane per year, in the order of ``years``.
    public let planes: [PixelPlane<Int16>]

    /// Synthesizes the stack of `area`.
    public init(area: StudyArea) {
        let years = Array(StudyArea.firstYear...StudyArea.lastYear)
        self.years = years
        let w = StudyArea.width, h = StudyArea.height
        var random = FixtureRandom.stream(seed: area.seed, salt: 2)
        var planes = [PixelPlane<Int16>](repeating: PixelPlane(width: w, height: h, repeating: 0), count: years.count)
        let progress = years.map { StudyArea.changeProgress(year: $0) }
        for r in 0..<h {
            for c in 0..<w {
                let stable = area.before[r, c] == area.after[r, c]
                let flat = stable ? area.composition(row: r, column: c, progress: 0).ndvi : 0
                for (i, p) in progress.enumerated() {
                    let ndvi = stable ? flat : area.composition(row: r, column: c, progress: p).ndvi
                    planes[i][r, c] = Self.encode(ndvi + random.triangular(Self.noiseBound))
                }
            }
        }
        self.planes = planes
    }

    /// NDVI x 10000 rounded half away from zero.
    public static func encode(_ ndvi: Double) -> Int16 {
        Int16(min(max((ndvi * scale).rounded(), -32767), 32767))
    }

    /// The noiseless NDVI of (`row`, `column`) in `year`.
    public static func modelNDVI(area: StudyArea, row: Int, column: Int, year: Int) -> Double {
        area.composition(row: row, column: column, progress: StudyArea.changeProgress(year: year)).ndvi
    }

    /// The least-squares slope (NDVI per year) of `values` over consecutive years.
    public static func olsSlope(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let meanT = (n - 1) / 2
        var num = 0.0, den = 0.0
        let meanV = values.reduce(0, +) / n
        for (i, v) in values.enumerated() {
            let dt = Double(i) - meanT
            num += dt * (v - meanV)
            den += dt * dt
        }
        return num / den
    }
}
