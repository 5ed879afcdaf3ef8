import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster

/// `demo`: the whole pipeline on the bundled fixtures (the synthetic Kubuqi
/// study area), with what it found set beside the planted truth.
public enum DemoJob {
    /// What the demo produced.
    public struct Result: Sendable {
        /// The output folder.
        public var folder: String
        /// Lines of the summary printed for the user.
        public var lines: [String]
        /// Planted and found hectares of degradation and restoration.
        public var planted: (degradation: Double, restoration: Double)
        /// Found by change detection.
        public var found: (degradation: Double, restoration: Double)
    }

    /// The fixtures folder to use: `fixtures` when given, `./Fixtures` when
    /// present, else a fresh deterministic generation inside `outputFolder`.
    static func fixtures(_ given: String?, outputFolder: OutputFolder) throws -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given + "/" + FixtureGenerator.truthPath) else {
                throw KubuqiError.input(given, "not a fixtures folder (no \(FixtureGenerator.truthPath)); create one with kubuqi-monitor fixtures DIR")
            }
            return given
        }
        if FileManager.default.fileExists(atPath: "Fixtures/" + FixtureGenerator.truthPath) { return "Fixtures" }
        let generated = outputFolder.file("fixtures")
        Diagnostics.note("no ./Fixtures here: generating the fixtures into \(generated)")
        // Generated in a private folder (removed on an interruption), then moved into place and every entry noted as this
        // run's: an interruption or a failure removes them, and nothing another program wrote into the folder.
        let scratch = try SafeFiles.privateFolder(in: outputFolder.path)
        defer { SafeFiles.removeTree(scratch) }
        try FixtureGenerator.generate(into: scratch + "/fixtures")
        try? FileManager.default.removeItem(atPath: generated)
        let failure: String? = Interruption.whileCreating {
            guard rename(scratch + "/fixtures", generated) == 0 else { return String(cString: strerror(errno)) }
            Interruption.notePlaced(path: generated)
            for relative in (try? FileManager.default.subpathsOfDirectory(atPath: generated)) ?? [] {
                Interruption.notePlaced(path: generated + "/" + relative)
            }
            return nil
        }
        if let failure { throw KubuqiError.output(generated, "cannot move the generated fixtures into place (\(failure))") }
        return generated
    }

    /// Runs indices for both dates and change detection on the fixtures.
    public static func run(outputFolder path: String, fixtures given: String? = nil, quiet: Bool = false) throws -> Result {
        let out = try OutputFolder(path)
        try out.lock()
        // The demo writes into its folder through its commands, each publishing what it staged (noted as this run's):
        // in a folder it created, an interruption or a failure removes only what this run put there (its files, the
        // folders it made, its locks), then each folder left empty; another program's file written meanwhile stays
        // (session 17; until then the folder went whole).
        guard out.created else { return try demo(out, fixtures: given, quiet: quiet) }
        do {
            return try demo(out, fixtures: given, quiet: quiet)
        } catch {
            Interruption.removeOwnEntries(under: out.path)
            throw error
        }
    }

    private static func demo(_ out: OutputFolder, fixtures given: String?, quiet: Bool) throws -> Result {
        let fx = try fixtures(given, outputFolder: out)
        let scenes = LandsatAcquisition.both.map { fx + "/" + FixtureGenerator.sceneFolder($0) }
        var lines = ["Fixtures: \(fx) (synthetic Landsat 8/9 C2 L2 scenes, 256 x 256 at 30 m, planted truth in \(fx)/truth/)"]

        // 1. Indices of both dates, cloud-masked from QA_PIXEL.
        for (scene, acquisition) in zip(scenes, LandsatAcquisition.both) {
            let folder = out.file("indices-\(acquisition.year)")
            let results = try IndexJob.run(IndexOptions(indices: ["ndvi", "msavi2", "bsi", "albedo", "fvc"], output: folder,
                                                        scene: (scene, .landsat), quiet: quiet))
            let ndvi = results[0].statistics
            lines.append("Indices \(acquisition.year): \(folder)/ (NDVI mean \(String(format: "%.3f", ndvi.mean ?? .nan)), \(ndvi.nodataCount) pixels masked)")
        }

        // 2. Change detection between the two dates.
        let change = try ChangeJob.run(ChangeOptions(before: scenes[0], after: scenes[1], outputFolder: out.file("change"),
                                                     sensor: .landsat, quiet: quiet))
        let byClass = change.tally.byClass
        func ha(_ codes: [ChangeClass]) -> Double {
            codes.reduce(0) { $0 + (byClass.squareMetres[.init(zone: 0, code: Int($1.rawValue))] ?? 0) } / 10_000
        }
        let found = (ha([.degradation, .strongDegradation]), ha([.improvement, .strongImprovement]))
        let truth = try plantedHectares(fx)
        lines.append("Change \(LandsatAcquisition.both[0].year)-\(LandsatAcquisition.both[1].year): \(out.file("change"))/ "
                     + "(quicklook.png, change-stats.json)")
        lines.append(String(format: "  degraded: %.2f ha found, %.2f ha planted; restored: %.2f ha found, %.2f ha planted",
                            found.0, truth.0, found.1, truth.1))

        // 3. The SDG 15.3.1 report over the annual NDVI stack, land cover and SOC.
        let config = try demoConfig(fixtures: fx, in: out)
        let report = try LDNJob.run(LDNOptions(config: config, output: out.file("ldn"), quiet: quiet))
        lines.append("SDG 15.3.1 report: \(out.file("ldn"))/report.html (config \(config))")
        for p in report.periods { lines.append("  \(p.title): \(p.summaryLine)") }

        // 4. The whole folder as one STAC catalogue: each command's catalogue as a child.
        let children = LandsatAcquisition.both.map { out.file("indices-\($0.year)/catalog.json") }
            + [out.file("change/catalog.json"), out.file("ldn/catalog.json")]
        try STACCatalog.write(folder: out.path, id: "kubuqi-demo", title: "kubuqi-monitor demo",
                              description: "The demo run of \(ToolVersion.nameAndVersion) on the synthetic study area: indices of both dates, "
                                  + "their change, and the SDG 15.3.1 report.", products: [], children: children)
        lines.append("STAC catalogue: \(out.file("catalog.json")) (Cloud Optimized GeoTIFFs; docs/publishing.md)")
        return Result(folder: out.path, lines: lines, planted: truth, found: found)
    }

    /// The LDN configuration for the fixtures: the fixtures' own `ldn.toml` when
    /// present, else one written into the output folder.
    static func demoConfig(fixtures: String, in out: OutputFolder) throws -> String {
        let own = fixtures + "/ldn.toml"
        if FileManager.default.fileExists(atPath: own) { return own }
        let absolute = URL(fileURLWithPath: fixtures).standardizedFileURL.path
        let text = """
        # SDG 15.3.1 on the kubuqi-monitor fixtures (written by `kubuqi-monitor demo`).
        # The planted changes start in 2014: the baseline 2000-2013 is stable, the reporting periods see them.
        [productivity]
        stack = "\(absolute)/\(FixtureGenerator.ndviStackPath)"
        scale = 0.0001

        [landcover]
        maps = { 2000 = "\(absolute)/\(FixtureGenerator.landCover2000Path)", 2024 = "\(absolute)/\(FixtureGenerator.landCover2024Path)" }

        [soc]
        baseline = "\(absolute)/\(FixtureGenerator.socPath)"
        climate = "temperate-dry"

        [periods]
        baseline = [2000, 2013]
        reporting = [[2014, 2018], [2019, 2024]]

        """
        let path = out.file("ldn.toml")
        try atomicWrite(Data(text.utf8), to: path)
        return path
    }

    /// Planted degradation and restoration areas from the fixtures' truth.json.
    static func plantedHectares(_ fixtures: String) throws -> (Double, Double) {
        let url = URL(fileURLWithPath: fixtures + "/" + FixtureGenerator.truthPath)
        guard let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let patches = json["patches"] as? [[String: Any]] else {
            throw KubuqiError.input(url.path, "has no patch list")
        }
        var d = 0.0, r = 0.0
        for p in patches {
            let pixels = Double(p["pixelCount"] as? Int ?? 0)
            switch p["kind"] as? String {
            case "degradation": d += pixels * 0.09
            case "restoration": r += pixels * 0.09
            default: break
            }
        }
        return (d, r)
    }
}
