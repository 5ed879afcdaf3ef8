import Foundation
import KubuqiGDAL
@testable import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// Int16 and UInt16 bands read in their own type (``StackReader/read16(_:unsigned:_:into:)``): the values are
/// those of the rule `stored * scale + offset`, NaN for nodata and for stored values at or above the valid
/// maximum, worked here per pixel from the stored integers, and bit for bit those of the Float32 path.
final class StackReaderSixteenBitTests: XCTestCase {
    /// 13 x 3 pixels (39: not a multiple of the 8 lanes), with nodata, the type's extremes and zero.
    let stored: [Float] = (0..<39).map { i in
        switch i % 7 {
        case 0: return -32768
        case 1: return 32767
        case 2: return 0
        case 3: return -1
        default: return Float(i * 997 - 15000)
        }
    }

    func testInt16ScaledWithNodata() throws {
        let tmp = try TemporaryFolder()
        let path = try TestRaster.write(tmp.file("a.tif"), width: 13, height: 3, values: stored, type: .int16, nodata: -32768)
        let ds = try Dataset.open(path)
        let input = PixelInput(band: try ds.band(1), scale: 0.0001, offset: 0.5)
        XCTAssertEqual(StackReader.sixteenBit(input), false)
        for w in [Window(column: 0, row: 0, width: 13, height: 3), Window(column: 2, row: 1, width: 9, height: 2)] {
            let got = try read(input, w)
            let expected = pixels(w).map { stored[$0] == -32768 ? Float.nan : stored[$0] * Float(0.0001) + Float(0.5) }
            assertSame(got, expected)
            assertSame(got, try floatPath(input, w))
        }
    }

    func testUInt16WithValidMaximumAndNoScale() throws {
        let tmp = try TemporaryFolder()
        let values = stored.map { $0 < 0 ? $0 + 65536 : $0 }
        let path = try TestRaster.write(tmp.file("u.tif"), width: 13, height: 3, values: values, type: .uint16, nodata: 0)
        let ds = try Dataset.open(path)
        let input = PixelInput(band: try ds.band(1), validMaximum: 65535)
        XCTAssertEqual(StackReader.sixteenBit(input), true)
        let w = Window(column: 0, row: 0, width: 13, height: 3)
        let got = try read(input, w)
        assertSame(got, values.map { $0 == 0 || $0 >= 65535 ? Float.nan : $0 })
        assertSame(got, try floatPath(input, w))
    }

    func testRangeChecksAndOtherTypesKeepTheFloatPath() throws {
        let tmp = try TemporaryFolder()
        let i16 = try Dataset.open(try TestRaster.write(tmp.file("a.tif"), width: 13, height: 3, values: stored, type: .int16))
        XCTAssertNil(StackReader.sixteenBit(PixelInput(band: try i16.band(1), validRange: 0...1)))
        let f32 = try Dataset.open(try TestRaster.write(tmp.file("f.tif"), width: 13, height: 3, values: stored))
        XCTAssertNil(StackReader.sixteenBit(PixelInput(band: try f32.band(1))))
    }

    private func pixels(_ w: Window) -> [Int] {
        (w.row..<(w.row + w.height)).flatMap { r in (w.column..<(w.column + w.width)).map { r * 13 + $0 } }
    }

    private func read(_ input: PixelInput, _ w: Window) throws -> [Float] {
        var row = [Float](repeating: -7, count: w.pixelCount)
        try row.withUnsafeMutableBufferPointer { try StackReader(inputs: [input]).read(w, into: $0) }
        return row
    }

    /// GDAL's Float32 conversion, then the float path's scaling, masks and non-finite check.
    private func floatPath(_ input: PixelInput, _ w: Window) throws -> [Float] {
        var row = try input.band.read(w)
        row.withUnsafeMutableBufferPointer {
            input.prepare($0)
            StackReader.nanForNonFinite($0)
        }
        return row
    }

    private func assertSame(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where !(x.isNaN && y.isNaN) && x.bitPattern != y.bitPattern {
            XCTFail("pixel \(i): \(x) != \(y)", file: file, line: line)
        }
    }
}
