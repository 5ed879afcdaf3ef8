import Foundation
import TestSupport
import XCTest

/// Issue 19, "a report a ministry can sign": the `ldn` report read as a focal point reads it, and
/// rendered in a real headless browser (Debian's chromium): it renders, prints to PDF, logs no
/// console error, and every map, legend and chart is there.
enum ReportBrowser {
    /// Debian's chromium, or nil (a failure under CI=true, where Scripts/setup.sh installs it).
    static func chromium() -> String? {
        for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] where FileManager.default.isExecutableFile(atPath: c) { return c }
        let message = "chromium not found (Scripts/setup.sh installs Debian's chromium)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) } else { print("skipped: " + message) }
        return nil
    }

    /// Runs chromium headless on `page` with `arguments`; returns stdout and stderr.
    static func run(_ browser: String, page: String, _ arguments: [String], profile: String) throws -> (out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        // As root chromium needs --no-sandbox; the virtual time budget lets the page's scripts finish.
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0",
                       "--virtual-time-budget=4000", "--window-size=1100,1400"] + arguments + [URL(fileURLWithPath: page).absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Console messages the page logged (errors, warnings, uncaught exceptions).
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    /// Renders `folder/report.html` (a report of `periods` periods): DOM after the scripts, screenshot, PDF.
    static func check(_ folder: String, periods: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let browser = chromium() else { return }
        let page = folder + "/report.html"
        let tmp = try TemporaryFolder()
        let dom = try run(browser, page: page, ["--dump-dom"], profile: tmp.file("profile"))
        XCTAssertEqual(consoleLines(dom.err), [], "console messages", file: file, line: line)
        // Every period's interactive map was built by Leaflet, with its class image and layer switcher.
        XCTAssertEqual(dom.out.components(separatedBy: "leaflet-container").count - 1, periods, "maps", file: file, line: line)
        XCTAssertEqual(dom.out.components(separatedBy: "class=\"leaflet-image-layer").count - 1, periods, "map images", file: file, line: line)
        XCTAssertEqual(dom.out.components(separatedBy: "leaflet-control-layers-base").count - 1, periods, "layer switchers", file: file, line: line)
        XCTAssertEqual(dom.out.components(separatedBy: "<svg class=\"chart\"").count - 1, 1, "the productivity chart", file: file, line: line)
        XCTAssertGreaterThanOrEqual(dom.out.components(separatedBy: "<svg class=\"legend\"").count - 1, periods, "legends", file: file, line: line)
        XCTAssertEqual(dom.out.components(separatedBy: "<svg class=\"decorations\"").count - 1, periods, "scale bars", file: file, line: line)
        // Every image is embedded or a file in the folder.
        for m in dom.out.matches(of: /<img[^>]* src="([^"]+)"/) {
            let src = String(m.output.1)
            XCTAssertTrue(src.hasPrefix("data:image/png;base64,") || FileManager.default.fileExists(atPath: folder + "/" + src), src, file: file, line: line)
        }
        let shot = try run(browser, page: page, ["--screenshot=\(tmp.file("shot.png"))"], profile: tmp.file("profile"))
        XCTAssertEqual(consoleLines(shot.err), [], file: file, line: line)
        let png = try Data(contentsOf: URL(fileURLWithPath: tmp.file("shot.png")))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot", file: file, line: line)
        XCTAssertGreaterThan(png.count, 20_000, "the screenshot is not blank", file: file, line: line)
        _ = try run(browser, page: page, ["--no-pdf-header-footer", "--print-to-pdf=\(tmp.file("report.pdf"))"], profile: tmp.file("profile"))
        let pdf = try Data(contentsOf: URL(fileURLWithPath: tmp.file("report.pdf")))
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-", file: file, line: line)
        let pages = String(decoding: pdf, as: UTF8.self).matches(of: /\/Type\s*\/Page[^s]/).count
        XCTAssertGreaterThanOrEqual(pages, periods, "one page per period at least", file: file, line: line)
    }

    /// What a focal point checks in the fixtures' report (zones configured): the title block, units,
    /// per-zone tables, complete legends, an honest chart, no "2000 -> 2000" table, the UNCCD tables
    /// against the planted truth of Fixtures/README.md.
    static func checkFixtureReport(_ out: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for text in ["<th>Area</th><td>Hangjin Banner (synthetic)</td>", "<th>Producer</th><td>Report test</td>", "<th>Date</th><td>2026-06-30</td>",
                     "<th>Sources</th><td>Synthetic NDVI stack", "EPSG:32649, pixel 30 m", "<th>SOC model</th>", "<th>climate</th><td>temperate-dry</td>",
                     "<h3>By zone</h3>", "West, &quot;banner&quot; A", "no data (water, masked or outside the inputs)",
                     ">year</text>", "mean annual productivity (NDVI)</text>", "<h3>Land cover 2000</h3>", "Land-cover transitions 2000 &rarr; 2024"] {
            XCTAssertTrue(html.contains(text) || html.contains(text.replacingOccurrences(of: "&quot;", with: "\"")), "report.html lacks \(text)", file: file, line: line)
        }
        XCTAssertFalse(html.contains("2000 &rarr; 2000"), file: file, line: line)
        XCTAssertFalse(html.contains("pixel 30)"), "a pixel size without its unit", file: file, line: line)
        // Every year of the stack is marked on the chart's axis, and the axis starts at 0.
        for y in 2000...2024 { XCTAssertTrue(html.contains(">\(y)</text>"), "year \(y) on the axis", file: file, line: line) }
        XCTAssertTrue(html.contains("text-anchor=\"end\">0</text>"), "the y axis starts at 0", file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/report-assets/leaflet/leaflet.js"), file: file, line: line)

        // SO1-1 against the planted land cover (README "Land cover and SOC"): ESA CCI 10 cropland, 61 and 60 tree,
        // 120 shrubland and 130 grassland, 190 artificial, 200 other land, 210 water; pixels of 30 m on the ellipsoid
        // (UTM 49N scale error under 0.1 % here).
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/unccd-reporting.json"))) as! [String: Any]
        let last = ((doc["land_condition"] as! [String: Any])["reporting-2019-2024"] as! [String: Any])["period_assessment"] as! [String: Any]
        let lc = ((last["land_cover"] as! [String: Any])["land_cover_areas_by_year"] as! [String: Any])["values"] as! [String: [String: Double]]
        let planted: [String: [String: Double]] = [
            "2000": ["Cropland": 8064, "Tree-covered": 288, "Grassland": 27834, "Artificial": 216, "Other land": 27877, "Water body": 1257],
            "2024": ["Cropland": 8064, "Tree-covered": 288 + 998, "Grassland": 26626 + 610, "Artificial": 216, "Other land": 27477, "Water body": 1257]]
        for (year, classes) in planted {
            for (name, pixels) in classes {
                XCTAssertEqual(lc[year]![name]!, pixels * 0.0009, accuracy: pixels * 0.0009 * 1e-3, "\(year) \(name)", file: file, line: line)
            }
        }
        // SO1-2: the planted transitions carry the planted productivity: grassland -> bare (1208 px) declining,
        // bare -> tree (998 px) and bare -> shrubland (610 px, grassland) increasing.
        let tabs = (last["productivity"] as! [String: Any])["crosstabs_by_productivity_class"] as! [[String: Any]]
        func cell(_ lpd: String, _ from: String, _ to: String) -> Double {
            let t = tabs.first { $0["name"] as? String == lpd }!
            return (t["values"] as! [[String: Any]]).first { $0["initial_label"] as? String == from && $0["final_label"] as? String == to }!["value"] as! Double
        }
        XCTAssertEqual(cell("Declining", "Grassland", "Other land"), 1208 * 0.0009, accuracy: 1208 * 0.0009 * 1e-3, file: file, line: line)
        XCTAssertEqual(cell("Increasing", "Other land", "Tree-covered"), 998 * 0.0009, accuracy: 998 * 0.0009 * 1e-3, file: file, line: line)
        XCTAssertEqual(cell("Increasing", "Other land", "Grassland"), 610 * 0.0009, accuracy: 610 * 0.0009 * 1e-3, file: file, line: line)
        // SO1-4: total land area is every pixel but the reservoir (65536 - 1257).
        let sdg = last["sdg"] as! [String: Any]
        XCTAssertEqual(sdg["total_land_area"] as! Double, 64279 * 0.0009, accuracy: 64279 * 0.0009 * 1e-3, file: file, line: line)
        try check(out, periods: 3, file: file, line: line)
    }
}

