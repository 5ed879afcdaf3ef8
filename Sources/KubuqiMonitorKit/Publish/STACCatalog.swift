import Foundation
import KubuqiGDAL
import KubuqiRaster

/// A run's output folder as a self-contained STAC 1.0.0 Catalog
/// (docs/publishing.md): `catalog.json` in the folder links one Item per
/// raster product (`<raster stem>.item.json` beside the raster) and any child
/// catalogues; every link and asset href is relative, so the folder can be
/// moved, copied or served as it is.
///
/// Each Item carries its time (a date or a period), its footprint in WGS 84
/// (`bbox`, `geometry`), and the `proj`, `raster`, `classification`, `file`
/// (size, SHA-256 multihash) and `processing` (software and version)
/// extensions. Nothing in it depends on the time of the run, so two runs on
/// the same inputs write the same catalogue.
public enum STACCatalog {
    /// The STAC version written.
    public static let version = "1.0.0"
    /// Extension schemas used by Items.
    public static let extensions = [
        "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
        "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
        "https://stac-extensions.github.io/classification/v1.1.0/schema.json",
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
        "https://stac-extensions.github.io/processing/v1.0.0/schema.json",
    ]
    /// The media type of a COG asset.
    public static let cogType = "image/tiff; application=geotiff; profile=cloud-optimized"
    /// The media type of a GeoPackage asset.
    public static let geoPackageType = "application/geopackage+sqlite3"

    /// Writes `folder/catalog.json` and an Item per product; `children` are
    /// paths of child catalogues, `related` other files of the run (reports,
    /// tables) linked from the catalogue.
    public static func write(folder: String, id: String, title: String, description: String, products: [STACProduct],
                             children: [String] = [], related: [(path: String, type: String, title: String)] = []) throws {
        try writeItems(products, folder: folder)
        try writeCatalog(folder: folder, id: id, title: title, description: description, products: products,
                         children: children, related: related)
    }

    /// Writes the Item of each product (linked to `folder/catalog.json`), side by side: each opens its own raster,
    /// hashes its own files and writes its own Item file. The products' files must be final.
    public static func writeItems(_ products: [STACProduct], folder: String) throws {
        try ConcurrentSteps.run(products.map { product in { try writeItem(product, folder: folder) } })
    }

    /// Writes the Item of `product` (linked to `folder/catalog.json`); its files must be final.
    public static func writeItem(_ product: STACProduct, folder: String) throws {
        let catalogPath = (folder as NSString).appendingPathComponent("catalog.json")
        let itemPath = itemPath(for: product.path)
        try writeJSON(try item(product, itemPath: itemPath, catalog: catalogPath), to: itemPath)
    }

    /// Writes `folder/catalog.json` linking the Items of `products` (in their order, written by
    /// ``writeItems(_:folder:)``), `children` and those of the `related` files that exist now.
    public static func writeCatalog(folder: String, id: String, title: String, description: String, products: [STACProduct],
                                    children: [String] = [], related: [(path: String, type: String, title: String)] = []) throws {
        let catalogPath = (folder as NSString).appendingPathComponent("catalog.json")
        var links: [[String: Any]] = [["rel": "root", "href": "./catalog.json", "type": "application/json", "title": title]]
        for product in products {
            links.append(["rel": "item", "href": href(itemPath(for: product.path), from: folder), "type": "application/geo+json", "title": product.title])
        }
        for child in children {
            links.append(["rel": "child", "href": href(child, from: folder), "type": "application/json"])
        }
        for r in related where FileManager.default.fileExists(atPath: r.path) {
            links.append(["rel": "related", "href": href(r.path, from: folder), "type": r.type, "title": r.title])
        }
        let catalog: [String: Any] = ["type": "Catalog", "stac_version": version, "id": id, "title": title,
                                      "description": description, "links": links]
        try writeJSON(catalog, to: catalogPath)
    }

    /// Writes a standalone Item (no catalogue) for one product beside its raster.
    public static func writeItem(_ product: STACProduct) throws {
        let path = itemPath(for: product.path)
        try writeJSON(try item(product, itemPath: path, catalog: nil), to: path)
    }

    /// The bytes of the Item of `product` (no catalogue), its files read where they are staged: `staged` maps each
    /// published path to the temporary holding its bytes now, so that the Item is published together with them
    /// (``AtomicOutput/commitAll(_:)``; `stack`, session 18). The hrefs are the published paths'.
    public static func itemData(_ product: STACProduct, staged: [String: String]) throws -> Data {
        try jsonData(try item(product, itemPath: itemPath(for: product.path), catalog: nil, staged: staged))
    }

    /// The Item file of a raster: `<stem>.item.json` beside it.
    public static func itemPath(for raster: String) -> String {
        (raster as NSString).deletingPathExtension + ".item.json"
    }

    /// A relative href (`./a/b.tif`, `../catalog.json`) from `folder` to `path`.
    static func href(_ path: String, from folder: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let r = PathNames.relative(from: PathNames.absolute(folder, in: cwd), to: PathNames.absolute(path, in: cwd))
        return r.hasPrefix("../") ? r : "./" + r
    }

