import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `ldn`'s output folder as a publishable set: its class layers as Cloud
/// Optimized GeoTIFFs, and a STAC catalogue with an Item per layer and period
/// (the period's years as the Item's time).
enum LDNPublication {
    /// Rewrites every layer of every period as a COG (after their legends,
    /// before the report's checksums).
    static func publishRasters(_ report: LDNReport, userOptions: CreationOptions) throws {
        for p in report.periods {
            for layer in LDNPeriod.Layer.allCases {
                if let path = p.files[layer] { try CloudOptimizedOutput.rewrite(path, userOptions: userOptions) }
            }
        }
    }

    /// The degraded (-1) and improved (1) patches of each period's SDG 15.3.1
    /// layer as polygons, `sdg-15-3-1-patches.gpkg` beside it; paths by period name.
    static func patches(_ report: LDNReport, zones: ZoneLayer?, work: WorkFolder, quiet: Bool) throws -> [String: String] {
        var out: [String: String] = [:]
        for p in report.periods {
            if let gpkg = try patches(of: p, zones: zones, work: work, quiet: quiet) { out[p.name] = gpkg }
        }
        return out
    }

    /// The patches of one period's SDG 15.3.1 layer, `sdg-15-3-1-patches.gpkg` beside it
    /// (nil for a period without an SDG layer).
    static func patches(of p: LDNPeriodResult, zones: ZoneLayer?, work: WorkFolder, quiet: Bool) throws -> String? {
        guard let sdg = p.files[.sdg] else { return nil }
        let gpkg = patchPath(sdg: sdg)
        try PatchLayer.write(classRaster: sdg, legend: LDNLegend.status, wanted: patchClasses, zones: zones, units: .ldnTables,
                             to: gpkg, layer: "patches", work: work, quiet: quiet)
        return gpkg
    }

    /// The SDG layer's classes drawn as patches: degraded (-1) and improved (1).
    static let patchClasses: Set<Int> = [-1, 1]

    /// The patch GeoPackage of the SDG layer `sdg`: `sdg-15-3-1-patches.gpkg` beside it.
    static func patchPath(sdg: String) -> String { (sdg as NSString).deletingPathExtension + "-patches.gpkg" }

    /// Writes the report (``LDNReport/write(to:inputs:drawn:)``) and the STAC Items of every layer side by side, then
    /// `catalog.json`, into the (staged) folder: everything after the last period's layers are published
    /// (docs/benchmarks.md, "ldn report tail"). The Items hash the published files, which are final once
    /// ``LDNPeriodPublisher/finish()`` has returned; the catalogue links the Items and the report files that exist, so
    /// it comes after both (``afterSideBySide(_:then:)``). The Items of the rasters in `itemsWritten` were written by the
    /// publisher as soon as their files were final (``LDNPeriodPublisher/itemsFolder``) and are not written again.
    static func report(_ report: LDNReport, folder: OutputFolder, inputs: [String],
                       maps: [String: [LDNPeriod.Layer: InteractiveMapLayer]], patches: [String: String],
                       itemsWritten: Set<String> = []) throws {
        let products = products(report, patches: patches)
        let left = products.filter { !itemsWritten.contains($0.path) }
        try afterSideBySide([
            { try report.write(to: folder, inputs: inputs, drawn: maps) },
            { try STACCatalog.writeItems(left, folder: folder.path) },
        ], then: { try catalogue(products, folder: folder) })
    }

    /// Runs `steps` side by side and, once every one of them has ended without an error, `last`
    /// (the error of the first failing step, in the order given, otherwise).
    static func afterSideBySide(_ steps: [() throws -> Void], then last: () throws -> Void) throws {
        try ConcurrentSteps.run(steps)
        try last()
    }

    /// Writes `catalog.json` and an Item per layer into the (staged) folder.
    static func catalogue(_ report: LDNReport, folder: OutputFolder, patches: [String: String] = [:]) throws {
        let products = products(report, patches: patches)
        try STACCatalog.writeItems(products, folder: folder.path)
        try catalogue(products, folder: folder)
    }

    /// The STAC products of every layer of every period (with its QGIS style and, for the SDG layer, its patches).
    static func products(_ report: LDNReport, patches: [String: String]) -> [STACProduct] {
        var products: [STACProduct] = []
        for p in report.periods {
            for layer in LDNPeriod.Layer.allCases {
                guard let path = p.files[layer] else { continue }
                products.append(product(layer, path: path, period: p.name, years: p.years, landCoverYears: p.landCoverYears,
                                        patches: layer == .sdg ? patches[p.name] : nil))
            }
        }
        return products
    }

    /// The STAC product of the layer `layer` at `path` of the period `period` (with its QGIS style and, for the SDG
    /// layer, its patch GeoPackage `patches`, if any).
    static func product(_ layer: LDNPeriod.Layer, path: String, period: String, years: ClosedRange<Int>, landCoverYears: (Int, Int),
                        patches: String?) -> STACProduct {
        var extras: [STACProduct.Extra] = [
            .init(key: "style", path: (path as NSString).deletingPathExtension + ".qml", type: "text/xml", title: "QGIS style", roles: ["style"])]
        if layer == .sdg, let gpkg = patches {
            extras.append(.init(key: "patches", path: gpkg, type: STACCatalog.geoPackageType,
                                title: "Degraded and improved patches (polygons with class, area, zone)", roles: ["data"]))
        }
        return STACProduct(
            path: path, id: "\(period)-\(layer.file)", title: "\(period): \(layer.title)",
            time: .years(years.lowerBound, years.upperBound), classes: LDNLegend.entries(layer), extras: extras,
            properties: ["period": period, "land_cover_years": "\(landCoverYears.0)-\(landCoverYears.1)"])
    }

    /// `catalog.json` linking the Items of `products` (already written) and the report files.
    static func catalogue(_ products: [STACProduct], folder: OutputFolder) throws {
        try STACCatalog.writeCatalog(folder: folder.path, id: "kubuqi-ldn", title: "SDG 15.3.1 land degradation",
                                     description: "SDG indicator 15.3.1 (proportion of land that is degraded) by \(ToolVersion.nameAndVersion): "
                                         + "sub-indicators and their one-out-all-out combination per period.",
                                     products: products,
                                     related: [(folder.file("report.html"), "text/html", "Report"),
                                               (folder.file("report.json"), "application/json", "Report (JSON)"),
                                               (folder.file("report.md"), "text/markdown", "Report (Markdown)")])
    }
}
