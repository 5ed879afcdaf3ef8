import Foundation

/// The facts of one Landsat Collection 2 Level-2 acquisition that name its
/// files and fill its MTL: satellite, date, processing date, path/row and sun.
public struct LandsatAcquisition: Sendable, Hashable {
    /// `LC08` or `LC09`.
    public var missionCode: String
    /// `LANDSAT_8` or `LANDSAT_9`.
    public var spacecraftID: String
    /// `OLI_TIRS` (Landsat 9 reports the same sensor id for OLI-2/TIRS-2).
    public var sensorID: String
    /// Year of acquisition.
    public var year: Int
    /// Month of acquisition.
    public var month: Int
    /// Day of acquisition.
    public var day: Int
    /// Day of year of acquisition (for the scene id).
    public var dayOfYear: Int
    /// Processing date as `YYYYMMDD`.
    public var processingDate: String
    /// WRS-2 path.
    public var path: Int
    /// WRS-2 row.
    public var row: Int
    /// Scene centre time, as written in the MTL.
    public var sceneCenterTime: String
    /// Sun azimuth in degrees, as written in the MTL.
    public var sunAzimuth: String
    /// Sun elevation in degrees, as written in the MTL.
    public var sunElevation: String
    /// Earth-sun distance in astronomical units, as written in the MTL.
    public var earthSunDistance: String
    /// Whether the planted cloud, its ring and its shadow are in this scene.
    public var hasCloud: Bool
    /// Whether the scan-edge fill staircase is in this scene.
    public var hasFill: Bool

    /// The earlier scene: Landsat 8, 2013-08-15, clear, no fill.
    public static let early = LandsatAcquisition(
        missionCode: "LC08", spacecraftID: "LANDSAT_8", sensorID: "OLI_TIRS", year: 2013, month: 8, day: 15,
        dayOfYear: 227, processingDate: "20200912", path: 128, row: 32, sceneCenterTime: "03:23:41.2318790Z",
        sunAzimuth: "136.62581460", sunElevation: "58.41219733", earthSunDistance: "1.0128456",
        hasCloud: false, hasFill: false)

    /// The later scene: Landsat 9, 2023-08-19 (eight days off Landsat 8's
    /// 16-day cycle from 2013-08-15), with one cloud and a little edge fill.
    public static let late = LandsatAcquisition(
        missionCode: "LC09", spacecraftID: "LANDSAT_9", sensorID: "OLI_TIRS", year: 2023, month: 8, day: 19,
        dayOfYear: 231, processingDate: "20230821", path: 128, row: 32, sceneCenterTime: "03:23:52.6094170Z",
        sunAzimuth: "139.18734172", sunElevation: "56.90813655", earthSunDistance: "1.0119638",
        hasCloud: true, hasFill: true)

    /// Both scenes, earlier first.
    public static let both = [early, late]

    /// `YYYYMMDD` of acquisition.
    public var compactDate: String { String(format: "%04d%02d%02d", year, month, day) }

    /// `YYYY-MM-DD` of acquisition.
    public var isoDate: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// `PPPRRR`, e.g. `128032`.
    public var pathRow: String { String(format: "%03d%03d", path, row) }

    /// The Level-2 product id, e.g. `LC08_L2SP_128032_20130815_20200912_02_T1`,
    /// which is also the product's folder name and the prefix of its files.
    public var productID: String { "\(missionCode)_L2SP_\(pathRow)_\(compactDate)_\(processingDate)_02_T1" }

    /// The Level-1 product the Level-2 one was made from.
    public var level1ProductID: String { "\(missionCode)_L1TP_\(pathRow)_\(compactDate)_\(processingDate)_02_T1" }

    /// The scene id, e.g. `LC81280322013227LGN00`.
    public var sceneID: String {
        let satellite = missionCode == "LC09" ? "LC9" : "LC8"
        return satellite + pathRow + String(format: "%04d%03d", year, dayOfYear) + "LGN00"
    }

    /// `YYYY-MM-DD` of processing.
    public var isoProcessingDate: String {
        let d = Array(processingDate)
        return String(d[0..<4]) + "-" + String(d[4..<6]) + "-" + String(d[6..<8])
    }

    /// The file name of `suffix` in the product, e.g. `..._SR_B4.TIF`.
    public func fileName(_ suffix: String) -> String { "\(productID)_\(suffix)" }
}
