import Foundation

/// The `_MTL.txt` of a synthetic scene, in the real Collection 2 Level-2
/// ODL layout (`GROUP = ...` / `KEY = VALUE` / `END_GROUP = ...`, two spaces
/// of indent per level, `END` last).
///
/// It lists only the files the fixture ships (B2..B7, QA_PIXEL, the MTL).
/// As in a real product, `LEVEL1_RADIOMETRIC_RESCALING` repeats the key
/// names `REFLECTANCE_MULT_BAND_n` / `REFLECTANCE_ADD_BAND_n` with the
/// Level-1 top-of-atmosphere values (2.0E-05, -0.1): a reader must take the
/// surface-reflectance ones from `LEVEL2_SURFACE_REFLECTANCE_PARAMETERS`.
/// Also as in a real product, the corner coordinates are those of the
/// corner pixels' centres (the GeoTIFF origin is half a pixel further out).
public struct LandsatMTL: Sendable {
    /// Latitude and longitude of the four corner-pixel centres (UL, UR, LL, LR),
    /// computed once with PROJ (`gdaltransform -s_srs EPSG:32649 -t_srs EPSG:4326`)
    /// and fixed here so that every platform writes the same digits.
    static let cornerLatLon: [(lat: String, lon: String)] = [
        ("40.29988", "108.60034"), ("40.30171", "108.69028"),
        ("40.23102", "108.60278"), ("40.23285", "108.69263"),
    ]

    /// The scene the MTL describes.
    public let scene: LandsatScene

    /// The MTL of `scene`.
    public init(scene: LandsatScene) { self.scene = scene }

    /// The file name, e.g. `LC08_L2SP_128032_20130815_20200912_02_T1_MTL.txt`.
    public var fileName: String { scene.acquisition.fileName("MTL.txt") }

