import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Sentinel-2 L2A scenes: SAFE folders, folders of band files, STAC items.
///
/// Reflectance = (DN + BOA_ADD_OFFSET) / 10000, with BOA_ADD_OFFSET = -1000
/// from processing baseline 04.00 (25 January 2022) and 0 before; DN 0 is
/// nodata. The scene classification (SCL) excludes no data (0), saturated or
/// defective (1), cloud shadow (3), cloud medium (8) and high (9)
/// probability, thin cirrus (10) and snow (11); water (6) on request.
enum Sentinel2Scene {
    static let bandNames: [BandRole: String] = [.blue: "B02", .green: "B03", .red: "B04", .nir: "B08", .swir1: "B11", .swir2: "B12"]
    static let stacKeys: [BandRole: [String]] = [.blue: ["blue", "B02"], .green: ["green", "B03"], .red: ["red", "B04"],
                                                 .nir: ["nir", "B08"], .swir1: ["swir16", "B11"], .swir2: ["swir22", "B12"]]

    static func load(_ path: String, isFolder: Bool, options: SensorPreset.Options) throws -> Scene {
        var files: [BandRole: String] = [:]
        var scl: String?
        var facts: [String: String] = [:]
        var lookedFor: [BandRole: String] = [:]
        if isFolder {
            let all = try SceneFiles.list(path)
            for (role, name) in bandNames {
                let pattern = "(^|_)\(name)(_[0-9]+m)?\\.(tif|tiff|jp2)$"
                files[role] = SceneFiles.first(all, matching: pattern)
                lookedFor[role] = "\(name).tif, \(name).jp2 or *_\(name)_10m/20m/60m.jp2 under \(path)"
            }
            scl = SceneFiles.first(all, matching: "(^|_)SCL(_[0-9]+m)?\\.(tif|tiff|jp2)$")
            if let mtd = SceneFiles.first(all, matching: "^MTD_MSIL2A\\.xml$") {
                facts.merge(try metadataFacts(InputFile.text(mtd), file: mtd)) { a, _ in a }
            }
            if let stac = SceneFiles.first(all, matching: "\\.json$"), let data = try? InputFile.read(stac),
               let item = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                facts.merge(stacFacts(item)) { a, _ in a }
            }
        } else {
            let data = try InputFile.read(path)
            guard let item = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let assets = item["assets"] as? [String: Any] else {
                throw KubuqiError.input(path, "not a Sentinel-2 folder or STAC item JSON (no \"assets\")")
            }
            let folder = PathNames.parent(path)
            for (role, keys) in stacKeys {
                lookedFor[role] = "STAC assets \(keys.joined(separator: " or "))"
                if let key = keys.first(where: { assets[$0] != nil }) { files[role] = try localHref(assets[key], key: key, json: path, folder: folder) }
            }
            if assets["scl"] != nil { scl = try localHref(assets["scl"], key: "scl", json: path, folder: folder) }
            facts = stacFacts(item)
        }

        // Not one band: the wrong folder (or sensor), said before any note on its baseline.
        guard !files.isEmpty else {
            throw KubuqiError.input(path, "no Sentinel-2 L2A band found (looked for \(lookedFor[.red] ?? "B04")); is --sensor right for this folder?")
        }
        let offsetDN: Float
        if let given = options.boaOffset {
            try validateOffset(given)
            offsetDN = given
            facts["boa_offset_source"] = "--boa-offset"
        } else if let known = facts["boa_offset"].flatMap(Float.init), known.isFinite, abs(known) <= offsetLimit {
            offsetDN = known
        } else if let baseline = facts["processing_baseline"] {
            offsetDN = baseline.compare("04.00", options: .numeric) == .orderedAscending ? 0 : -1000
            facts["boa_offset_source"] = "processing baseline \(baseline)"
        } else {
            Diagnostics.warn("\(path): Sentinel-2 processing baseline unknown; assuming no BOA offset (baseline before 04.00). "
                             + "Give --boa-offset -1000 for products of baseline 04.00 or later.")
            offsetDN = 0
            facts["boa_offset_source"] = "assumed (baseline unknown)"
        }
        facts["boa_offset"] = String(Int(offsetDN))

