import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The pass's stop hook (`ChunkObserver.stopReason`): an observer that asks to stop ends the pass before its next
/// window, which throws the observer's error; a patch drawing that has failed (`PatchDrawing.failure`) asks so.
final class StreamedCalculationStopTests: XCTestCase {
    private struct Stop: Error {}

    /// Stops the pass once it has seen a chunk.
    private final class StoppingObserver: ChunkObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var rows = Set<Int>()
        var seenRows: Int { lock.withLock { rows.count } }
        func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
            let n = results[0].count / width
            lock.withLock { for r in firstRow..<(firstRow + n) { rows.insert(r) } }
        }
        var stopReason: Error? { seenRows > 0 ? Stop() : nil }
    }

    func testAnObserverAskingToStopEndsThePassAtTheNextWindow() throws {
        let tmp = try TemporaryFolder()
        // 4000 x 1000 pixels: more than the 32 MiB budget holds at once, so the pass has several windows.
        let width = 4000, height = 1000
        let path = try TestRaster.write(tmp.file("in.tif"), width: width, height: height, values: [Float](repeating: 1, count: width * height), type: .byte)
        let copy: SpectralIndex.Kernel = { ins, _, out in _ = out.update(fromContentsOf: ins[0]) }
        let observer = StoppingObserver()
        var windows = 0
        XCTAssertThrowsError(try StreamedCalculation.run(inputs: [PixelInput(band: try Dataset.open(path).band(1))],
                                                         outputs: [PixelOutput(kernel: copy, inputs: [0], spec: nil)],
                                                         observer: observer, progress: { _ in windows += 1 })) { e in
            XCTAssertTrue(e is Stop, "the observer's error: \(e)")
        }
        XCTAssertEqual(windows, 1, "stopped after the first window")
        XCTAssertGreaterThan(observer.seenRows, 0)
        XCTAssertLessThan(observer.seenRows, height, "the rest of the raster not computed")
    }

    func testAFailedPatchDrawingStopsThePass() throws {
        let tmp = try TemporaryFolder()
        let work = try WorkFolder(in: tmp.path)
        let path = try TestRaster.write(tmp.file("c.tif"), width: 10, height: 10, values: [Float](repeating: 1, count: 100), type: .int16)
        // The GeoPackage's folder does not exist: the drawing fails at once.
        let drawing = try PatchDrawing(grid: try Dataset.open(path).grid, legend: LDNLegend.status, wanted: [-1, 1], zones: nil,
                                       units: .ldnTables, to: tmp.file("missing/p.gpkg"), layer: "patches", work: work)
        let observer = PatchDrawingObserver(drawing, classes: 0, zone: nil)
        let deadline = Date().addingTimeInterval(30)
        while drawing.failure == nil, Date() < deadline { usleep(1000) }
        XCTAssertNotNil(observer.stopReason, "the failed drawing asks the pass to stop")
        XCTAssertNotNil(ObserverGroup([observer]).stopReason, "also through a group of observers")
        XCTAssertThrowsError(try drawing.finish())
    }
}
