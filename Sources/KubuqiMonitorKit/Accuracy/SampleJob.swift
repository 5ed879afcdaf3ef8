import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// `sample`: a stratified random sample of a class map, ready to label.
///
/// Steps: survey the strata (one streamed pass) -> choose the sample size -> allocate it ->
/// draw ranks per stratum -> find the drawn pixels (a second streamed pass) -> write
/// `points.gpkg`, `points.csv` and `design.json` into the output folder.
public enum SampleJob {
    /// What a run drew.
    public struct Result: Sendable {
        /// The design written to `design.json`.
        public var design: SampleDesign
        /// The output folder.
        public var folder: String
    }

    /// One drawn pixel.
    struct Point {
        var id: Int
        var code: Int
        var column: Int
        var row: Int
    }

    /// Runs `sample`.
    public static func run(_ o: SampleOptions) throws -> Result {
        try o.validate()
        let files = InputRasters()
        let band = try files.band(o.map)
        InputRasters.noteFirstOfSeveral(band, selection: o.map, as: "the class map")
        let grid = band.dataset.grid
        guard let transform = grid.geoTransform else { throw KubuqiError.input(o.map.path, "has no georeferencing (geotransform): points could not be located") }
        // Both passes read every pixel: a map declaring more than the limit (a tiny VRT or sparse file can declare
        // 10^12) is refused before any is read, rather than run for hours.
        let (declared, overflow) = grid.width.multipliedReportingOverflow(by: grid.height)
        if overflow || declared > o.maximumPixels {
            throw KubuqiError.input(o.map.path, "declares \(grid.width) x \(grid.height) = \(overflow ? "more than \(Int.max)" : String(declared)) pixels, more than sample reads (\(o.maximumPixels), --max-pixels); each of its two passes reads every pixel (about 20 ns a pixel): give --max-pixels \(overflow ? Int.max : declared) to sample it anyway, or sample a smaller map")
        }

        // 1. Strata.
        let survey = try StrataSurvey.survey(band, path: o.map.path, grid: grid, quiet: o.quiet)
        guard !survey.codes.isEmpty else { throw KubuqiError.input(o.map.path, "has no valid pixel to sample (all nodata)") }
        let totalArea = survey.areas.reduce(0, +)
        let weights = survey.areas.map { totalArea > 0 ? $0 / totalArea : 0 }
        let population = survey.pixels.reduce(0, +)

        // 2-4. Size, allocation, draw. A class named by --expected-accuracy must be on the map (a typo is not ignored).
        for code in o.expectedUsersAccuracy.keys.sorted() where !survey.codes.contains(code) {
            throw KubuqiError(.usage, "--expected-accuracy names class \(code), which the map does not have (classes: \(survey.codes.map(String.init).joined(separator: ", ")))")
        }
        let expected = zip(survey.codes, weights).map { o.expectedAccuracy(code: $0, weight: $1) }
        let (planned, rule) = try sampleSize(o, survey: survey, weights: weights, expected: expected, population: population)
        let sizes = o.allocation.allocate(total: planned, weights: weights, available: survey.pixels)
        let draw = StratumDraw(sizes: sizes, available: survey.pixels, seed: o.seed)

        // 5. The drawn pixels, in row-major order.
        let points = try locate(draw, band: band, path: o.map.path, codes: survey.codes, quiet: o.quiet)

        // 6. Outputs.
        let names = band.categoryNames()
        let design = SampleDesign(
            map: o.map.path, band: o.map.band, mapSHA256: try SHA256.file(o.map.path),
            width: grid.width, height: grid.height, geoTransform: transform.coefficients, crsWKT: grid.crsWKT,
            sizeRule: rule, plannedSize: planned, allocation: o.allocation.description, seed: o.seed,
            strata: survey.codes.indices.map { k in
                SampleDesign.Stratum(code: survey.codes[k], name: names[survey.codes[k]], pixels: survey.pixels[k],
                                     areaKm2: survey.areas[k] / 1e6, weight: weights[k], expectedUsersAccuracy: expected[k],
                                     sampleSize: sizes[k], inclusionProbability: Double(sizes[k]) / Double(survey.pixels[k]))
            },
            software: ToolVersion.nameAndVersion)
        let folder = try OutputFolder(o.outputFolder)
        try folder.runStaged { _, stage in
            try writePoints(points, design: design, names: names, transform: transform, grid: grid, folder: stage, outputFolder: o.outputFolder)
            try writeDesign(design, to: stage.file("design.json"))
            return ((), [o.map.path])
        }
        return Result(design: design, folder: o.outputFolder)
    }

