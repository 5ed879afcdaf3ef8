import Foundation

/// Everything planted in the fixtures, and what a correct analysis of them
/// finds: written as `truth/truth.json` for downstream tests to read.
///
/// Counts are exact. NDVI values and slopes are of the noiseless model
/// (4 decimals); the files carry bounded noise on top (see the noise bounds).
public struct FixtureTruth: Codable, Sendable, Equatable {
    /// The grid of every raster.
    public struct GridInfo: Codable, Sendable, Equatable {
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// Pixel size, metres.
        public var pixelSizeMeters: Double
        /// EPSG code of the CRS.
        public var epsg: Int
        /// X of the upper-left corner (outer edge), metres.
        public var originX: Double
        /// Y of the upper-left corner (outer edge), metres.
        public var originY: Double
        /// Hectares per pixel.
        public var hectaresPerPixel: Double
        /// Approximate latitude of the grid centre, degrees north.
        public var centreLatitude: Double
        /// Approximate longitude of the grid centre, degrees east.
        public var centreLongitude: Double
    }

    /// One land type: its class, model NDVI and SOC, and its extent.
    public struct LandTypeInfo: Codable, Sendable, Equatable {
        /// ``LandType`` raw value.
        public var name: String
        /// ESA CCI LCCS code.
        public var lccs: Int
        /// Model NDVI at mid texture (0.5).
        public var ndvi: Double
        /// Baseline SOC before local variation, t/ha (nil for water).
        public var socTonnesPerHectare: Int?
        /// Pixels of this type in 2000-2013.
        public var pixelsBefore: Int
        /// Pixels of this type in 2023-2024.
        public var pixelsAfter: Int
    }

    /// One planted patch.
    public struct Patch: Codable, Sendable, Equatable {
        /// Identifier, as in `truth/patch_ids.tif`.
        public var id: Int
        /// `D1`.., `R1`.., `S1`.
        public var name: String
        /// `degradation`, `restoration` or `stressed`.
        public var kind: String
        /// `rectangle` or `disc`.
        public var shape: String
        /// Bounding-box width, pixels.
        public var widthPixels: Int
        /// Bounding-box height, pixels.
        public var heightPixels: Int
        /// Disc radius, pixels (discs only).
        public var radiusPixels: Int?
        /// Column of the bounding box's left pixel.
        public var columnMin: Int
        /// Row of the bounding box's top pixel.
        public var rowMin: Int
        /// Column of the bounding box's right pixel (inclusive).
        public var columnMax: Int
        /// Row of the bounding box's bottom pixel (inclusive).
        public var rowMax: Int
        /// Map extent of the bounding box `[xmin, ymin, xmax, ymax]`, metres.
        public var mapExtent: [Double]
        /// Number of pixels in the patch.
        public var pixelCount: Int
        /// Area, hectares.
        public var hectares: Double
        /// Land type before (``LandType`` raw value).
        public var landBefore: String
        /// Land type after.
        public var landAfter: String
        /// LCCS code in 2000.
        public var lccs2000: Int
        /// LCCS code in 2024.
        public var lccs2024: Int
        /// Mean model NDVI of the patch up to 2013.
        public var ndviBefore: Double
        /// Mean model NDVI of the patch from 2023.
        public var ndviAfter: Double
        /// Mean least-squares NDVI slope 2000-2024 of the model, per year.
        public var ndviSlopePerYear: Double
    }

    /// The cloud of the later scene.
    public struct Cloud: Codable, Sendable, Equatable {
        /// Row of the cloud centre.
        public var centreRow: Int
        /// Column of the cloud centre.
        public var centreColumn: Int
        /// Radius of the opaque cloud (and of the shadow), pixels.
        public var radiusPixels: Int
        /// Width of the dilated-cloud ring, pixels.
        public var dilationPixels: Int
        /// Rows from cloud centre to shadow centre.
        public var shadowRowOffset: Int
        /// Columns from cloud centre to shadow centre.
        public var shadowColumnOffset: Int
        /// Pixels with the cloud bit (3).
        public var cloudPixels: Int
        /// Pixels with the dilated-cloud bit (1).
        public var dilatedCloudPixels: Int
        /// Pixels with the cloud-shadow bit (4).
        public var shadowPixels: Int
    }

    /// One band of a sample pixel.
    public struct SampleBand: Codable, Sendable, Equatable {
        /// OLI band number.
        public var band: Int
        /// The DN in the file.
        public var dn: Int
        /// The reflectance the DN encodes before rounding (7 decimals); DN x 0.0000275 - 0.2 is within 0.0000138 of it.
        public var reflectance: Double
    }

    /// A hand-picked pixel of a scene, with its DN, reflectance and QA.
    public struct SamplePixel: Codable, Sendable, Equatable {
        /// What the pixel is.
        public var label: String
        /// Row.
        public var row: Int
        /// Column.
        public var column: Int
        /// Land type at the scene's date.
        public var landType: String
        /// QA_PIXEL value.
        public var qaPixel: Int
        /// The six bands (empty at fill).
        public var bands: [SampleBand]
        /// NDVI from the DN (nil at fill).
        public var ndvi: Double?
    }

