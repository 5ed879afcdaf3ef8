import Foundation
import KubuqiGDAL

/// `info`: describes rasters as text or JSON.
public enum InfoJob {
    /// Describes every raster in `paths`; throws on the first that cannot be opened.
    public static func describe(_ paths: [String]) throws -> [DatasetDescription] {
        let inputs = InputRasters()
        return try paths.map { try DatasetDescription(inputs.dataset($0)) }
    }

    /// Pretty-printed, key-sorted JSON of the descriptions.
    public static func json(_ descriptions: [DatasetDescription]) throws -> String {
        String(decoding: try ReportJSON.encode(descriptions), as: UTF8.self)
    }

    /// Human-readable text, one block per raster.
    public static func text(_ d: DatasetDescription) -> String {
        var lines = ["\(d.path)",
                     "  driver:     \(d.driver)",
                     "  size:       \(d.size[0]) x \(d.size[1]) pixels, \(d.bandCount) band\(d.bandCount == 1 ? "" : "s")"]
        switch (d.crsName, d.proj) {
        case let (name?, _): lines.append("  crs:        \(d.epsg.map { "EPSG:\($0) " } ?? "")(\(name))")
        case let (nil, proj?): lines.append("  crs:        \(d.epsg.map { "EPSG:\($0) " } ?? "")\(proj)")
        case (nil, nil): lines.append("  crs:        \(d.wkt == nil ? "none" : "unnamed, see --json for its WKT")")
        }
        if let p = d.pixelSize { lines.append("  pixel size: \(fmt(p[0])) x \(fmt(p[1]))") }
        if let e = d.extent { lines.append("  extent:     \(e.map { fmt($0) }.joined(separator: ", "))  (minx, miny, maxx, maxy)") }
        for b in d.bands {
            var line = "  band \(b.band): \(b.dataType)"
            if !b.description.isEmpty { line += " \"\(b.description)\"" }
            line += ", nodata \(b.nodata?.description ?? "none")"
            line += ", scale \(b.scale.map { fmt($0) } ?? "none"), offset \(b.offset.map { fmt($0) } ?? "none")"
            if let u = b.units { line += ", units \(u)" }
            line += ", block \(b.blockSize[0])x\(b.blockSize[1])"
            if !b.overviews.isEmpty { line += ", overviews " + b.overviews.map { "\($0[0])x\($0[1])" }.joined(separator: " ") }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func fmt(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e12 ? String(Int64(v)) : String(format: "%.9g", v)
    }
}