final class ReportBrowserTests: CLITestCase {
    /// Without Leaflet the run stops at once with a message naming the file and the package, exit 3, nothing written.
    func testMissingLeafletIsNamed() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        setenv("KUBUQI_LEAFLET_DIR", tmp.file("no-leaflet"), 1)
        defer { unsetenv("KUBUQI_LEAFLET_DIR") }
        let r = try run(["ldn", "--config", config, "-o", tmp.file("out"), "-q"], expect: 3)
        XCTAssertTrue(r.stderr.contains("no-leaflet/leaflet.js: Leaflet is missing") && r.stderr.contains("libjs-leaflet"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("out/report.html")))
    }

    /// The small region's report in the browser (one period, no zones): renders, prints, no console error.
    func testSmallReportRendersAndPrints() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        try run(["ldn", "--config", config, "-o", tmp.file("out"), "-q", "--area", "Test <region>", "--date", "2026-01-31"])
        let html = try String(contentsOfFile: tmp.file("out/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<th>Area</th><td>Test &lt;region&gt;</td>"))
        XCTAssertTrue(html.contains("Land-cover transitions 2000 &rarr; 2010"))
        try ReportBrowser.check(tmp.file("out"), periods: 1)
    }

    func testBadReportDateIsRefused() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        let r = try run(["ldn", "--config", config, "-o", tmp.file("out"), "--date", "2026-02-30"], expect: 2)
        XCTAssertTrue(r.stderr.contains("--date: expected a date YYYY-MM-DD, got '2026-02-30'"), r.stderr)
        let bad = try LDNTestRegion.config(tmp, extra: "[report]\ndate = \"30.06.2026\"\n")
        let c = try run(["ldn", "--config", bad, "--check"], expect: 3)
        XCTAssertTrue(c.stderr.contains("expected a date YYYY-MM-DD"), c.stderr)
    }
}

