import Foundation
import KubuqiRaster

/// The sensors whose scene layouts kubuqi-monitor reads (`--sensor`).
public enum SensorPreset: String, Sendable, CaseIterable {
    /// Sentinel-2 L2A: a SAFE folder, a folder of band GeoTIFF/COGs (B02.tif...) or a STAC item JSON.
    case sentinel2 = "sentinel2-l2a"
    /// Landsat 4-5 TM, 7 ETM+, 8-9 OLI Collection 2 Level-2: `*_SR_B*.TIF`, `QA_PIXEL`, `MTL`.
    case landsat = "landsat-c2l2"
    /// MODIS MOD09/MYD09 surface reflectance (`sur_refl_b0N` files).
    case modis09 = "modis-mod09"
    /// MODIS MOD13/MYD13 vegetation-index products' reflectance layers.
    case modis13 = "modis-mod13"

    /// Parses a `--sensor` value (also the short names s2, landsat, mod09, mod13).
    public init(name: String) throws {
        let aliases: [String: SensorPreset] = ["s2": .sentinel2, "sentinel2": .sentinel2, "sentinel-2": .sentinel2,
                                               "landsat": .landsat, "mod09": .modis09, "myd09": .modis09,
                                               "mod13": .modis13, "myd13": .modis13]
        guard let p = SensorPreset(rawValue: name.lowercased()) ?? aliases[name.lowercased()] else {
            throw KubuqiError(.usage, "--sensor: " + EnumeratedValue.refusal(name, choices: SensorPreset.allCases.map(\.rawValue), forms: ["s2", "landsat", "mod09", "mod13"]))
        }
        self = p
    }

    /// Options of the presets that the metadata may not settle.
    public struct Options: Sendable {
        /// Sentinel-2 BOA_ADD_OFFSET in DN (-1000 from processing baseline 04.00), nil to read it from metadata.
        public var boaOffset: Float?
        /// Also mask water (SCL class 6; QA_PIXEL bit 7).
        public var maskWater: Bool
        /// Creates options.
        public init(boaOffset: Float? = nil, maskWater: Bool = false) {
            self.boaOffset = boaOffset
            self.maskWater = maskWater
        }
    }

    /// Resolves the scene at `path`.
    public func load(_ path: String, options: Options = Options()) throws -> Scene {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw KubuqiError.input(path, "no such file or folder")
        }
        switch self {
        case .sentinel2: return try Sentinel2Scene.load(path, isFolder: isDir.boolValue, options: options)
        case .landsat: return try LandsatScene.load(path, options: options)
        case .modis09, .modis13: return try ModisScene.load(path, product: self)
        }
    }
}

/// Files of a folder, recursively, by name.
enum SceneFiles {
    /// Every regular file under `folder` (recursively), sorted for determinism.
    static func list(_ folder: String) throws -> [String] {
        guard let e = FileManager.default.enumerator(atPath: folder) else {
            throw KubuqiError.input(folder, "cannot list the folder")
        }
        var out: [String] = []
        while let item = e.nextObject() as? String {
            let full = (folder as NSString).appendingPathComponent(item)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { out.append(full) }
        }
        return out.sorted()
    }

    /// The first file whose name matches `regex` (case-insensitive).
    static func first(_ files: [String], matching regex: String) -> String? {
        files.first { ($0 as NSString).lastPathComponent.range(of: regex, options: [.regularExpression, .caseInsensitive]) != nil }
    }
}
