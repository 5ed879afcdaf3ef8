import Foundation
import KubuqiRaster

/// Monthly precipitation 2000-2024 for the synthetic study area, on a coarser
/// grid than the scenes (240 m pixels, 36 x 36, in the study area's CRS,
/// reaching 480 m beyond its west and north edges and 480 m beyond its east
/// and south ones), as a national gridded product would be.
///
/// Month m of year y in coarse pixel (i, j):
/// P = round10(c_m * g_y * d_y(i, j) * (1 + 0.25 sin(2.3 y + 1.7 m))), with
/// - c_m the climatology (mm: 2, 3, 8, 12, 25, 40, 80, 75, 35, 12, 5, 3; 300 a year),
/// - g_y a year's wetness over the whole area (``wetness``; no trend),
/// - d_y(i, j) the drought: 1 outside the drought block, and inside it
///   1 up to 2010, then falling linearly to 0.55 in 2024 (``drought(year:)``),
/// - round10 rounding to 0.1 mm (stored as Int16 tenths of a millimetre, scale 0.1).
public struct PrecipitationSeries: Sendable {
    /// Coarse pixel size (m).
    public static let pixelSize = 240.0
    /// Coarse grid size.
    public static let width = 36, height = 36
    /// Coarse grid origin (upper-left corner).
    public static let originX = StudyArea.originX - 480, originY = StudyArea.originY + 480
    /// The coarse geotransform.
    public static let geoTransform = GeoTransform([originX, pixelSize, 0, originY, 0, -pixelSize])
    /// The drought block: coarse rows and columns (inclusive).
    public static let droughtRows = 11...17, droughtColumns = 26...32
    /// Monthly climatology (mm).
    public static let climatology: [Double] = [2, 3, 8, 12, 25, 40, 80, 75, 35, 12, 5, 3]
    /// Area-wide wetness of 2000...2024 (no trend: |Mann-Kendall Z| < 0.3 over every window the fixtures' configs use).
    public static let wetness: [Double] = [0.92, 0.96, 1.16, 1.03, 0.86, 1.02, 0.92, 1.16, 0.86, 1.00, 0.81, 0.91, 1.08,
                                           1.05, 1.17, 0.86, 0.99, 0.84, 1.08, 0.84, 1.17, 0.99, 1.02, 0.95, 0.96]
    /// Stored value x scale = mm.
    public static let scale = 0.1
    /// The NDVI's response: NDVI = NDVI_base * (1 - sensitivity + sensitivity * A / 300), A the year's total (mm).
    public static let sensitivity = 0.5

    /// The drought factor of the drought block in `year`.
    public static func drought(year: Int) -> Double { year <= 2010 ? 1 : 1 - 0.45 * Double(year - 2010) / 14 }

    /// Whether coarse pixel (row, column) is in the drought block.
    public static func inDrought(row: Int, column: Int) -> Bool { droughtRows.contains(row) && droughtColumns.contains(column) }

    /// The stored monthly value (tenths of mm) of coarse pixel (row, column).
    public static func stored(year: Int, month: Int, row: Int, column: Int) -> Int16 {
        let g = wetness[year - StudyArea.firstYear], d = inDrought(row: row, column: column) ? drought(year: year) : 1
        let mm = climatology[month - 1] * g * d * (1 + 0.25 * sin(2.3 * Double(year) + 1.7 * Double(month)))
        return Int16((mm / scale).rounded())
    }

    /// The years.
    public let years = Array(StudyArea.firstYear...StudyArea.lastYear)
    /// One coarse plane per month, January 2000 first.
    public let months: [PixelPlane<Int16>]
    /// Annual totals (mm) per coarse pixel and year.
    public let annual: [PixelPlane<Double>]

    /// The series (it depends on no seed: the climate is the same for every study area).
    public init() {
        var months: [PixelPlane<Int16>] = [], annual: [PixelPlane<Double>] = []
        for y in StudyArea.firstYear...StudyArea.lastYear {
            var total = PixelPlane<Double>(width: Self.width, height: Self.height, repeating: 0)
            for m in 1...12 {
                let plane = PixelPlane<Int16>(width: Self.width, height: Self.height) { r, c in Self.stored(year: y, month: m, row: r, column: c) }
                months.append(plane)
                for r in 0..<Self.height { for c in 0..<Self.width { total[r, c] += Double(plane[r, c]) * Self.scale } }
            }
            annual.append(total)
        }
        self.months = months
        self.annual = annual
    }

    /// The band description of month `index` (0 = January 2000): its 15th, `2000-01-15`.
    public static func label(_ index: Int) -> String {
        let y = StudyArea.firstYear + index / 12, m = index % 12 + 1
        return "\(y)-" + (m < 10 ? "0\(m)" : "\(m)") + "-15"
    }

    /// The year's total at the centre of study-area pixel (row, column), bilinear between the four
    /// coarse pixel centres around it (what GDAL's bilinear warp gives).
    public func total(yearIndex k: Int, row: Int, column: Int) -> Double {
        let x = StudyArea.originX + (Double(column) + 0.5) * StudyArea.pixelSize
        let y = StudyArea.originY - (Double(row) + 0.5) * StudyArea.pixelSize
        let u = (x - Self.originX) / Self.pixelSize - 0.5, v = (Self.originY - y) / Self.pixelSize - 0.5
        let j0 = Int(u.rounded(.down)), i0 = Int(v.rounded(.down))
        let fu = u - Double(j0), fv = v - Double(i0)
        let a = annual[k]
        return (1 - fv) * ((1 - fu) * a[i0, j0] + fu * a[i0, j0 + 1]) + fv * ((1 - fu) * a[i0 + 1, j0] + fu * a[i0 + 1, j0 + 1])
    }

    /// Whether the four coarse pixels around study-area pixel (row, column) are all in the drought block.
    public static func inDroughtInterior(row: Int, column: Int) -> Bool {
        let x = StudyArea.originX + (Double(column) + 0.5) * StudyArea.pixelSize
        let y = StudyArea.originY - (Double(row) + 0.5) * StudyArea.pixelSize
        let j0 = Int(((x - originX) / pixelSize - 0.5).rounded(.down)), i0 = Int(((originY - y) / pixelSize - 0.5).rounded(.down))
        return [(i0, j0), (i0, j0 + 1), (i0 + 1, j0), (i0 + 1, j0 + 1)].allSatisfy { inDrought(row: $0.0, column: $0.1) }
    }
}
