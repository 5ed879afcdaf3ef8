import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import TestSupport
import XCTest

/// The ldn report and the STAC Items are written side by side after the last period, then the catalogue
/// (``LDNPublication/report(_:folder:inputs:maps:patches:)``): the order that the catalogue needs (it links the
/// report files that exist and the Items), and a whole run's catalogue linking every report file and every Item,
/// whose checksums are those of the final files (sha256sum, independent of the tool's hashing).
final class LDNReportPublicationTests: XCTestCase {
    /// Both steps run at once (each waits for the other to have started: one after the other, the first would
    /// wait in vain), and the last runs only after both have ended.
    func testLastRunsAfterStepsThatRunSideBySide() throws {
        let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let log = EventLog()
        let step = { (k: Int) -> () throws -> Void in {
            started[k].signal()
            if started[1 - k].wait(timeout: .now() + 5) == .timedOut { log.add("step \(k) ran alone") } else { started[1 - k].signal() }
            Thread.sleep(forTimeInterval: k == 0 ? 0.05 : 0.3)   // a thread free for the last step while step 1 runs
            log.add("step \(k) ended")
        } }
        try LDNPublication.afterSideBySide([step(0), step(1)], then: { log.add("last") })
        let events = log.events
        XCTAssertFalse(events.contains { $0.hasSuffix("ran alone") }, "\(events)")
        XCTAssertEqual(events.last, "last", "\(events)")
        XCTAssertEqual(Set(events.dropLast()), ["step 0 ended", "step 1 ended"])
    }

    /// A failing step: the last step is not run, and the error is the first failing step's in the order given.
    func testFailureStopsBeforeTheLast() {
        struct Failure: Error, Equatable { var k: Int }
        let log = EventLog()
        XCTAssertThrowsError(try LDNPublication.afterSideBySide([
            { Thread.sleep(forTimeInterval: 0.05); throw Failure(k: 0) }, { throw Failure(k: 1) },
        ], then: { log.add("last") })) { XCTAssertEqual($0 as? Failure, Failure(k: 0)) }
        XCTAssertEqual(log.events, [])
    }

    /// A whole run (the hand-worked region): catalog.json links report.html, report.json and
    /// report.md and an Item per layer; each Item's data and style checksums are the SHA-256 of the published files.
    func testWholeRunCatalogueLinksTheReportAndFinalFiles() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        try checkCatalogue(of: tmp.file("out"), LDNOptions(config: config, output: tmp.file("out"), quiet: true))
    }

    /// The Items are written by the publisher as soon as each layer's COG is (docs/benchmarks.md, "ldn no-patch tail and
    /// structure"): without patches, and with overlapping zones (the publisher draws the SDG patches after the period, so the
    /// SDG layer's Item waits for them), every Item's checksums are still those of the final files.
    func testItemsWrittenDuringTheRunDescribeTheFinalFiles() throws {
        let tmp = try TemporaryFolder()
        let config = try LDNTestRegion.write(tmp)
        var options = LDNOptions(config: config, output: tmp.file("plain"), quiet: true)
        options.patches = false
        try checkCatalogue(of: tmp.file("plain"), options)

        func box(_ name: String, _ x0: Int, _ x1: Int) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x0),4469940],[\(x1),4469940],[\(x1),4470000],[\(x0),4470000],[\(x0),4469940]]]}}"
        }
        let zones = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":["
            + [box("A", 600_000, 600_060), box("B", 600_060, 600_120), box("C", 600_030, 600_090)].joined(separator: ",") + "]}"
        try zones.write(toFile: tmp.file("zones.geojson"), atomically: true, encoding: .utf8)
        let zoned = try LDNTestRegion.config(tmp, extra: "[zones]\nfile = \"zones.geojson\"\nfield = \"name\"\n")
        try checkCatalogue(of: tmp.file("zoned"), LDNOptions(config: zoned, output: tmp.file("zoned"), quiet: true))
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("zoned/baseline/sdg-15-3-1-patches.gpkg")))
        let sdgItem = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("zoned/baseline/sdg-15-3-1.item.json")))) as! [String: Any]
        XCTAssertNotNil((sdgItem["assets"] as! [String: Any])["patches"], "the SDG Item lists the patches drawn after its COG copy")
    }

    /// Runs `ldn` with `options` into `out` and checks its catalogue: the report linked, an Item per layer, every asset's
    /// checksum sha256sum's of the final file.
    private func checkCatalogue(of out: String, _ options: LDNOptions) throws {
        _ = try LDNJob.run(options)
        let catalog = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/catalog.json"))) as! [String: Any]
        let links = catalog["links"] as! [[String: Any]]
        XCTAssertEqual(Set(links.filter { $0["rel"] as? String == "related" }.map { $0["href"] as! String }),
                       ["./report.html", "./report.json", "./report.md"])
        let items = links.filter { $0["rel"] as? String == "item" }.map { $0["href"] as! String }
        let layers = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".tif") }
        XCTAssertEqual(items.count, layers.count, "an Item per layer: \(layers)")
        XCTAssertGreaterThanOrEqual(items.count, 8)
        for href in items {
            let itemPath = (out as NSString).appendingPathComponent(href)
            let item = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: itemPath))) as! [String: Any]
            for (key, asset) in item["assets"] as! [String: [String: Any]] {
                let file = ((itemPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(asset["href"] as! String)
                XCTAssertEqual(asset["file:checksum"] as? String, "1220" + (try coreutilsSHA256(file)), "\(href) \(key)")
            }
        }
    }
}

/// Events from several threads, in the order they happened.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ e: String) { lock.withLock { list.append(e) } }
    var events: [String] { lock.withLock { list } }
}
