import Foundation
import KubuqiRaster

/// The climate part of the fixtures (docs/climate.md): monthly precipitation,
/// a rain-fed variant of the annual NDVI stack that follows it, the regions
/// of the planted truth, and an `ldn` config using them.
///
/// - Rainfall-driven decline: the drought block of ``PrecipitationSeries``
///   (steppe, no planted patch). Its NDVI falls with its rain from 2011 on;
///   nothing else changes there.
/// - Human-driven decline: the planted degradation patches (D1-D7): their
///   NDVI falls 2013-2023 as in the main stack, with the area's ordinary rain.
///
/// The rain-fed stack is the main stack's NDVI times
/// 1 - s + s A / 300 (s = ``PrecipitationSeries/sensitivity``, A the pixel's
/// annual total, bilinear from the coarse grid), stored the same way.
public struct ClimateFixture: Sendable {
    public static let precipitationPath = "climate/precipitation_monthly_2000_2024.tif"
    public static let rainfedStackPath = "ndvi/ndvi_annual_rainfed_2000_2024.tif"
    public static let regionsPath = "truth/climate_regions.tif"
    public static let configPath = "ldn-climate.toml"
    /// Every file of the climate fixtures (listed in truth.json with the others).
    public static let files = [precipitationPath, rainfedStackPath, regionsPath, configPath]

    /// Region codes of ``regionsPath``.
    public enum Region: UInt8, Sendable {
        case none = 0, rainfall = 1, human = 2
    }

    public let precipitation: PrecipitationSeries
    /// Rain-fed NDVI x 10000 per year.
    public let rainfed: [PixelPlane<Int16>]
    public let regions: PixelPlane<UInt8>

    /// The climate fixtures of `area` from its NDVI stack.
    public init(area: StudyArea, stack: AnnualNDVIStack) {
        let p = PrecipitationSeries()
        precipitation = p
        rainfed = stack.planes.enumerated().map { k, plane in
            PixelPlane<Int16>(width: StudyArea.width, height: StudyArea.height) { r, c in
                let ndvi = Double(plane[r, c]) / AnnualNDVIStack.scale
                let a = p.total(yearIndex: k, row: r, column: c)
                return AnnualNDVIStack.encode(ndvi * (1 - PrecipitationSeries.sensitivity + PrecipitationSeries.sensitivity * a / 300))
            }
        }
        let kinds = area.patches.reduce(into: [Int: PatchKind]()) { $0[$1.id] = $1.kind }
        regions = PixelPlane<UInt8>(width: StudyArea.width, height: StudyArea.height) { r, c in
            let id = Int(area.patchIDs[r, c])
            if id > 0, kinds[id] == .degradation { return Region.human.rawValue }
            return PrecipitationSeries.inDroughtInterior(row: r, column: c) ? Region.rainfall.rawValue : Region.none.rawValue
        }
        precondition(!zip(regions.values, area.patchIDs.values).contains { $0 == Region.rainfall.rawValue && $1 > 0 },
                      "the drought block holds no planted patch")
    }

    /// Pixels of a region.
    public func count(_ region: Region) -> Int { regions.values.filter { $0 == region.rawValue }.count }

    /// The `ldn` config of the climate fixtures: RESTREND over Trends.Earth's 16-year windows.
    public static let config = """
    # SDG indicator 15.3.1 with climate-corrected productivity on the synthetic study area
    # (docs/climate.md, docs/course/09-climate.md). Paths are relative to this file's folder.
    # Written by `kubuqi-monitor fixtures`; README.md states the planted truth.

    [productivity]
    stack = "ndvi/ndvi_annual_rainfed_2000_2024.tif"   # the rain-fed NDVI, one band per year
    scale = 0.0001

    [landcover]
    maps = { 2000 = "landcover/lccs_2000.tif", 2024 = "landcover/lccs_2024.tif" }

    [soc]
    baseline = "soc/soc_baseline_0_30cm.tif"
    climate = "temperate-dry"

    [periods]
    baseline = [2000, 2013]
    reporting = [[2014, 2018], [2019, 2024]]

    [windows]
    preset = "trends-earth"       # 16-year trajectory windows: 2009-2024 for the last period

    [climate]
    precipitation = "climate/precipitation_monthly_2000_2024.tif"   # monthly, 240 m, bands dated 2000-01-15 ...
    method = "restrend"           # or "rue", or "trend" (no correction)
    significance = 0.05

    """

    /// The README section stating the planted truth.
    public func readme() -> String {
        let wet = PrecipitationSeries.wetness.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        let km2 = { (n: Int) in String(format: "%.4f", Double(n) * 0.0009) }
        return """

        ## Climate: rainfall-driven and human-driven decline

        For `ldn` with climate-corrected productivity (`\(Self.configPath)`, docs/climate.md):

        | file | what it holds |
        |---|---|
        | `\(Self.precipitationPath)` | monthly precipitation 2000-2024, 300 bands dated `2000-01-15` ..., Int16 tenths of mm (scale 0.1), on a coarser grid: 240 m pixels, 36 x 36, EPSG:\(StudyArea.epsg), origin (\(Int(PrecipitationSeries.originX)), \(Int(PrecipitationSeries.originY))) |
        | `\(Self.rainfedStackPath)` | the annual NDVI stack made rain-fed: NDVI x (1 - \(PrecipitationSeries.sensitivity) + \(PrecipitationSeries.sensitivity) A / 300), A the pixel's annual precipitation (bilinear from the 240 m grid) |
        | `\(Self.regionsPath)` | the planted truth: 1 rainfall-driven decline, 2 human-driven decline, 0 neither |
        | `\(Self.configPath)` | `ldn` with `[climate] method = "restrend"` and 16-year windows |

        Precipitation: month m of year y is c_m g_y d_y (1 + 0.25 sin(2.3 y + 1.7 m)) mm, rounded to 0.1 mm, with the
        climatology c = 2, 3, 8, 12, 25, 40, 80, 75, 35, 12, 5, 3 mm (300 mm a year), the area-wide wetness g of
        2000-2024 = \(wet) (no trend), and the drought d = 1, except in coarse rows \(PrecipitationSeries.droughtRows.lowerBound)-\(PrecipitationSeries.droughtRows.upperBound) and columns \(PrecipitationSeries.droughtColumns.lowerBound)-\(PrecipitationSeries.droughtColumns.upperBound)
        where it is 1 up to 2010 and falls linearly to 0.55 in 2024.

        Planted truth:

        - **Rainfall-driven decline** (code 1, \(count(.rainfall)) pixels, \(km2(count(.rainfall))) km2 on the map grid; the steppe
          whose four surrounding coarse pixels are all in the drought block): the NDVI falls from 2011 with the rain alone.
          The plain trajectory (`method = "trend"`) calls it declining in 2009-2024; RESTREND does not (its residuals have no
          trend), and `decline-explained-by-rainfall.tif` marks it. Not degraded either with state on the climate-normalized
          series (`correct = "trajectory-state"`, the default); with the trajectory alone corrected, state on the plain NDVI
          of the driest years 2022-2024 falls two classes: LPD class 2, degraded (docs/climate.md).
        - **Human-driven decline** (code 2, \(count(.human)) pixels, \(km2(count(.human))) km2: the degradation patches D1-D7): the NDVI falls
          2013-2023 as in the main stack while the rain there is the area's ordinary rain. Declining under both the plain
          trend and RESTREND, and degraded.
        - The trend-free wetness leaves the rest of the steppe without a trajectory under either method.

        """
    }
}