    /// The MTL text.
    public var text: String {
        let a = scene.acquisition
        let bands = OLIBand.allCases
        let origin = "\"Synthetic test fixture of kubuqi-monitor, not a USGS product\""
        var lines: [(Int, String)] = []
        func group(_ name: String, _ level: Int, _ body: () -> Void) {
            lines.append((level, "GROUP = \(name)"))
            body()
            lines.append((level, "END_GROUP = \(name)"))
        }
        func put(_ key: String, _ value: String, _ level: Int = 2) { lines.append((level, "\(key) = \(value)")) }
        func quoted(_ s: String) -> String { "\"\(s)\"" }

        let valid = scene.qa.values.count - scene.fillCount
        let cloudy = scene.count(.cloud) + scene.count(.dilatedCloud)
        let cover = String(format: "%.2f", Double(cloudy * 10000 / valid) / 100)
        let w = StudyArea.width, h = StudyArea.height
        let ulx = StudyArea.centreX(column: 0), uly = StudyArea.centreY(row: 0)
        let lrx = StudyArea.centreX(column: w - 1), lry = StudyArea.centreY(row: h - 1)
        let generated = a.isoProcessingDate + "T06:12:48Z"

        group("LANDSAT_METADATA_FILE", 0) {
            group("PRODUCT_CONTENTS", 1) {
                put("ORIGIN", origin)
                put("LANDSAT_PRODUCT_ID", quoted(a.productID))
                put("PROCESSING_LEVEL", quoted("L2SP"))
                put("COLLECTION_NUMBER", "02")
                put("COLLECTION_CATEGORY", quoted("T1"))
                put("OUTPUT_FORMAT", quoted("GEOTIFF"))
                for b in bands { put("FILE_NAME_BAND_\(b.number)", quoted(a.fileName(b.productSuffix + ".TIF"))) }
                put("FILE_NAME_QUALITY_L1_PIXEL", quoted(a.fileName("QA_PIXEL.TIF")))
                put("FILE_NAME_METADATA_ODL", quoted(fileName))
                for b in bands { put("DATA_TYPE_BAND_\(b.number)", quoted("UINT16")) }
                put("DATA_TYPE_QUALITY_L1_PIXEL", quoted("UINT16"))
            }
            group("IMAGE_ATTRIBUTES", 1) {
                put("SPACECRAFT_ID", quoted(a.spacecraftID))
                put("SENSOR_ID", quoted(a.sensorID))
                put("WRS_TYPE", "2")
                put("WRS_PATH", String(a.path))
                put("WRS_ROW", String(a.row))
                put("NADIR_OFFNADIR", quoted("NADIR"))
                put("TARGET_WRS_PATH", String(a.path))
                put("TARGET_WRS_ROW", String(a.row))
                put("DATE_ACQUIRED", a.isoDate)
                put("SCENE_CENTER_TIME", quoted(a.sceneCenterTime))
                put("STATION_ID", quoted("LGN"))
                put("CLOUD_COVER", cover)
                put("CLOUD_COVER_LAND", cover)
                put("IMAGE_QUALITY_OLI", "9")
                put("IMAGE_QUALITY_TIRS", "9")
                put("ROLL_ANGLE", "-0.001")
                put("SUN_AZIMUTH", a.sunAzimuth)
                put("SUN_ELEVATION", a.sunElevation)
                put("EARTH_SUN_DISTANCE", a.earthSunDistance)
            }
            group("PROJECTION_ATTRIBUTES", 1) {
                put("MAP_PROJECTION", quoted("UTM"))
                put("DATUM", quoted("WGS84"))
                put("ELLIPSOID", quoted("WGS84"))
                put("UTM_ZONE", "49")
                put("GRID_CELL_SIZE_REFLECTIVE", "30.00")
                put("GRID_CELL_SIZE_THERMAL", "30.00")
                put("REFLECTIVE_LINES", String(h))
                put("REFLECTIVE_SAMPLES", String(w))
                put("THERMAL_LINES", String(h))
                put("THERMAL_SAMPLES", String(w))
                put("ORIENTATION", quoted("NORTH_UP"))
                for (corner, ll) in zip(["UL", "UR", "LL", "LR"], Self.cornerLatLon) {
                    put("CORNER_\(corner)_LAT_PRODUCT", ll.lat)
                    put("CORNER_\(corner)_LON_PRODUCT", ll.lon)
                }
                for (corner, xy) in zip(["UL", "UR", "LL", "LR"], [(ulx, uly), (lrx, uly), (ulx, lry), (lrx, lry)]) {
                    put("CORNER_\(corner)_PROJECTION_X_PRODUCT", String(format: "%.3f", xy.0))
                    put("CORNER_\(corner)_PROJECTION_Y_PRODUCT", String(format: "%.3f", xy.1))
                }
            }
            group("LEVEL2_PROCESSING_RECORD", 1) {
                put("ORIGIN", origin)
                put("LANDSAT_PRODUCT_ID", quoted(a.productID))
                put("PROCESSING_LEVEL", quoted("L2SP"))
                put("OUTPUT_FORMAT", quoted("GEOTIFF"))
                put("DATE_PRODUCT_GENERATED", generated)
                put("PROCESSING_SOFTWARE_VERSION", quoted("kubuqi-monitor fixtures"))
                put("ALGORITHM_SOURCE_SURFACE_REFLECTANCE", quoted("synthetic linear endmember mixture"))
            }
            group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", 1) {
                for b in bands {
                    put("REFLECTANCE_MAXIMUM_BAND_\(b.number)", "1.602213")
                    put("REFLECTANCE_MINIMUM_BAND_\(b.number)", "-0.199972")
                }
                for b in bands {
                    put("QUANTIZE_CAL_MAX_BAND_\(b.number)", "65535")
                    put("QUANTIZE_CAL_MIN_BAND_\(b.number)", "1")
                }
                for b in bands { put("REFLECTANCE_MULT_BAND_\(b.number)", "2.75E-05") }
                for b in bands { put("REFLECTANCE_ADD_BAND_\(b.number)", "-0.2") }
            }
            group("LEVEL1_PROCESSING_RECORD", 1) {
                put("ORIGIN", origin)
                put("LANDSAT_SCENE_ID", quoted(a.sceneID))
                put("LANDSAT_PRODUCT_ID", quoted(a.level1ProductID))
                put("PROCESSING_LEVEL", quoted("L1TP"))
                put("COLLECTION_NUMBER", "02")
                put("COLLECTION_CATEGORY", quoted("T1"))
                put("OUTPUT_FORMAT", quoted("GEOTIFF"))
                put("DATE_PRODUCT_GENERATED", generated)
            }
            group("LEVEL1_RADIOMETRIC_RESCALING", 1) {
                for b in bands { put("REFLECTANCE_MULT_BAND_\(b.number)", "2.0000E-05") }
                for b in bands { put("REFLECTANCE_ADD_BAND_\(b.number)", "-0.100000") }
            }
            group("LEVEL1_PROJECTION_PARAMETERS", 1) {
                put("MAP_PROJECTION", quoted("UTM"))
                put("DATUM", quoted("WGS84"))
                put("ELLIPSOID", quoted("WGS84"))
                put("UTM_ZONE", "49")
                put("GRID_CELL_SIZE_PANCHROMATIC", "15.00")
                put("GRID_CELL_SIZE_REFLECTIVE", "30.00")
                put("GRID_CELL_SIZE_THERMAL", "30.00")
                put("ORIENTATION", quoted("NORTH_UP"))
                put("RESAMPLING_OPTION", quoted("CUBIC_CONVOLUTION"))
            }
        }
        return lines.map { String(repeating: "  ", count: $0.0) + $0.1 }.joined(separator: "\n") + "\nEND\n"
    }
}
