import KubuqiRaster

/// The quality-band rules of `--mask FILE[:BAND] --mask-rule NAME`, the same as
/// the scene presets use (docs/indices.md, "Cloud and quality masks").
public enum MaskRule {
    /// Landsat Collection 2 QA_PIXEL: bits 0-5 (fill, dilated cloud, cirrus, cloud,
    /// cloud shadow, snow), and bit 7 (water) with --mask-water.
    public static func landsatQAPixel(maskWater: Bool) -> SceneMaskRule {
        var bits: UInt32 = 0b11_1111
        if maskWater { bits |= 1 << 7 }
        return SceneMaskRule(rule: .bits(bits), summary: "QA_PIXEL bits fill, dilated cloud, cirrus, cloud, cloud shadow, snow" + (maskWater ? ", water" : ""))
    }

    /// Sentinel-2 L2A scene classification (SCL): classes 0 no data, 1 saturated or
    /// defective, 3 cloud shadow, 8-9 cloud, 10 cirrus, 11 snow; 6 water with --mask-water.
    public static func sentinel2SCL(maskWater: Bool) -> SceneMaskRule {
        var excluded: Set<Int> = [0, 1, 3, 8, 9, 10, 11]
        if maskWater { excluded.insert(6) }
        return SceneMaskRule(rule: .classes(excluded), summary: "SCL classes \(excluded.sorted().map(String.init).joined(separator: ","))")
    }

    /// CFmask / Fmask as in USGS ESPA `fmask` bands: 0 clear land, 1 clear water,
    /// 2 cloud shadow, 3 snow, 4 cloud, 255 fill; 2, 3, 4 and 255 are excluded, 1 with --mask-water.
    public static func fmask(maskWater: Bool) -> SceneMaskRule {
        var excluded: Set<Int> = [2, 3, 4, 255]
        if maskWater { excluded.insert(1) }
        return SceneMaskRule(rule: .classes(excluded), summary: "Fmask classes \(excluded.sorted().map(String.init).joined(separator: ","))")
    }

    /// The rule names `--mask-rule` takes.
    public static let names = ["landsat-qa-pixel", "s2-scl", "fmask", "values:A,B,..."]

    /// Parses `landsat-qa-pixel`, `s2-scl`, `fmask` or `values:A,B,...` (integers, none repeated).
    public static func parse(_ text: String, maskWater: Bool) throws -> SceneMaskRule {
        switch text.lowercased() {
        case "landsat-qa-pixel", "qa-pixel", "qa_pixel": return landsatQAPixel(maskWater: maskWater)
        case "s2-scl", "scl": return sentinel2SCL(maskWater: maskWater)
        case "fmask", "cfmask": return fmask(maskWater: maskWater)
        default: break
        }
        guard text.lowercased().hasPrefix("values:") else {
            throw KubuqiError(.usage, "--mask-rule: " + EnumeratedValue.refusal(text, choices: Array(names.dropLast()), forms: [names.last!]))
        }
        let items = text.dropFirst("values:".count).split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.map { Int($0) }
        guard !items.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw KubuqiError(.usage, "--mask-rule values: takes comma-separated integers (the quality values that exclude a pixel); got '\(text)'")
        }
        if let twice = ListValidation.firstRepeated(items, key: { Int($0)! }) {
            throw KubuqiError(.usage, "--mask-rule values: lists \(twice) twice ('\(text)')")
        }
        if maskWater { throw KubuqiError(.usage, "--mask-water has no meaning with --mask-rule values: (list the water value too)") }
        let set = Set(values.map { $0! })
        return SceneMaskRule(rule: .classes(set), summary: "values \(set.sorted().map(String.init).joined(separator: ","))")
    }
}

/// A mask rule with its description for metadata and messages.
public struct SceneMaskRule: Sendable, Hashable {
    /// What excludes a pixel.
    public var rule: PixelMask.Rule
    /// In words, e.g. `SCL classes 0,1,3,8,9,10,11`.
    public var summary: String
}

/// A quality band given on the command line and its rule (`--mask FILE[:BAND] --mask-rule NAME`).
public struct MaskOption: Sendable, Hashable {
    /// The quality band.
    public var selection: BandSelection
    /// The rule.
    public var rule: SceneMaskRule
    /// Creates the option.
    public init(selection: BandSelection, rule: SceneMaskRule) {
        self.selection = selection
        self.rule = rule
    }
    /// As a scene's mask.
    public var sceneMask: SceneMask { SceneMask(selection: selection, rule: rule.rule, summary: rule.summary + " of \(selection)") }
}
