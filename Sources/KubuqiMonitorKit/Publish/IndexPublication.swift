import Foundation
import KubuqiGDAL
import KubuqiRaster

/// `index`'s outputs as publishable files: each raster a COG, and a STAC
/// catalogue in the output folder (several indices) or a standalone STAC Item
/// beside the raster (`-o FILE.tif` writes `FILE.item.json`).
enum IndexPublication {
    /// Rewrites the rasters as COGs and describes them.
    static func publish(names: [String], paths: [String], folder: OutputFolder?, options: IndexOptions, sceneBands: [SceneBand],
                        classes: [String: [ClassLegend.Entry]]) throws {
        for path in paths { try CloudOptimizedOutput.rewrite(path, userOptions: options.creationOptions) }
        try describe(names: names, paths: paths, folder: folder, options: options, sceneBands: sceneBands, classes: classes)
    }

    /// The STAC catalogue (or standalone Item) of rasters that are COGs already (one machine's, or `tiles merge`'s).
    static func describe(names: [String], paths: [String], folder: OutputFolder?, options: IndexOptions, sceneBands: [SceneBand],
                         classes: [String: [ClassLegend.Entry]]) throws {
        let date = ChangeDate.of(path: options.scene?.path ?? sceneBands[0].selection.path,
                                 selection: options.scene == nil ? sceneBands[0].selection : nil)
        let time: STACProduct.Time
        let source: String
        if date.source == "none" {
            let day = ChangePublication.modificationDay(sceneBands[0].selection.path)
            (time, source) = (.period(start: day + "T00:00:00Z", end: day + "T23:59:59Z"), "modification day of the input files (no date found in them)")
        } else if date.text.count == 4 {
            (time, source) = (.years(Int(date.text)!, Int(date.text)!), "year of the input (\(date.source))")
        } else {
            (time, source) = (.day(date.text), "date of the input (\(date.source))")
        }
        let products = zip(names, paths).map { name, path in
            STACProduct(path: path, id: name, title: name.uppercased(), time: time, classes: classes[name],
                        extras: classes[name] == nil ? [] : [.init(key: "style", path: (path as NSString).deletingPathExtension + ".qml",
                                                                   type: "text/xml", title: "QGIS style", roles: ["style"])],
                        properties: ["time_source": source])
        }
        if let folder {
            try STACCatalog.write(folder: folder.path, id: "kubuqi-index", title: "Spectral indices",
                                  description: "Spectral indices by \(ToolVersion.nameAndVersion): \(names.joined(separator: ", ")).",
                                  products: products)
        } else {
            try STACCatalog.writeItem(products[0])
        }
    }
}
