import Foundation
import KubuqiRaster

/// Landsat Collection 2 Level-2 scenes (4-5 TM, 7 ETM+, 8-9 OLI).
///
/// Surface reflectance = DN x 0.0000275 - 0.2 (the MTL's REFLECTANCE_MULT /
/// ADD values are used when present); DN 0 is fill. QA_PIXEL bits 0 fill,
/// 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow and 5 snow exclude a
/// pixel; bit 7 water on request.
enum LandsatScene {
    static let oli: [BandRole: Int] = [.blue: 2, .green: 3, .red: 4, .nir: 5, .swir1: 6, .swir2: 7]
    static let tm: [BandRole: Int] = [.blue: 1, .green: 2, .red: 3, .nir: 4, .swir1: 5, .swir2: 7]

    static func load(_ path: String, options: SensorPreset.Options) throws -> Scene {
        var isDir: ObjCBool = false
        let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        let folder = isFolder ? path : PathNames.parent(path)
        let all = try SceneFiles.list(folder)
        var mtl: [String: String] = [:]
        let mtlFile = SceneFiles.first(all, matching: "_MTL\\.txt$")
        if let file = mtlFile {
            mtl = parseMTL(try InputFile.text(file))
        }
        let anyBand = SceneFiles.first(all, matching: "_SR_B[0-9]\\.TIF$")
        let level = mtl["PROCESSING_LEVEL"] ?? mtl["DATA_TYPE"] ?? ""
        // Level-1 band files are *_B4.TIF; Level-2 ones *_SR_B4.TIF and *_ST_B10.TIF.
        if anyBand == nil, !level.hasPrefix("L2"),
           level.hasPrefix("L1") || all.contains(where: { $0.range(of: "_B[0-9]+\\.TIF$", options: .regularExpression) != nil
                                                          && $0.range(of: "_S[RT]_B[0-9]+\\.TIF$", options: .regularExpression) == nil }) {
            throw KubuqiError.input(path, "a Landsat Level-1 product\(level.isEmpty ? "" : " (\(level))") holds top-of-atmosphere digital numbers; "
                                    + "--sensor landsat-c2l2 needs Collection 2 Level-2 surface reflectance (L2SP, *_SR_B*.TIF)")
        }
        guard anyBand != nil || !mtl.isEmpty else {
            throw KubuqiError.input(path, "not a Landsat Collection 2 Level-2 folder (no *_SR_B*.TIF and no *_MTL.txt)")
        }
        let spacecraft = mtl["SPACECRAFT_ID"] ?? spacecraftFromName(anyBand.map { ($0 as NSString).lastPathComponent } ?? "")
        let isOLI = spacecraft.hasSuffix("8") || spacecraft.hasSuffix("9")
        let numbers = isOLI ? oli : tm
        let sensorName: String
        switch spacecraft {
        case "LANDSAT_8", "LANDSAT_9": sensorName = "\(spacecraft.replacingOccurrences(of: "LANDSAT_", with: "Landsat ")) OLI C2 L2"
        case "LANDSAT_7": sensorName = "Landsat 7 ETM+ C2 L2"
        default: sensorName = "\(spacecraft.replacingOccurrences(of: "LANDSAT_", with: "Landsat ")) TM C2 L2"
        }
        var bands: [BandRole: SceneBand] = [:]
        var lookedFor: [BandRole: String] = [:]
        for (role, n) in numbers {
            lookedFor[role] = "*_SR_B\(n).TIF in \(folder)"
            guard let file = SceneFiles.first(all, matching: "_SR_B\(n)\\.TIF$") else { continue }
            let (mult, add) = try scaling(mtl, band: n, file: mtlFile ?? path)
            bands[role] = SceneBand(BandSelection(path: file), scale: mult, offset: add, nodata: 0, plausible: ReflectanceRange.landsatC2L2)
        }
        let rule = MaskRule.landsatQAPixel(maskWater: options.maskWater)
        let mask = SceneFiles.first(all, matching: "_QA_PIXEL\\.TIF$").map {
            SceneMask(selection: BandSelection(path: $0), rule: rule.rule, summary: rule.summary)
        }
        var facts: [String: String] = ["spacecraft": spacecraft]
        if let d = mtl["DATE_ACQUIRED"] { facts["date_acquired"] = d }
        return Scene(sensor: sensorName, source: path, bands: bands, lookedFor: lookedFor, mask: mask,
                     albedoSensor: "landsat", facts: facts)
    }

    /// `KEY = VALUE` lines of an MTL file (quotes removed). Keys inside
    /// `LEVEL2_SURFACE_REFLECTANCE_PARAMETERS` win over the same keys elsewhere:
    /// Collection 2 MTLs repeat `REFLECTANCE_MULT_BAND_n` / `ADD` with the
    /// top-of-atmosphere values under `LEVEL1_RADIOMETRIC_RESCALING`.
    static func parseMTL(_ text: String) -> [String: String] {
        var out: [String: String] = [:], surface: [String: String] = [:]
        var groups: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if key == "GROUP" { groups.append(value); continue }
            if key == "END_GROUP" { _ = groups.popLast(); continue }
            if groups.last == "LEVEL2_SURFACE_REFLECTANCE_PARAMETERS" { surface[key] = value }
            if out[key] == nil { out[key] = value }
        }
        return out.merging(surface) { _, l2 in l2 }
    }

    /// The REFLECTANCE_MULT / ADD of band `n` (Collection 2 Level-2 defaults
    /// 2.75e-5 and -0.2 when the MTL has none). A value that is present must be
    /// a finite number, the gain within (0, 1] and the offset within [-10, 10]:
    /// a NaN, infinite, zero or absurd gain would give all-nodata or NDVI far
    /// outside [-1, 1] with exit 0.
    static func scaling(_ mtl: [String: String], band n: Int, file: String) throws -> (mult: Float, add: Float) {
        func number(_ key: String, default value: Float, valid: (Float) -> Bool, range: String) throws -> Float {
            guard let text = mtl[key] else { return value }
            guard let v = Float(text), v.isFinite, valid(v) else {
                throw KubuqiError.input(file, "\(key) = \(Quoted.name(String(text.prefix(40)))) is not a finite number in \(range)")
            }
            return v
        }
        let mult = try number("REFLECTANCE_MULT_BAND_\(n)", default: 2.75e-5, valid: { $0 > 0 && $0 <= 1 }, range: "(0, 1]")
        let add = try number("REFLECTANCE_ADD_BAND_\(n)", default: -0.2, valid: { abs($0) <= 10 }, range: "[-10, 10]")
        return (mult, add)
    }

    /// LC08 -> LANDSAT_8, LE07 -> LANDSAT_7, LT05 -> LANDSAT_5 from a product file name.
    static func spacecraftFromName(_ name: String) -> String {
        guard name.count >= 4, let n = Int(name.dropFirst(2).prefix(2)) else { return "LANDSAT_8" }
        return "LANDSAT_\(n)"
    }
}
