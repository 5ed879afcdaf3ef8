import Foundation
import KubuqiGDAL

/// Writes the whole synthetic study area into a folder: two Landsat Level-2
/// scenes, the annual NDVI stack, land cover 2000 and 2024, the SOC baseline,
/// the truth (masks, patch table, JSON) and a README.
///
/// The same seed always gives byte-identical files: the synthesis uses only
/// seeded SplitMix64 draws and IEEE arithmetic without transcendental
/// functions, and every GeoTIFF is written with the same creation options
/// (see ``GeoTIFFWriter``) and no timestamps. Files already in the folder
/// with the same names are replaced; other files are left alone.
public struct FixtureGenerator: Sendable {
    /// The seed of the committed `Fixtures/` folder.
    public static let defaultSeed = StudyArea.defaultSeed

    /// The annual NDVI stack, relative to the fixtures root.
    public static let ndviStackPath = "ndvi/ndvi_annual_2000_2024.tif"
    /// The 2000 land-cover map.
    public static let landCover2000Path = "landcover/lccs_2000.tif"
    /// The 2024 land-cover map.
    public static let landCover2024Path = "landcover/lccs_2024.tif"
    /// The SOC baseline.
    public static let socPath = "soc/soc_baseline_0_30cm.tif"
    /// The degradation mask (1 in degradation patches).
    public static let degradationMaskPath = "truth/degradation.tif"
    /// The restoration mask (1 in restoration patches).
    public static let restorationMaskPath = "truth/restoration.tif"
    /// The stressed-region mask (1 in the stressed region).
    public static let stressedMaskPath = "truth/stressed.tif"
    /// The patch ids (0 outside the patches).
    public static let patchIDsPath = "truth/patch_ids.tif"
    /// The patch table.
    public static let patchTablePath = "truth/patches.csv"
    /// The truth JSON.
    public static let truthPath = "truth/truth.json"
    /// The README.
    public static let readmePath = "README.md"
    /// The configuration of `kubuqi-monitor ldn` for the study area.
    public static let ldnConfigPath = "ldn.toml"

    /// The folder of a scene, relative to the fixtures root: `landsat/<product id>`.
    public static func sceneFolder(_ acquisition: LandsatAcquisition) -> String { "landsat/" + acquisition.productID }

    /// The seed of the layout and of all noise.
    public var seed: UInt64

    /// `ldn.toml`: the SDG 15.3.1 run on the study area (paths relative to
    /// the fixtures folder, as `kubuqi-monitor ldn` resolves them against the
    /// config's folder). The planted changes run from 2013 to 2023, so the
    /// baseline ends in 2013 (stable) and two reporting periods see them:
    /// 2014-2018 (productivity only: no land-cover map between 2000 and 2024)
    /// and 2019-2024 (productivity and the 2000 -> 2024 land-cover change).
    /// `kubuqi-monitor demo` uses this file when it is present.
    public static let ldnConfig = """
        # SDG indicator 15.3.1 on the synthetic study area: the configuration of
        # `kubuqi-monitor ldn`. Paths are relative to this file's folder.
        # Written by `kubuqi-monitor fixtures`; see README.md for the planted truth.
        # The planted changes run from 2013 to 2023: the baseline 2000-2013 is stable,
        # the reporting periods see them (2019-2024 also the land-cover change 2000 -> 2024).

        [productivity]
        stack = "\(ndviStackPath)"   # one band per year, named "2000".."2024"
        scale = 0.0001                              # stored as NDVI x 10000

        [landcover]
        maps = { \(StudyArea.firstYear) = "\(landCover2000Path)", \(StudyArea.lastYear) = "\(landCover2024Path)" }
        legend = "esa-cci"

        [soc]
        baseline = "\(socPath)"
        climate = "temperate-dry"

        [periods]
        baseline = [\(StudyArea.firstYear), \(StudyArea.changeStartYear)]
        reporting = [[\(StudyArea.changeStartYear + 1), 2018], [2019, \(StudyArea.lastYear)]]

        """

    /// A generator for `seed`.
    public init(seed: UInt64 = FixtureGenerator.defaultSeed) { self.seed = seed }

    /// Writes the fixtures of the default seed into `folder`; returns the relative paths written.
    @discardableResult
    public static func generate(into folder: String) throws -> [String] {
        try FixtureGenerator().generate(into: folder)
    }

