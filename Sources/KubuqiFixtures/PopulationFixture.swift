import Foundation
import KubuqiRaster

/// A population raster for `drought`'s SO3-2 exposure (docs/climate.md, course lesson 10), on the
/// precipitation's coarse grid (``PrecipitationSeries``: 240 m, 36 x 36): people per pixel,
/// deterministic and hand-countable.
///
/// - ``base`` people in every coarse pixel;
/// - two towns of 3 x 3 pixels with ``town`` people each: one inside the drought block
///   (rows and columns ``droughtTown``), one outside it (``otherTown``).
///
/// So the whole area holds 1296 x 10 + 2 x 9 x 490 = 21780 people, the drought block
/// (49 pixels) 49 x 10 + 9 x 490 = 4900, and the rest 16880.
public enum PopulationFixture {
    /// The file, relative to the fixtures' root.
    public static let path = "climate/population_2020.tif"
    /// People in an ordinary coarse pixel.
    public static let base = 10
    /// People in a town pixel.
    public static let town = 500
    /// The town inside the drought block (coarse rows, columns).
    public static let droughtTown = (rows: 13...15, columns: 28...30)
    /// The town outside it.
    public static let otherTown = (rows: 4...6, columns: 4...6)

    /// People in coarse pixel (row, column).
    public static func people(row: Int, column: Int) -> Int {
        let inTown = { (t: (rows: ClosedRange<Int>, columns: ClosedRange<Int>)) in t.rows.contains(row) && t.columns.contains(column) }
        return inTown(droughtTown) || inTown(otherTown) ? town : base
    }

    /// People in the coarse pixels for which `include` holds.
    public static func total(where include: (Int, Int) -> Bool = { _, _ in true }) -> Int {
        var n = 0
        for r in 0..<PrecipitationSeries.height { for c in 0..<PrecipitationSeries.width where include(r, c) { n += people(row: r, column: c) } }
        return n
    }

    /// Writes the raster (UInt16, no nodata) into `root`.
    public static func write(into root: String, metadata: [(String, String)]) throws {
        let file = (root as NSString).appendingPathComponent(path)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let plane = PixelPlane<UInt16>(width: PrecipitationSeries.width, height: PrecipitationSeries.height) { r, c in UInt16(people(row: r, column: c)) }
        try GeoTIFFWriter.write(file, type: .uint16, bands: [.init(GeoTIFFWriter.floats(plane), description: "people per pixel (synthetic, 2020)")],
                                metadata: metadata + [("UNITS", "people")],
                                grid: (PrecipitationSeries.width, PrecipitationSeries.height, PrecipitationSeries.geoTransform))
    }

    /// The README section.
    public static var readme: String {
        let block = total { PrecipitationSeries.inDrought(row: $0, column: $1) }
        return """

        ## Population: drought exposure

        For `drought --population` (SO3-2, docs/climate.md, course lesson 10):
        `\(path)` holds people per pixel (UInt16, no nodata) on the precipitation's grid (240 m, 36 x 36):
        \(base) in every pixel, and \(town) in each pixel of two towns of 3 x 3 pixels, one inside the drought block
        (coarse rows \(droughtTown.rows.lowerBound)-\(droughtTown.rows.upperBound), columns \(droughtTown.columns.lowerBound)-\(droughtTown.columns.upperBound)) and one outside it (rows \(otherTown.rows.lowerBound)-\(otherTown.rows.upperBound), columns \(otherTown.columns.lowerBound)-\(otherTown.columns.upperBound)).
        The area holds \(total()) people, the drought block (\(PrecipitationSeries.droughtRows.count * PrecipitationSeries.droughtColumns.count) pixels) \(block), the rest \(total() - block).

        """
    }
}
