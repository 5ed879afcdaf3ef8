import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `change`'s output folder as a STAC catalogue: an Item per raster (class,
/// magnitude, direction) over the period from the before date to the after date.
enum ChangePublication {
    /// The raster files of a run, in the output folder.
    static func rasters(_ o: ChangeOptions) -> [String] {
        ["change-class.tif", "change-magnitude.tif"] + (o.method == .cva ? ["change-direction.tif"] : [])
    }

    /// The period a run describes: from the start of the before date (a day, or
    /// a year's first day) to the end of the after date; without a date in the
    /// inputs, the inputs' modification days (said in `kubuqi:time_source`).
    static func time(_ report: ChangeReport) -> (STACProduct.Time, String) {
        let (b, a) = report.dates
        let before = b.source == "none" ? nil : b.text, after = a.source == "none" ? nil : a.text
        func start(_ d: String) -> String { d.count == 4 ? d + "-01-01T00:00:00Z" : d + "T00:00:00Z" }
        func end(_ d: String) -> String { d.count == 4 ? d + "-12-31T23:59:59Z" : d + "T23:59:59Z" }
        if let before, let after {
            return (.period(start: start(before), end: end(after)), "dates of the inputs (\(b.source), \(a.source))")
        }
        let days = [report.before[0].path, report.after[0].path].map(modificationDay)
        return (.period(start: start(days[0]), end: end(days[1])), "modification days of the input files (no date found in them)")
    }

    static func modificationDay(_ path: String) -> String {
        let date = ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        return f.string(from: date)
    }

    /// The degradation and improvement patches (classes -2, -1, 1, 2) of the final class raster as
    /// polygons, `change-patches.gpkg` in `folder` (one machine's staging folder, or the merged tiles' folder).
    static func patches(classPath: String, zones: ZoneLayer?, folder: OutputFolder, work: WorkFolder, quiet: Bool) throws -> String {
        let gpkg = patchPath(folder)
        try PatchLayer.write(classRaster: classPath, legend: ClassLegend.change, wanted: patchClasses, zones: zones, units: .changeTables,
                             to: gpkg, layer: "patches", work: work, quiet: quiet)
        return gpkg
    }

    /// The classes drawn as patches: degradation and improvement (-2, -1, 1, 2).
    static let patchClasses: Set<Int> = [-2, -1, 1, 2]

    /// `change-patches.gpkg` in `folder`.
    static func patchPath(_ folder: OutputFolder) -> String { folder.file("change-patches.gpkg") }

    /// Writes `catalog.json` and the Items into the (staged) output folder.
    static func catalogue(_ o: ChangeOptions, report: ChangeReport, folder: OutputFolder) throws {
        let (time, source) = time(report)
        let method = "\(o.method.rawValue) of \(o.indices.map { $0.uppercased() }.joined(separator: ",")), threshold \(o.threshold)"
        let common = ["time_source": source, "method": method]
        var products = [
            STACProduct(path: folder.file("change-class.tif"), id: "change-class", title: "Change classes (\(method))", time: time,
                        classes: ClassLegend.change,
                        extras: [.init(key: "style", path: folder.file("change-class.qml"), type: "text/xml", title: "QGIS style", roles: ["style"])]
                            + (o.patches ? [.init(key: "patches", path: folder.file("change-patches.gpkg"), type: STACCatalog.geoPackageType,
                                                  title: "Degradation and improvement patches (polygons with class, area, zone)", roles: ["data"])] : []),
                        properties: common),
            STACProduct(path: folder.file("change-magnitude.tif"), id: "change-magnitude", title: "Change magnitude", time: time, properties: common),
        ]
        if o.method == .cva {
            products.append(STACProduct(path: folder.file("change-direction.tif"), id: "change-direction", title: "Change direction", time: time,
                                        properties: common))
        }
        try STACCatalog.write(folder: folder.path, id: "kubuqi-change", title: "Change detection",
                              description: "Two-date change detection by \(ToolVersion.nameAndVersion): \(method).",
                              products: products,
                              related: [(folder.file("change-stats.json"), "application/json", "Area tables (JSON)"),
                                        (folder.file("change-stats.csv"), "text/csv", "Area tables (CSV)"),
                                        (folder.file("quicklook.png"), "image/png", "Quicklook")])
    }
}