    /// Writes the fixtures into `folder` (created if missing); returns the
    /// relative paths written, sorted.
    @discardableResult
    public func generate(into folder: String) throws -> [String] {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        var written: [String] = []
        func path(_ relative: String) throws -> String {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            written.append(relative)
            return url.path
        }
        func text(_ relative: String, _ content: String) throws {
            try Data(content.utf8).write(to: URL(fileURLWithPath: try path(relative)))
        }
        let source = [("SOURCE", "kubuqi-monitor synthetic fixture (seed \(seed)); see README.md")]

        let area = StudyArea(seed: seed)

        // Landsat scenes.
        let scenes = LandsatAcquisition.both.map { LandsatScene(area: area, acquisition: $0) }
        var sceneFiles: [[String]] = []
        for scene in scenes {
            let a = scene.acquisition, dir = Self.sceneFolder(a)
            var names: [String] = []
            for b in OLIBand.allCases {
                let name = a.fileName(b.productSuffix + ".TIF")
                try GeoTIFFWriter.write(try path(dir + "/" + name), type: .uint16,
                                        bands: [.init(GeoTIFFWriter.floats(scene.band(b)))], nodata: 0)
                names.append(name)
            }
            let qaName = a.fileName("QA_PIXEL.TIF")
            try GeoTIFFWriter.write(try path(dir + "/" + qaName), type: .uint16,
                                    bands: [.init(GeoTIFFWriter.floats(scene.qa))], nodata: 1)
            names.append(qaName)
            let mtl = LandsatMTL(scene: scene)
            try text(dir + "/" + mtl.fileName, mtl.text)
            names.append(mtl.fileName)
            sceneFiles.append(names.sorted())
        }

        // Annual NDVI stack.
        let stack = AnnualNDVIStack(area: area)
        try GeoTIFFWriter.write(
            try path(Self.ndviStackPath), type: .int16,
            bands: zip(stack.years, stack.planes).map { .init(GeoTIFFWriter.floats($0.1), description: String($0.0)) },
            nodata: Double(AnnualNDVIStack.nodata), scale: 1 / AnnualNDVIStack.scale,
            metadata: source + [("UNITS", "NDVI x 10000")])

        // Land cover and SOC.
        let lc2000 = LandCoverMap(area: area, year: StudyArea.firstYear)
        let lc2024 = LandCoverMap(area: area, year: StudyArea.lastYear)
        for (map, relative) in [(lc2000, Self.landCover2000Path), (lc2024, Self.landCover2024Path)] {
            try GeoTIFFWriter.write(try path(relative), type: .byte,
                                    bands: [.init(GeoTIFFWriter.floats(map.codes), description: "LCCS \(map.year)")],
                                    nodata: Double(LandCoverMap.nodata),
                                    metadata: source + [("CLASSIFICATION", "ESA CCI land cover (LCCS codes)")])
        }
        try text(Self.ldnConfigPath, Self.ldnConfig)
        let soc = SOCBaseline(area: area)
        try GeoTIFFWriter.write(try path(Self.socPath), type: .int16,
                                bands: [.init(GeoTIFFWriter.floats(soc.values), description: "SOC 0-30 cm, t/ha")],
                                nodata: Double(SOCBaseline.nodata), metadata: source + [("UNITS", "t/ha")])

        // Truth rasters.
        let kinds = area.patches.reduce(into: [Int: PatchKind]()) { $0[$1.id] = $1.kind }
        for (kind, relative) in [(PatchKind.degradation, Self.degradationMaskPath),
                                 (.restoration, Self.restorationMaskPath), (.stressed, Self.stressedMaskPath)] {
            let mask = area.patchIDs.map { id -> UInt8 in id > 0 && kinds[Int(id)] == kind ? 1 : 0 }
            try GeoTIFFWriter.write(try path(relative), type: .byte,
                                    bands: [.init(GeoTIFFWriter.floats(mask), description: "\(kind.rawValue) (1 = planted)")],
                                    metadata: source)
        }
        try GeoTIFFWriter.write(try path(Self.patchIDsPath), type: .byte,
                                bands: [.init(GeoTIFFWriter.floats(area.patchIDs), description: "patch id (0 = none)")],
                                metadata: source)

        // The monthly series of `warn` with its planted drought (its own README, warn/README.md).
        written += try WarningSeries.write(into: folder)

        // Truth tables and the README. The file list is known before they are written.
        let sceneFolders = scenes.map { Self.sceneFolder($0.acquisition) }
        let allFiles = (written + [Self.patchTablePath, Self.truthPath, Self.readmePath] + ClimateFixture.files + [PopulationFixture.path]).sorted()
        let survey = TruthSurvey(area: area, scenes: scenes, stack: stack, landCover2000: lc2000, landCover2024: lc2024)
        let truth = survey.truth(files: allFiles, sceneFiles: sceneFiles, sceneFolders: sceneFolders)
        try text(Self.patchTablePath, PatchTable(patches: truth.patches).csv)
        let json = try truth.json()
        try json.write(to: URL(fileURLWithPath: try path(Self.truthPath)))
        // Climate (docs/climate.md): written after the truth, which describes the files above.
        let climate = ClimateFixture(area: area, stack: stack)
        try GeoTIFFWriter.write(
            try path(ClimateFixture.precipitationPath), type: .int16,
            bands: climate.precipitation.months.enumerated().map { .init(GeoTIFFWriter.floats($0.element), description: PrecipitationSeries.label($0.offset)) },
            scale: PrecipitationSeries.scale, metadata: source + [("UNITS", "mm x 10")],
            grid: (PrecipitationSeries.width, PrecipitationSeries.height, PrecipitationSeries.geoTransform))
        try GeoTIFFWriter.write(
            try path(ClimateFixture.rainfedStackPath), type: .int16,
            bands: zip(stack.years, climate.rainfed).map { .init(GeoTIFFWriter.floats($0.1), description: String($0.0)) },
            nodata: Double(AnnualNDVIStack.nodata), scale: 1 / AnnualNDVIStack.scale,
            metadata: source + [("UNITS", "NDVI x 10000"), ("CLIMATE", "rain-fed: NDVI x (0.5 + 0.5 A / 300 mm)")])
        try GeoTIFFWriter.write(try path(ClimateFixture.regionsPath), type: .byte,
                                bands: [.init(GeoTIFFWriter.floats(climate.regions), description: "1 rainfall-driven decline, 2 human-driven decline")],
                                metadata: source)
        try text(ClimateFixture.configPath, ClimateFixture.config)
        try text(Self.readmePath, FixtureReadme(truth: truth, area: area).markdown + climate.readme() + PopulationFixture.readme)
        // Population for drought's SO3-2 exposure (PopulationFixture; written after the truth, like the climate files).
        try PopulationFixture.write(into: folder, metadata: source)
        return written.sorted()
    }
}
