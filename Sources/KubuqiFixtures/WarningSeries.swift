import Foundation
import KubuqiGDAL
import KubuqiRaster

/// A monthly NDVI series with a planted drought, for `warn` (docs/warn.md,
/// course lesson 8): 64 x 64 pixels of 30 m at the study area's upper-left
/// corner (EPSG:32649), one band per month from 2010-01-15 to 2021-06-15,
/// Int16 NDVI x 10000 (scale 0.0001, nodata -32768), dates in the band descriptions.
///
/// - Every pixel: `base + season(month) + jitter(year)`; base 0.30 + 0.05 x column / 63,
///   season 0.10 (1 - cos(2 pi (month - 1) / 12)) / 2, jitter 0.01 x ((3 year) mod 10 - 4.5)
///   in 2010-2019 (ten distinct values, -0.045 ... 0.045) and 0 from 2020 on (an ordinary year:
///   the baseline median, VCI 50 against 2010-2019).
/// - Columns 56-63, bare ground: 0.05 + jitter / 10 (baseline maximum below 0.10: not assessable).
/// - Patch A, rows 10-19 x columns 10-21 (120 pixels): 0.4 x the normal value from 2021-03-15 on.
/// - Patch B, rows 35-44 x columns 30-37 (80 pixels): the same from 2021-06-15 on.
public enum WarningSeries {
    /// The file, relative to the fixtures root.
    public static let path = "warn/ndvi_monthly_2010_2021.tif"
    /// Its README.
    public static let readmePath = "warn/README.md"
    /// Grid size.
    public static let size = 64
    /// A planted drought patch.
    public struct Patch: Sendable {
        /// Rows and columns (inclusive).
        public var rows: ClosedRange<Int>, columns: ClosedRange<Int>
        /// The first month in drought.
        public var onset: String
        /// Pixels.
        public var pixels: Int { rows.count * columns.count }
    }
    /// Patch A (onset 2021-03) and patch B (onset 2021-06).
    public static let patches = [Patch(rows: 10...19, columns: 10...21, onset: "2021-03-15"), Patch(rows: 35...44, columns: 30...37, onset: "2021-06-15")]
    /// The bare columns.
    public static let bareColumns = 56...63
    /// The months: (year, month).
    public static let months: [(Int, Int)] = (2010...2021).flatMap { y in (1...12).map { (y, $0) } }.filter { $0.0 < 2021 || $0.1 <= 6 }

    /// NDVI of pixel (row, column) in month (year, month).
    public static func ndvi(row: Int, column: Int, year: Int, month: Int) -> Double {
        let jitter = year <= 2019 ? 0.01 * (Double((3 * year) % 10) - 4.5) : 0
        if bareColumns.contains(column) { return 0.05 + jitter / 10 }
        let normal = 0.30 + 0.05 * Double(column) / 63 + 0.10 * (1 - cos(2 * Double.pi * Double(month - 1) / 12)) / 2 + jitter
        let date = String(format: "%04d-%02d-15", year, month)
        for p in patches where p.rows.contains(row) && p.columns.contains(column) && date >= p.onset { return 0.4 * normal }
        return normal
    }

    /// Writes the series and its README under `root`; returns their relative paths.
    public static func write(into root: String) throws -> [String] {
        let file = (root as NSString).appendingPathComponent(path)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let ds = try Dataset.create(file, width: size, height: size, bands: months.count, type: .int16, options: GeoTIFFWriter.creationOptions)
        try ds.setGeoTransform(GeoTransform([StudyArea.originX, StudyArea.pixelSize, 0, StudyArea.originY, 0, -StudyArea.pixelSize]))
        guard let srs = SpatialReference(epsg: StudyArea.epsg) else { throw GDALError("cannot write \(file)", messages: ["PROJ does not know EPSG:\(StudyArea.epsg)"]) }
        try ds.setProjection(srs.wkt2)
        ds.setMetadataItem("SOURCE", "kubuqi-monitor synthetic fixture: monthly NDVI with a planted drought; see warn/README.md")
        let all = Window(column: 0, row: 0, width: size, height: size)
        for (i, (y, m)) in months.enumerated() {
            let band = try ds.band(i + 1)
            try band.setNodata(-32768)
            try band.setScale(0.0001, offset: 0)
            band.setDescription(String(format: "%04d-%02d-15", y, m))
            var values = [Float](repeating: 0, count: size * size)
            for r in 0..<size { for c in 0..<size { values[r * size + c] = Float((ndvi(row: r, column: c, year: y, month: m) * 10_000).rounded()) } }
            try values.withUnsafeBufferPointer { try band.write(all, from: $0) }
        }
        try ds.close()
        try Data(readme.utf8).write(to: URL(fileURLWithPath: (root as NSString).appendingPathComponent(readmePath)))
        return [path, readmePath]
    }

    /// The README of the series.
    static var readme: String {
        """
        # A monthly NDVI series with a planted drought (for `warn`)

        `ndvi_monthly_2010_2021.tif`: \(size) x \(size) pixels of 30 m (EPSG:32649, the study area's upper-left corner),
        \(months.count) bands, one per month from 2010-01-15 to 2021-06-15 (dates in the band descriptions),
        Int16 NDVI x 10000 (scale 0.0001, nodata -32768). Written by `Sources/KubuqiFixtures/WarningSeries.swift`.

        - Every pixel: 0.30 + 0.05 x column / 63, plus a season of 0.10 peaking in July, plus a year offset
          of 0.01 x ((3 x year) mod 10 - 4.5) in 2010-2019 and none from 2020 on (an ordinary year: VCI 50).
        - Columns 56-63: bare ground, NDVI about 0.05 (not assessable).
        - Patch A, rows 10-19, columns 10-21 (120 pixels): 40 % of its normal NDVI from 2021-03-15 on.
        - Patch B, rows 35-44, columns 30-37 (80 pixels): the same from 2021-06-15 on.

        Against the baseline 2010-2019, assessing 2021-05-15: one extreme hotspot (patch A), persistence 3,
        onset 2021-03-15. Assessing 2021-06-15 with the first run as `--previous`: patch A continuing
        (persistence 4), patch B new (persistence 1).

        """
    }
}