final class ChangeTitleBlockTests: CLITestCase {
    /// `change` carries the same title block: area, producer, date, sources, the grid with its unit, every parameter.
    func testChangeStatsCarryTheTitleBlock() throws {
        let tmp = try TemporaryFolder()
        _ = try LDNTestRegion.write(tmp)
        try run(["change", "--before", tmp.file("ndvi.tif") + ":1", "--after", tmp.file("ndvi.tif") + ":11", "-o", tmp.file("out"), "-q",
                 "--threshold", "fixed:0.1", "--area", "Test banner", "--producer", "Test unit", "--date", "2026-03-01", "--sources", "hand-built NDVI"])
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("out/change-stats.json")))) as! [String: Any]
        let title = doc["title"] as! [String: Any]
        XCTAssertEqual(title["area"] as? String, "Test banner")
        XCTAssertEqual(title["producer"] as? String, "Test unit")
        XCTAssertEqual(title["date"] as? String, "2026-03-01")
        XCTAssertEqual(title["pixel"] as? String, "30 m")
        XCTAssertEqual((title["sources"] as? [String])?.first, "hand-built NDVI")
        let parameters = Dictionary(uniqueKeysWithValues: (title["parameters"] as! [[String]]).map { ($0[0], $0[1]) })
        XCTAssertEqual(parameters["threshold"], "fixed:0.1")
        XCTAssertEqual(parameters["method"], "diff")
        try run(["change", "--before", tmp.file("ndvi.tif") + ":1", "--after", tmp.file("ndvi.tif") + ":11", "-o", tmp.file("o2"), "--date", "yesterday"], expect: 2)
    }
}
