import Foundation
import KubuqiGDAL
import KubuqiIndicators
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// A period's patches drawn by its layer pass finish beside the next period (``LDNPeriodPublisher`` finishes the
/// ``PatchDrawing`` the period hands over): the GeoPackage complete when the publisher is done; the first failing step
/// in the serial order is the run's error; a drawing handed over after the run failed is cancelled, not left running.
final class LDNPeriodPublisherTests: XCTestCase {
    /// A 9 x 7 SDG map by hand: a 2 x 2 block of -1 (rows 1-2, columns 1-2), a +1 pixel alone (row 5, column 7), an
    /// L of -1 (row 4, columns 4-6 and row 5, column 4), the rest 0: three patches, of 4, 1 and 4 pixels.
    private static let width = 9, height = 7
    private static func classes() -> [Float] {
        var v = [Float](repeating: 0, count: width * height)
        for (r, c) in [(1, 1), (1, 2), (2, 1), (2, 2), (4, 4), (4, 5), (4, 6), (5, 4)] { v[r * width + c] = -1 }
        v[5 * width + 7] = 1
        return v
    }

    /// A drawing of the map above with its first `rows` rows observed (all: the pass has ended), not yet finished.
    private func drawing(_ tmp: TemporaryFolder, _ work: WorkFolder, _ name: String, rows: Int = height) throws -> PatchDrawing {
        let grid = try Dataset.open(try TestRaster.write(tmp.file("\(name).tif"), width: Self.width, height: Self.height,
                                                         values: Self.classes(), type: .int16)).grid
        let d = try PatchDrawing(grid: grid, legend: LDNLegend.status, wanted: [-1, 1], zones: nil, units: .ldnTables,
                                 to: tmp.file("\(name).gpkg"), layer: "patches", work: work)
        let part = Array(Self.classes().prefix(rows * Self.width))
        part.withUnsafeBufferPointer { d.observe(firstRow: 0, firstColumn: 0, width: Self.width, classes: $0, zone: nil) }
        return d
    }

    private func period(_ name: String, drawing: PatchDrawing?) -> LDNPeriodResult {
        var p = LDNPeriodResult(name: name, years: 2000...2010, landCoverYears: (2000, 2010), files: [:], areas: [:],
                                transitions: TransitionTable(), performanceMaxima: [:], annualProductivity: [:], patches: drawing?.path)
        p.patchDrawing = drawing
        return p
    }

    /// Two periods' drawings handed over unfinished: both GeoPackages complete when ``LDNPeriodPublisher/finish()``
    /// returns (three patches each: two of class -1, one of +1), recorded by period, no scratch file left.
    func testUnfinishedDrawingsAreFinishedByThePublisher() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let publisher = LDNPeriodPublisher(userOptions: CreationOptions(), zones: nil, work: work, quiet: true, patches: true)
        let a = try drawing(tmp, work, "a"), b = try drawing(tmp, work, "b")
        publisher.submit(period("baseline", drawing: a))
        publisher.submit(period("reporting-2011-2015", drawing: b))
        let published = try publisher.finish()
        XCTAssertEqual(published.patches, ["baseline": a.path, "reporting-2011-2015": b.path])
        for path in [a.path, b.path] {
            let table = try VectorTable.read(path: path)
            let cls = try XCTUnwrap(table.columns.firstIndex(of: "class"))
            XCTAssertEqual(table.rows.map { $0.cells[cls] }.sorted(), ["-1", "-1", "1"], path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "no scratch file left")
    }

    /// The first failing step in the order submitted is the error: a stack layer's copy of a missing raster (submitted
    /// first) before a later failure, before the error of a period computed after it; ``LDNPeriodPublisher/failure()``
    /// is nil until something fails.
    func testFirstFailureInTheOrderSubmittedIsTheError() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let publisher = LDNPeriodPublisher(userOptions: CreationOptions(), zones: nil, work: work, quiet: true, patches: true)
        XCTAssertNil(publisher.failure())
        struct Later: Error {}
        XCTAssertTrue(publisher.firstError(before: Later()) is Later, "nothing failed: the period's own error")
        let missing = tmp.file("baseline/missing-trajectory.tif")
        publisher.submitStackLayers(of: LDNPeriod(name: "baseline", years: 2000...2010, isBaseline: true, landCoverStart: 2000,
                                                  landCoverEnd: 2010, landUnitsYear: 2010,
                                                  windows: LDNWindows(trajectory: 2000...2010, performance: 2000...2010,
                                                                      stateBaseline: 2000...2007, stateRecent: 2008...2010)),
                                    files: [.trajectory: missing])
        let first = publisher.firstError(before: Later())
        XCTAssertFalse(first is Later, "the earlier copy's failure, not the later period's")
        XCTAssertTrue("\(first)".contains("missing-trajectory"), "\(first)")
        XCTAssertNotNil(publisher.failure())
        // A period handed over after the failure, its drawing still waiting for rows: cancelled (its thread ended), the
        // first error kept. Not cancelled, its thread would wait for the missing rows forever.
        let d = try drawing(tmp, work, "late", rows: 3)
        publisher.submit(period("reporting-2011-2015", drawing: d))
        XCTAssertThrowsError(try publisher.finish()) { XCTAssertTrue("\($0)".contains("missing-trajectory"), "\($0)") }
        let ended = DispatchSemaphore(value: 0)
        Thread.detachNewThread { _ = try? d.finish(); ended.signal() }
        XCTAssertEqual(ended.wait(timeout: .now() + 20), .success, "the drawing's thread ended")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "no scratch file left")
    }

    /// A run's last period waits for its patches while the publisher finishes them: any number of threads wait for one
    /// drawing, each gets its outcome (the same areas), and a later wait returns at once.
    func testSeveralThreadsWaitForOneDrawing() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let d = try drawing(tmp, work, "shared")
        let areas = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in areas.add(try? d.finish()) }
        let all = areas.list
        XCTAssertEqual(all.count, 4)
        XCTAssertTrue(all.allSatisfy { $0 != nil && $0 == all[0] }, "\(all)")
        XCTAssertEqual(Set(all[0]?.keys.sorted() ?? []), [-1, 1], "areas of the -1 and +1 patches")
        XCTAssertEqual(try d.finish(), all[0])
    }
}

/// Outcomes gathered from several threads.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[Int: Double]?] = []
    func add(_ o: [Int: Double]?) { lock.withLock { items.append(o) } }
    var list: [[Int: Double]?] { lock.withLock { items } }
}