        var bands: [BandRole: SceneBand] = [:]
        for (role, file) in files {
            bands[role] = SceneBand(BandSelection(path: file), scale: 1e-4, offset: offsetDN * 1e-4, nodata: 0, plausible: ReflectanceRange.sentinel2L2A)
        }
        let rule = MaskRule.sentinel2SCL(maskWater: options.maskWater)
        let mask = scl.map { SceneMask(selection: BandSelection(path: $0), rule: rule.rule, summary: rule.summary) }
        return Scene(sensor: "Sentinel-2 L2A", source: path, bands: bands, lookedFor: lookedFor, mask: mask,
                     albedoSensor: "sentinel2", facts: facts)
    }

    /// A STAC asset's file: a relative href beside the JSON, or, for a remote
    /// href, a file of the same name beside the JSON (kubuqi-monitor never downloads).
    static func localHref(_ asset: Any?, key: String, json: String, folder: String) throws -> String {
        guard let href = (asset as? [String: Any])?["href"] as? String else {
            throw KubuqiError.input(json, "STAC asset \(key) has no href")
        }
        if href.hasPrefix("http://") || href.hasPrefix("https://") || href.hasPrefix("s3://") {
            let local = (folder as NSString).appendingPathComponent((href as NSString).lastPathComponent)
            guard FileManager.default.fileExists(atPath: local) else {
                throw KubuqiError.input(json, "STAC asset \(key) is remote (\(href)) and no copy \(local) is beside the JSON; download it first")
            }
            return local
        }
        let path = href.hasPrefix("file://") ? String(href.dropFirst(7)) : href
        // A GDAL virtual path (/vsicurl/, /vsis3/...) or another scheme in a downloaded
        // file would make GDAL fetch it: only the user may name such a path.
        if path.hasPrefix("/vsi") || path.range(of: "^[A-Za-z][A-Za-z0-9+.-]*:", options: .regularExpression) != nil
            || path.contains("/vsi") {
            throw KubuqiError.input(json, "STAC asset \(key) names \(Quoted.name(href)), a GDAL virtual or remote path; "
                                    + "kubuqi-monitor reads only local files from metadata (name such a path on the command line instead)")
        }
        return path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
    }

    static func stacFacts(_ item: [String: Any]) -> [String: String] {
        var facts: [String: String] = [:]
        let p = item["properties"] as? [String: Any] ?? [:]
        if let b = p["s2:processing_baseline"] as? String { facts["processing_baseline"] = b }
        if let d = p["datetime"] as? String { facts["datetime"] = d }
        if let applied = p["earthsearch:boa_offset_applied"] as? Bool, applied { facts["boa_offset"] = "0" }
        return facts
    }

    /// The largest BOA offset accepted, in DN (products use -1000; reflectance is DN / 10000).
    static let offsetLimit: Float = 10_000

    /// The processing baseline and BOA_ADD_OFFSET of an `MTD_MSIL2A.xml`; an
    /// input error naming `file` when the offset is not a whole number of DN
    /// within +/-10000 (a downloaded file may hold anything).
    static func metadataFacts(_ xml: String, file: String = "MTD_MSIL2A.xml") throws -> [String: String] {
        var facts: [String: String] = [:]
        if let r = xml.range(of: "<PROCESSING_BASELINE>([0-9.]+)</PROCESSING_BASELINE>", options: .regularExpression) {
            facts["processing_baseline"] = String(xml[r]).replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        }
        if let r = xml.range(of: "<BOA_ADD_OFFSET[^>]*>[^<]*</BOA_ADD_OFFSET>", options: .regularExpression) {
            let text = String(xml[r]).replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
                .trimmingCharacters(in: .whitespaces)
            guard let value = Float(text), value.isFinite, abs(value) <= offsetLimit, value == value.rounded() else {
                throw KubuqiError.input(file, "BOA_ADD_OFFSET \(Quoted.name(String(text.prefix(40)))) is not a whole number of DN within +/-\(Int(offsetLimit))")
            }
            facts["boa_offset"] = String(Int(value))
        }
        return facts
    }

    /// An error unless `offset` (from --boa-offset) is a whole number of DN within +/-10000.
    static func validateOffset(_ offset: Float) throws {
        guard offset.isFinite, abs(offset) <= offsetLimit, offset == offset.rounded() else {
            throw KubuqiError(.usage, "--boa-offset must be a whole number of DN within +/-\(Int(offsetLimit)) (products use -1000), not \(offset)")
        }
    }
}