    /// The sample size and the rule in words.
    static func sampleSize(_ o: SampleOptions, survey: StrataSurvey, weights: [Double], expected: [Double], population: Int) throws -> (Int, String) {
        switch o.size {
        case .fixed(let n):
            return (min(n, population), "fixed: \(n) points")
        case .overallAccuracySE(let se):
            let n = SampleSize.forOverallAccuracy(weights: weights, expectedUsersAccuracy: expected, targetSE: se, population: population)
            return (n, "standard error of the overall accuracy \(se) (Olofsson et al. 2014, eq. 13), expected user's accuracies per stratum as listed")
        case .classAreaSE(let code, let se):
            guard let k = survey.codes.firstIndex(of: code) else {
                throw KubuqiError(.usage, "--target-class-se names class \(code), which the map does not have (classes: \(survey.codes.map(String.init).joined(separator: ", ")))")
            }
            let n = SampleSize.forClassProportion(weights[k], targetSE: se, population: population)
            return (n, "standard error \(se) of the area proportion of class \(code) (mapped share \(weights[k]); Cochran 1977, eq. 4.2)")
        }
    }

    /// Finds the drawn ranks in a second pass, counting each stratum's pixels in row-major order.
    static func locate(_ draw: StratumDraw, band: RasterBand, path: String, codes: [Int], quiet: Bool) throws -> [Point] {
        var index = StrataSurvey.CodeIndex()
        for c in codes { _ = index.index(of: c, adding: Int.max) }
        var locator = StratumDraw.Locator(draw)
        var points: [Point] = []
        points.reserveCapacity(draw.ranks.reduce(0) { $0 + $1.count })
        try StrataSurvey.walk(band, path: path, progress: ProgressBar("points", quiet: quiet).update) { strip, values, valid in
            for i in 0..<values.count where valid[i] {
                guard let k = index.existing(Int(values[i])) else {
                    throw KubuqiError.input(path, "changed while it was read (class \(values[i]) appeared)")
                }
                if locator.isDrawn(stratum: k) {
                    points.append(Point(id: points.count + 1, code: codes[k], column: i % strip.width, row: strip.row + i / strip.width))
                }
            }
        }
        return points
    }

    /// `points.gpkg` (layer `points`, in the map's CRS) and `points.csv`, with the same columns:
    /// id, stratum, class name, map class, column, row, x, y (pixel centre in the map's CRS),
    /// lon, lat (WGS 84) and an empty `reference` to fill in.
    static func writePoints(_ points: [Point], design: SampleDesign, names: [Int: String], transform: GeoTransform, grid: Grid, folder: OutputFolder, outputFolder: String) throws {
        // Pixel centres in the map's CRS, then the same points in WGS 84.
        let projected = points.map { transform.apply(column: Double($0.column) + 0.5, row: Double($0.row) + 0.5) }
        var xs = projected.map(\.x), ys = projected.map(\.y)
        var ok = [Bool](repeating: false, count: points.count)
        if let srs = SpatialReference(wkt: grid.crsWKT), let toWGS84 = CoordinateTransform.toWGS84(from: srs) {
            ok = toWGS84.transform(x: &xs, y: &ys)
        }
        let columns: [(String, VectorTable.FieldType)] = [
            ("id", .integer), ("stratum", .integer), ("class_name", .string), ("map_class", .integer), ("col", .integer), ("row", .integer),
            ("x", .real), ("y", .real), ("lon", .real), ("lat", .real), ("reference", .string)]
        let rows = points.enumerated().map { k, p in
            VectorTable.Row(values: [
                .integer(p.id), .integer(p.code), names[p.code].map(VectorTable.Value.string) ?? .null, .integer(p.code),
                .integer(p.column), .integer(p.row), .real(projected[k].x), .real(projected[k].y),
                ok[k] ? .real(xs[k]) : .null, ok[k] ? .real(ys[k]) : .null, .null,
            ], point: projected[k])
        }
        do {
            try VectorTable.write(path: folder.file("points.gpkg"), driver: "GPKG", layer: "points",
                                  crsWKT: grid.crsWKT.isEmpty ? nil : grid.crsWKT, columns: columns, rows: rows)
            try VectorTable.write(path: folder.file("points.csv"), driver: "CSV", layer: "points", crsWKT: nil, columns: columns, rows: rows)
        } catch let e as GDALError {
            throw KubuqiError.output(outputFolder, e.description)
        }
    }

    /// The design as pretty-printed JSON.
    static func writeDesign(_ design: SampleDesign, to path: String) throws {
        try atomicWrite(try ReportJSON.encode(design), to: path)
    }
}
