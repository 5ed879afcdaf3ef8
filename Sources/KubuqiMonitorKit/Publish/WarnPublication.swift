import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `warn`'s output folder as a STAC catalogue: an Item per raster over the assessed period,
/// the hotspots and the bulletin as related files (docs/publishing.md).
enum WarnPublication {
    /// The period of the assessed composite, as a STAC time.
    static func time(_ plan: WarnPlan) -> STACProduct.Time {
        let p = plan.periods[plan.assessed]
        return .period(start: "\(p.first)T00:00:00Z", end: "\(p.last)T23:59:59Z")
    }

    /// Rewrites the written rasters as Cloud Optimized GeoTIFFs, then writes `catalog.json` and the Items.
    static func publish(_ o: WarnOptions, plan: WarnPlan, rasters: [(path: String, title: String, isClasses: Bool)],
                        legend: [ClassLegend.Entry], folder: OutputFolder) throws {
        for r in rasters { try CloudOptimizedOutput.rewrite(r.path, userOptions: o.creationOptions) }
        let time = time(plan)
        let label = plan.periods[plan.assessed].label
        let common = ["metric": o.rule.metric.rawValue, "period": label,
                      "baseline": "\(o.baseline.lowerBound)-\(o.baseline.upperBound)", "accumulation": String(o.accumulation)]
        let products = rasters.map { r -> STACProduct in
            let stem = ((r.path as NSString).lastPathComponent as NSString).deletingPathExtension
            var extras: [STACProduct.Extra] = []
            if stem == "alert-level" {
                let qml = folder.file("alert-level.qml")
                if FileManager.default.fileExists(atPath: qml) {
                    extras.append(.init(key: "style", path: qml, type: "text/xml", title: "QGIS style", roles: ["style"]))
                }
                if FileManager.default.fileExists(atPath: folder.file("hotspots.gpkg")) {
                    extras.append(.init(key: "hotspots", path: folder.file("hotspots.gpkg"), type: STACCatalog.geoPackageType,
                                        title: "Hotspots (alert patches with level, area, persistence, zone)", roles: ["data"]))
                }
            }
            return STACProduct(path: r.path, id: "warn-\(stem)", title: r.title, time: time,
                               classes: r.isClasses && stem == "alert-level" ? legend : nil, extras: extras, properties: common)
        }
        try STACCatalog.write(folder: folder.path, id: "kubuqi-warn", title: "Early warning of vegetation stress, \(label)",
                              description: "Early warning by \(ToolVersion.nameAndVersion): \(o.rule.metric.rawValue) of \(label) against the baseline \(o.baseline.lowerBound)-\(o.baseline.upperBound).",
                              products: products,
                              related: [(folder.file("bulletin.json"), "application/json", "Bulletin (JSON)"),
                                        (folder.file("bulletin.html"), "text/html", "Bulletin"),
                                        (folder.file("zones.csv"), "text/csv", "Zones (CSV)"),
                                        (folder.file("hotspots.geojson"), "application/geo+json", "Hotspots (GeoJSON)")]
                                  .filter { FileManager.default.fileExists(atPath: $0.0) })
    }
}