    /// One Landsat scene.
    public struct Scene: Codable, Sendable, Equatable {
        /// Product id (also the folder name and file prefix).
        public var productID: String
        /// Folder relative to the fixtures root.
        public var folder: String
        /// Acquisition date, `YYYY-MM-DD`.
        public var date: String
        /// `LANDSAT_8` or `LANDSAT_9`.
        public var spacecraft: String
        /// Files in the folder.
        public var files: [String]
        /// Pixels with the cloud bit.
        public var cloudPixels: Int
        /// Pixels with the dilated-cloud bit.
        public var dilatedCloudPixels: Int
        /// Pixels with the shadow bit.
        public var shadowPixels: Int
        /// Fill pixels (QA 1, DN 0).
        public var fillPixels: Int
        /// Hand-picked pixels.
        public var samples: [SamplePixel]
    }

    /// One land-cover transition 2000 -> 2024.
    public struct Transition: Codable, Sendable, Equatable {
        /// LCCS code in 2000.
        public var from: Int
        /// LCCS code in 2024.
        public var to: Int
        /// Pixels.
        public var pixels: Int
    }

    /// Pixels of one LCCS class.
    public struct ClassCount: Codable, Sendable, Equatable {
        /// LCCS code.
        public var lccs: Int
        /// Pixels.
        public var pixels: Int
    }

    /// What a minimum-mapping-unit sieve keeps of the planted change.
    public struct SieveResult: Codable, Sendable, Equatable {
        /// Smallest patch kept, pixels.
        public var minimumPixels: Int
        /// The same in hectares.
        public var minimumHectares: Double
        /// Degradation pixels kept.
        public var degradationPixels: Int
        /// Restoration pixels kept.
        public var restorationPixels: Int
        /// Degradation patches kept.
        public var degradationPatches: Int
        /// Restoration patches kept.
        public var restorationPatches: Int
        /// Names of the patches removed.
        public var removed: [String]
    }

    /// The results a correct analysis reaches.
    public struct Expected: Codable, Sendable, Equatable {
        /// |NDVI 2023 - NDVI 2013| at or above which a pixel has changed.
        public var twoDateThreshold: Double
        /// QA_PIXEL bits that mask a pixel (fill, dilated cloud, cirrus, cloud, shadow, snow).
        public var qaMaskBits: [Int]
        /// Pixels masked in either scene by those bits.
        public var twoDateMaskedPixels: Int
        /// Pixels whose NDVI fell by at least the threshold (all in degradation patches).
        public var twoDateDegradationPixels: Int
        /// Pixels whose NDVI rose by at least the threshold (all in restoration patches).
        public var twoDateRestorationPixels: Int
        /// Largest |NDVI change| of a valid pixel outside the patches.
        public var twoDateLargestStableChange: Double
        /// Smallest |NDVI change| of a patch pixel.
        public var twoDateSmallestPatchChange: Double
        /// False "degradation" pixels if only fill is masked (cloud, ring and shadow counted as change).
        public var falseDegradationIfOnlyFillMasked: Int
        /// False "restoration" pixels if only fill is masked.
        public var falseRestorationIfOnlyFillMasked: Int
        /// What sieves of several sizes keep.
        public var sieves: [SieveResult]
        /// |least-squares NDVI slope per year| at or above which a stack pixel has a trend.
        public var trendThreshold: Double
        /// Largest |slope| the stack's noise can give a stable pixel.
        public var trendNoiseBound: Double
        /// Pixels with a falling trend (all in degradation patches).
        public var trendDegradationPixels: Int
        /// Pixels with a rising trend (all in restoration patches).
        public var trendRestorationPixels: Int
        /// Mean model NDVI of the stressed region.
        public var stressedMeanNDVI: Double
        /// 90th percentile of model NDVI over stable grassland (LCCS 130 in both years).
        public var grasslandP90NDVI: Double
        /// Their ratio; under 0.5 flags the region in a productivity-performance test.
        public var stressedPerformanceRatio: Double
    }

    /// Format version of this file.
    public var schemaVersion: Int
    /// The seed.
    public var seed: UInt64
    /// The grid.
    public var grid: GridInfo
    /// Land types.
    public var landTypes: [LandTypeInfo]
    /// Planted patches by id.
    public var patches: [Patch]
    /// The cloud of the later scene.
    public var cloud: Cloud
    /// The Landsat scenes, earlier first.
    public var scenes: [Scene]
    /// Years of the NDVI stack (first, last).
    public var ndviYears: [Int]
    /// Last year before the changes and first year they are complete.
    public var changeYears: [Int]
    /// Largest noise of one stack value, NDVI.
    public var ndviNoiseBound: Double
    /// Largest relative noise of one Landsat band value.
    public var reflectanceNoiseBound: Double
    /// LCCS classes in 2000.
    public var classPixels2000: [ClassCount]
    /// LCCS classes in 2024.
    public var classPixels2024: [ClassCount]
    /// Land-cover transitions 2000 -> 2024.
    public var transitions: [Transition]
    /// Every file of the fixtures, relative to its root.
    public var files: [String]
    /// What a correct analysis finds.
    public var expected: Expected

    /// The truth as pretty JSON with sorted keys (deterministic), ending in a newline.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads `truth.json`.
    public static func read(_ path: String) throws -> FixtureTruth {
        try JSONDecoder().decode(FixtureTruth.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Totals of the planted patches of `kind`: pixels.
    public func pixels(of kind: PatchKind) -> Int {
        patches.filter { $0.kind == kind.rawValue }.reduce(0) { $0 + $1.pixelCount }
    }
}
