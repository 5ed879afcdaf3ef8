import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster
@testable import KubuqiMonitorKit
import XCTest

/// `LDNChunkScratch` and `LDNScratchPool`: a reused scratch starts every chunk as a new one did (nodata codes, the
/// chunk's size), and a pass holds no more scratches than threads ran its chunks.
final class LDNChunkScratchTests: XCTestCase {
    func testResetGivesNodataCodesOfTheChunksSize() {
        let layer = Int16Scratch(4)
        defer { layer.free() }
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 4))
        layer.buffer.update(repeating: 1)
        layer.reset(count: 9)   // grows
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 9))
        layer.buffer.update(repeating: -1)
        layer.reset(count: 3)   // shrinks the view, keeps the storage
        XCTAssertEqual(Array(layer.buffer), Array(repeating: DegradationStatus.nodata, count: 3))
    }

    func testAPoolReusesItsScratchAndResetsEveryLayer() {
        let pool = LDNScratchPool()
        let first = pool.with(count: 10) { s -> ObjectIdentifier in
            for l in LDNPeriod.Layer.allCases { s[l].buffer.update(repeating: 2) }
            for l in [s.lcStart, s.lcEnd, s.trajectoryStatus] { l.buffer.update(repeating: 3) }
            s.stack(25 * 10).update(repeating: 7)
            return ObjectIdentifier(s)
        }
        pool.with(count: 6) { s in
            XCTAssertEqual(ObjectIdentifier(s), first, "one chunk at a time: the same scratch")
            for l in LDNPeriod.Layer.allCases {
                XCTAssertEqual(Array(s[l].buffer), Array(repeating: DegradationStatus.nodata, count: 6), "\(l)")
            }
            for l in [s.lcStart, s.lcEnd, s.trajectoryStatus] {
                XCTAssertEqual(Array(l.buffer), Array(repeating: DegradationStatus.nodata, count: 6))
            }
            XCTAssertEqual(s.stack(25 * 6).count, 150)
            XCTAssertEqual(s.stack(25 * 20).count, 500, "the stack grows to the chunk asked for")
        }
    }

    func testAPoolHoldsNoMoreScratchesThanThreadsRanChunks() {
        let pool = LDNScratchPool()
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var scratches = Set<ObjectIdentifier>(), threads = Set<UInt>()
        }
        let seen = Seen()
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            pool.with(count: 100 + i % 7) { s in
                seen.lock.withLock { _ = seen.scratches.insert(ObjectIdentifier(s)); _ = seen.threads.insert(UInt(pthread_self())) }
                XCTAssertEqual(s[.sdg].buffer.count, 100 + i % 7)
                XCTAssertTrue(s[.sdg].buffer.allSatisfy { $0 == DegradationStatus.nodata })
                s[.sdg].buffer.update(repeating: Int16(i % 3))
                usleep(200)
            }
        }
        XCTAssertGreaterThan(seen.scratches.count, 0)
        // A scratch is made only when every one is held, each by another thread: no more than the threads that ran.
        XCTAssertLessThanOrEqual(seen.scratches.count, seen.threads.count)
    }

    func testMeansLiveInTheScratchAtTheChunksSize() {
        let pool = LDNScratchPool()
        // 3 pixels x 2 layers, layer-major: sums 1 + 4, 2 + NaN, 3 + 6; counts 2, 1, 2.
        let stack: [Float] = [1, 2, 3, 4, .nan, 6]
        let base = pool.with(count: 3) { s -> UnsafeMutablePointer<Double>? in
            let m = s.means(count: 3, integer: true)
            stack.withUnsafeBufferPointer { m.fill(stack: $0, layers: 0..<2) }
            XCTAssertEqual(Array(m.sums), [5, 2, 9])
            XCTAssertEqual(Array(m.years), [2, 1, 2])
            s[.sdg].buffer.update(repeating: 4)
            return m.sums.baseAddress
        }
        pool.with(count: 2, resetLayers: false) { s in
            let m = s.means(count: 2, integer: false)
            XCTAssertEqual(m.count, 2)
            XCTAssertEqual(m.sums.baseAddress, base, "the same storage, no new allocation")
            XCTAssertFalse(m.integer)
            XCTAssertEqual(Array(s[.sdg].buffer), [4, 4, 4], "layers not reset for a means-only pass")
            XCTAssertEqual(s.means(count: 50, integer: true).count, 50, "grown to the chunk asked for")
        }
    }

    func testLayerChunkBuffersReusedGiveEveryChunkItsOwnCodesAndAreas() throws {
        let grid = Grid(width: 4, height: 2, geoTransform: GeoTransform([100, 0.5, 0, 40, 0, -0.5]), crsWKT: try XCTUnwrap(SpatialReference(epsg: 4326)).wkt2)
        let areas = GridAreas(grid: grid)
        let pool = LDNLayerChunkBuffers.Pool()
        let first: [Float] = [1, .nan, 3, -2, 5, 6, 7, 8], zone: [Float] = [0, 1, 2, 3, 4, 5, 6, .nan]
        let buffers = pool.take()
        try first.withUnsafeBufferPointer { a in
            try zone.withUnsafeBufferPointer { z in
                let c = LDNLayerChunk(firstRow: 0, firstColumn: 0, width: 4, results: [a, z], areas: areas, buffers: buffers)
                XCTAssertEqual(Array(c.codes(0)), [1, DegradationStatus.nodata, 3, -2, 5, 6, 7, 8])
                XCTAssertEqual(Array(c.zoneCodes(1)), [0, 1, 2, 3, 4, 5, 6, Int32(DegradationStatus.nodata)])
                let row1 = areas.areas(row: 1, columns: 0..<4)
                XCTAssertEqual(c.km2[5], row1[1] / 1e6)
                XCTAssertEqual(c.units[5], AreaTable.units(row1[1] / 1e6))
                c.scratch32(0).update(repeating: 9)
                c.free()
                XCTAssertTrue(pool.take() === buffers, "the buffers went back to the pool")
                _ = try XCTUnwrap(buffers.pool)
            }
        }
        // The next chunk in the same buffers: a column of two rows at column 3, its own codes and areas.
        let second: [Float] = [.nan, 12], zone2: [Float] = [7, .nan]
        second.withUnsafeBufferPointer { a in
            zone2.withUnsafeBufferPointer { z in
                let c = LDNLayerChunk(firstRow: 0, firstColumn: 3, width: 1, results: [a, z], areas: areas, buffers: buffers)
                XCTAssertEqual(Array(c.codes(0)), [DegradationStatus.nodata, 12])
                XCTAssertEqual(Array(c.zoneCodes(1)), [7, Int32(DegradationStatus.nodata)])
                XCTAssertEqual(c.km2[1], areas.areas(row: 1, columns: 3..<4)[0] / 1e6)
                XCTAssertEqual(c.scratch32(0).count, 2)
                c.free()
            }
        }
    }
}
