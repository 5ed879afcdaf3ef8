import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// `StackSources.collect` without `keepOpen` dates the files on every core (`StackSources.dated`, a contiguous share
/// each): every file's observations, in date order, as dated one by one; the first file in the order given that cannot
/// be read is the error, whichever share met an unreadable file first.
final class StackSourcesCollectTests: XCTestCase {
    /// 12 files named by date (given in reverse date order), 3 of them with a series of 2 dated bands: the observations
    /// equal those written (path, band, date, where the date came from), and those of `keepOpen` (one file at a time).
    func testEveryFileIsDatedAsWritten() throws {
        let tmp = try TemporaryFolder(), inputs = try TemporaryFolder()
        var expected: [(path: String, band: Int, date: String, source: String)] = []
        var files: [String] = []
        for k in 0..<12 {
            let date = String(format: "2001-%02d-15", k + 1)
            if k % 4 == 1 {
                // A series file: its dates in its band descriptions, not its name.
                let path = inputs.file(String(format: "series_%02d.tif", k))
                let ds = try Dataset.create(path, width: 6, height: 5, bands: 2, type: .float32)
                try ds.setGeoTransform(TestRaster.utm49Transform)
                for b in 1...2 {
                    let day = String(format: "2001-%02d-%02d", k + 1, b == 1 ? 5 : 25)
                    let band = try ds.band(b)
                    band.setDescription(day)
                    try [Float](repeating: 0.5, count: 30).withUnsafeBufferPointer {
                        try band.write(Window(column: 0, row: 0, width: 6, height: 5), from: $0)
                    }
                    expected.append((path, b, day, "band description"))
                }
                try ds.close()
                files.append(path)
            } else {
                let path = try TestRaster.write(inputs.file("ndvi_\(date).tif"), width: 6, height: 5,
                                                values: [Float](repeating: Float(k), count: 30), nodata: -9999)
                expected.append((path, 1, date, "name"))
                files.append(path)
            }
        }
        files.reverse()
        let o = StackOptions(inputs: files, output: tmp.file("x.tif"), minimumCoverage: 0)
        let shared = try StackSources.collect(o, rasters: InputRasters(), keepOpen: false)
        let serial = try StackSources.collect(o, rasters: InputRasters(), keepOpen: true)
        expected.sort { $0.date < $1.date }
        XCTAssertEqual(shared.map(\.path), expected.map(\.path))
        XCTAssertEqual(shared.map(\.band), expected.map(\.band))
        XCTAssertEqual(shared.map(\.date.description), expected.map(\.date))
        XCTAssertEqual(shared.map(\.dateSource), expected.map(\.source))
        XCTAssertEqual(shared, serial)
    }

    /// Files 3 and 10 of 12 given in that order (one in each share on 2 cores) not TIFFs: the error names file 3, five
    /// times over; with file 10 alone broken, file 10.
    func testTheFirstUnreadableFileInOrderIsTheError() throws {
        let tmp = try TemporaryFolder(), inputs = try TemporaryFolder()
        let files = try (0..<12).map { k in
            try TestRaster.write(inputs.file(String(format: "ndvi_2001-%02d-15.tif", k + 1)), width: 6, height: 5,
                                 values: [Float](repeating: 1, count: 30), nodata: -9999)
        }
        let o = StackOptions(inputs: files, output: tmp.file("x.tif"), minimumCoverage: 0)
        XCTAssertEqual(try StackSources.collect(o, rasters: InputRasters(), keepOpen: false).count, 12)
        try Data("not a TIFF".utf8).write(to: URL(fileURLWithPath: files[10]))
        for _ in 0..<5 {
            XCTAssertThrowsError(try StackSources.collect(o, rasters: InputRasters(), keepOpen: false)) { e in
                let text = (e as? KubuqiError)?.message ?? "\(e)"
                XCTAssertTrue(text.contains(files[10]), text)
            }
        }
        try Data("not a TIFF".utf8).write(to: URL(fileURLWithPath: files[3]))
        for _ in 0..<5 {
            XCTAssertThrowsError(try StackSources.collect(o, rasters: InputRasters(), keepOpen: false)) { e in
                let text = (e as? KubuqiError)?.message ?? "\(e)"
                XCTAssertTrue(text.contains(files[3]), text)
                XCTAssertFalse(text.contains(files[10]), text)
            }
        }
    }
}
