import Foundation
import KubuqiRaster

/// MODIS surface reflectance in folders of per-layer GeoTIFFs.
///
/// MOD09/MYD09: `sur_refl_b01`..`b07`, reflectance x 1e-4, nodata -28672;
/// band 1 red, 2 NIR, 3 blue, 4 green, 6 SWIR 1.6 um, 7 SWIR 2.1 um.
/// MOD13/MYD13: the red, NIR, blue and MIR (2.1 um) reflectance layers,
/// x 1e-4, nodata -1000; the VI Quality MODLAND bits (0-1) values 2 and 3
/// (not produced) exclude a pixel.
enum ModisScene {
    static let mod09: [BandRole: String] = [.red: "sur_refl_b01", .nir: "sur_refl_b02", .blue: "sur_refl_b03",
                                            .green: "sur_refl_b04", .swir1: "sur_refl_b06", .swir2: "sur_refl_b07"]
    static let mod13: [BandRole: String] = [.red: "(_RR_B04|red_reflectance)", .nir: "(_NIRR_B05|NIR_reflectance)",
                                            .blue: "(_BR_B06|blue_reflectance)", .swir2: "(_MIRR_B07|MIR_reflectance)"]

    static func load(_ path: String, product: SensorPreset) throws -> Scene {
        let all = try SceneFiles.list(path)
        let patterns = product == .modis09 ? mod09 : mod13
        var bands: [BandRole: SceneBand] = [:]
        var lookedFor: [BandRole: String] = [:]
        for (role, pattern) in patterns {
            lookedFor[role] = "a file named like \(pattern) in \(path)"
            if let f = SceneFiles.first(all, matching: pattern + ".*\\.(tif|tiff)$") {
                bands[role] = SceneBand(BandSelection(path: f), scale: 1e-4, nodata: product == .modis09 ? -28672 : -1000,
                                        plausible: product == .modis09 ? ReflectanceRange.modis09 : ReflectanceRange.modis13)
            }
        }
        guard !bands.isEmpty else {
            throw KubuqiError.input(path, "no MODIS \(product == .modis09 ? "MOD09 sur_refl_b0N" : "MOD13 reflectance") layers found")
        }
        var mask: SceneMask?
        if product == .modis13, let viq = SceneFiles.first(all, matching: "(_VIQ_B03|VI_Quality).*\\.(tif|tiff)$") {
            mask = SceneMask(selection: BandSelection(path: viq), rule: .bits(0b10), summary: "VI Quality MODLAND bits = 2 or 3")
        }
        return Scene(sensor: product == .modis09 ? "MODIS MOD09" : "MODIS MOD13", source: path, bands: bands,
                     lookedFor: lookedFor, mask: mask, albedoSensor: "modis")
    }
}
