import Foundation
import KubuqiGDAL
import KubuqiRaster

/// A hand-built 4 x 2 region (30 m pixels, 0.0009 km2 each) whose every LDN
/// status is worked out by hand, plus helpers to write LDN configs.
public enum LDNTestRegion {
    /// Size of the region.
    public static let width = 4, height = 2
    /// The productivity years.
    public static let years = Array(2000...2010)

    /// Pixels: 0 falling NDVI, 1 rising NDVI, 2 grassland -> bare, 3 bare -> tree,
    /// 4-6 flat grassland, 7 water.
    public static func write(_ tmp: TemporaryFolder, stackYears: [Int]? = nil, lcCodes2010: [Float]? = nil) throws -> String {
        let ys = stackYears ?? years
        var options = CreationOptions()
        options.set("COMPRESS", "DEFLATE")
        let ds = try Dataset.create(tmp.file("ndvi.tif"), width: width, height: height, bands: ys.count, type: .float32, options: options)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        try ds.setProjection(SpatialReference(epsg: 32649)!.wkt2)
        for (k, y) in ys.enumerated() {
            let t = Float(y - 2000)
            // Falling 0.6 -> 0.2, rising 0.3 -> 0.7, everything else flat at 0.5; water -0.2.
            let values: [Float] = [0.6 - 0.04 * t, 0.3 + 0.04 * t, 0.5, 0.5, 0.5, 0.5, 0.5, -0.2]
            let band = try ds.band(k + 1)
            band.setDescription(String(y))
            try values.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: width, height: height), from: $0) }
        }
        try ds.close()
        try TestRaster.write(tmp.file("lc2000.tif"), width: width, height: height, values: [130, 130, 130, 200, 130, 130, 130, 210], type: .byte)
        try TestRaster.write(tmp.file("lc2010.tif"), width: width, height: height,
                             values: lcCodes2010 ?? [130, 130, 200, 60, 130, 130, 130, 210], type: .byte)
        try TestRaster.write(tmp.file("soc.tif"), width: width, height: height, values: Array(repeating: 40, count: 8))
        return try config(tmp, extra: "")
    }

    /// A config over the region's files (relative paths), with `extra` appended.
    public static func config(_ tmp: TemporaryFolder, extra: String, periods: String = "[periods]\nbaseline = [2000, 2010]\n") throws -> String {
        let text = """
        # hand-built test region
        [productivity]
        stack = "ndvi.tif"

        [landcover]
        maps = { 2000 = "lc2000.tif", 2010 = "lc2010.tif" }

        [soc]
        baseline = "soc.tif"
        climate = "temperate-dry"

        \(periods)
        \(extra)
        """
        try text.write(toFile: tmp.file("ldn.toml"), atomically: true, encoding: .utf8)
        return tmp.file("ldn.toml")
    }
}
