import Foundation
import KubuqiIndicators
import KubuqiRaster

/// Local STAC collections as `stack` inputs: an ItemCollection (a GeoJSON
/// FeatureCollection of items), a single Item, or a Catalog/Collection whose
/// `item` and `child` links lead to item files (at most 8 levels deep).
/// Each item is one observation: the asset `--asset KEY` (or the item's only
/// asset) at band `--band` (default 1), dated by `properties.datetime` (or `start_datetime`), its day in UTC.
/// Hrefs follow the rules of scenes' STAC items: relative to the JSON, a
/// remote asset only as a copy of the same name beside the JSON, never a
/// GDAL virtual path from metadata.
enum StackSTAC {
    static func observations(_ json: String, asset: String?, band: Int = 1) throws -> [StackObservation] {
        var out: [StackObservation] = []
        try visit(json, asset: asset, band: band, depth: 0, into: &out)
        guard !out.isEmpty else { throw KubuqiError.input(json, "the STAC file holds no item") }
        return out
    }

    private static func load(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw KubuqiError.input(path, "not a readable STAC JSON object")
        }
        return dict
    }

    private static func visit(_ path: String, asset: String?, band: Int, depth: Int, into out: inout [StackObservation]) throws {
        guard depth <= 8 else { throw KubuqiError.input(path, "STAC links nest more than 8 levels deep") }
        let doc = try load(path)
        let folder = PathNames.parent(path)
        switch doc["type"] as? String {
        case "FeatureCollection":
            for (i, f) in ((doc["features"] as? [Any]) ?? []).enumerated() {
                guard let item = f as? [String: Any] else { throw KubuqiError.input(path, "feature \(i + 1) is not an object") }
                out.append(try observation(item, json: path, folder: folder, asset: asset, band: band))
            }
        case "Feature":
            out.append(try observation(doc, json: path, folder: folder, asset: asset, band: band))
        case "Catalog", "Collection":
            for link in (doc["links"] as? [[String: Any]]) ?? [] {
                guard let rel = link["rel"] as? String, rel == "item" || rel == "child" else { continue }
                let target = try Sentinel2Scene.localHref(link, key: "link \(rel)", json: path, folder: folder)
                try visit(target, asset: asset, band: band, depth: depth + 1, into: &out)
            }
        default:
            throw KubuqiError.input(path, "not a STAC Item, ItemCollection, Catalog or Collection (type \(doc["type"].map { "\($0)" } ?? "missing"))")
        }
    }

    private static func observation(_ item: [String: Any], json: String, folder: String, asset: String?, band: Int) throws -> StackObservation {
        let id = item["id"] as? String ?? "?"
        let props = item["properties"] as? [String: Any] ?? [:]
        guard let stamp = (props["datetime"] as? String) ?? (props["start_datetime"] as? String),
              let date = DateInText.cell(String(stamp.prefix(10))) else {
            throw KubuqiError.input(json, "STAC item \(id) has no readable properties.datetime (expected YYYY-MM-DDThh:mm:ssZ)")
        }
        let assets = item["assets"] as? [String: Any] ?? [:]
        let key: String
        if let asset {
            guard assets[asset] != nil else {
                throw KubuqiError.input(json, "STAC item \(id) has no asset '\(asset)' (assets: \(assets.keys.sorted().joined(separator: ", ")))")
            }
            key = asset
        } else {
            guard assets.count == 1, let only = assets.keys.first else {
                throw KubuqiError.input(json, "STAC item \(id) has \(assets.count) assets (\(assets.keys.sorted().joined(separator: ", "))); choose one with --asset KEY")
            }
            key = only
        }
        let file = try Sentinel2Scene.localHref(assets[key], key: key, json: json, folder: folder)
        return StackObservation(path: file, band: band, date: date, dateSource: "STAC item \(id) in \((json as NSString).lastPathComponent)")
    }
}