    /// The Item of one product.
    /// `staged`: where the bytes of a published path are now (``itemData(_:staged:)``); a path not in it is read where it is.
    static func item(_ p: STACProduct, itemPath: String, catalog: String?, staged: [String: String] = [:]) throws -> [String: Any] {
        func bytes(_ path: String) -> String { staged[path] ?? path }
        let ds: Dataset
        do { ds = try Dataset.open(bytes(p.path)) } catch let e as GDALError { throw KubuqiError.output(p.path, e.description) }
        let grid = ds.grid
        let folder = PathNames.parent(itemPath)
        let located = try STACFootprint.of(grid: grid, path: p.path)
        let footprint = located ?? STACFootprint(ungeoreferenced: grid)
        var properties: [String: Any] = ["title": p.title, "processing:software": ["kubuqi-monitor": ToolVersion.version]]
        switch p.time {
        case .instant(let t): properties["datetime"] = t
        case .period(let start, let end):
            properties["datetime"] = NSNull()
            properties["start_datetime"] = start
            properties["end_datetime"] = end
        }
        footprint.projection.forEach { properties[$0.key] = $0.value }
        for (k, v) in p.properties { properties["kubuqi:" + k] = v }

        var bands: [[String: Any]] = []
        var classes: [[String: Any]] = []
        for b in 1...max(1, ds.bandCount) {
            let band = try ds.band(b)
            var entry: [String: Any] = ["data_type": band.dataType.rawValue.lowercased()]
            if let nd = band.nodata { entry["nodata"] = nd.isNaN ? "nan" : (nd.isInfinite ? (nd > 0 ? "inf" : "-inf") : nd as Any) }
            if let s = band.declaredScaling { entry["scale"] = s.scale; entry["offset"] = s.offset }
            if let u = band.units { entry["unit"] = u }
            if let res = footprint.resolution { entry["spatial_resolution"] = res }
            bands.append(entry)
            if b == 1 { classes = classList(p.classes, band: band) }
        }
        try ds.close()
        var data: [String: Any] = [
            "href": href(p.path, from: folder), "type": cogType, "title": p.title, "roles": ["data"],
            "raster:bands": bands,
            "file:size": try fileSize(bytes(p.path)), "file:checksum": "1220" + (try p.checksums[p.path] ?? SHA256.file(bytes(p.path))),
        ]
        if !classes.isEmpty { data["classification:classes"] = classes }
        var assets: [String: Any] = ["data": data]
        for e in p.extras where FileManager.default.fileExists(atPath: bytes(e.path)) {
            assets[e.key] = ["href": href(e.path, from: folder), "type": e.type, "title": e.title, "roles": e.roles,
                             "file:size": try fileSize(bytes(e.path)),
                             "file:checksum": "1220" + (try p.checksums[e.path] ?? SHA256.file(bytes(e.path)))] as [String: Any]
        }
        let links: [[String: Any]] = catalog.map { c in
            let catalogHref = href(c, from: folder)
            return [["rel": "root", "href": catalogHref, "type": "application/json"],
                    ["rel": "parent", "href": catalogHref, "type": "application/json"]]
        } ?? []
        var item: [String: Any] = [
            "type": "Feature", "stac_version": version, "stac_extensions": extensions, "id": p.id,
            "geometry": located == nil ? NSNull() : footprint.geometry as Any, "properties": properties, "assets": assets,
            "links": links,
        ]
        if located != nil { item["bbox"] = footprint.bbox }
        return item
    }

    /// `classification:classes` from the product's legend, else the band's class table.
    static func classList(_ legend: [ClassLegend.Entry]?, band: RasterBand) -> [[String: Any]] {
        if let legend {
            return legend.map { e in
                ["value": e.value, "name": slug(e.name), "description": e.name,
                 "color_hint": String(format: "%02X%02X%02X", e.rgb.0, e.rgb.1, e.rgb.2)]
            }
        }
        return band.categoryNames().sorted { $0.key < $1.key }.map { ["value": $0.key, "name": slug($0.value), "description": $0.value] }
    }

    /// A class name as the classification extension wants it (`^[0-9A-Za-z-_]+$`).
    static func slug(_ text: String) -> String {
        let s = String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            .split(separator: "_").joined(separator: "_")
        return s.isEmpty ? "class" : s
    }

    static func fileSize(_ path: String) throws -> Int {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
            throw KubuqiError.output(path, "cannot read its size for the STAC catalogue")
        }
        return size.intValue
    }

    /// Writes a JSON document (sorted keys, so two runs write the same bytes) atomically.
    static func writeJSON(_ object: Any, to path: String) throws {
        try SafeFiles.writeAtomically(try jsonData(object), to: path)
    }

    /// A JSON document's bytes (sorted keys, so two runs write the same bytes), with a final newline.
    static func jsonData(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
    }
}
