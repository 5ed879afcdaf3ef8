import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The legend of a class raster, embedded so GIS software shows it: a raster
/// attribute table (value, class, colour; GeoTIFF keeps it in the `.aux.xml`
/// sidecar, since GeoTIFF colour tables cannot index negative Int16 codes)
/// and a QGIS style file (`.qml`) beside the raster, which QGIS applies on opening.
public enum ClassLegend {
    /// One class of a legend.
    public struct Entry: Sendable {
        /// The code in the raster.
        public var value: Int
        /// Its name.
        public var name: String
        /// Its colour.
        public var rgb: (UInt8, UInt8, UInt8)
        /// Creates an entry.
        public init(value: Int, name: String, rgb: (UInt8, UInt8, UInt8)) { self.value = value; self.name = name; self.rgb = rgb }
    }

    /// The change classes.
    public static let change: [Entry] = ChangeClass.allCases.map { Entry(value: Int($0.rawValue), name: $0.description, rgb: ($0.color.red, $0.color.green, $0.color.blue)) }

    /// Attaches `entries` (the change classes by default) to the raster at `path`.
    public static func attach(to path: String, entries: [Entry] = change) throws {
        do {
            let ds = try Dataset.open(path, update: true)
            try ds.band(1).setCategories(entries.map { ($0.value, $0.name, $0.rgb) })
            try ds.close()
        } catch let e as GDALError {
            throw KubuqiError.output(path, e.description)
        }
        let qml = (path as NSString).deletingPathExtension + ".qml"
        try atomicWrite(Data(qgisStyle(entries).utf8), to: qml)
    }

    /// A QGIS paletted-renderer style for the classes.
    static func qgisStyle(_ entries: [Entry]) -> String {
        let items = entries.map { e in
            let hex = String(format: "#%02x%02x%02x", e.rgb.0, e.rgb.1, e.rgb.2)
            return "        <paletteEntry value=\"\(e.value)\" color=\"\(hex)\" alpha=\"255\" label=\"\(e.name)\"/>"
        }.joined(separator: "\n")
        return """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28" styleCategories="Symbology">
          <pipe>
            <rasterrenderer type="paletted" band="1" opacity="1" nodataColor="">
              <colorPalette>
        \(items)
              </colorPalette>
            </rasterrenderer>
          </pipe>
        </qgis>

        """
    }
}
