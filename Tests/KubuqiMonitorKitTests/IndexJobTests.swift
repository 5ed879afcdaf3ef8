import KubuqiGDAL
import KubuqiMonitorKit
import KubuqiRaster
import TestSupport
import XCTest

/// The streamed pipeline against the formula applied to whole rasters here.
final class IndexJobTests: XCTestCase {
    /// A raster taller than several strips and not a multiple of the block size.
    let (width, height) = (301, 777)

    func makeInputs(_ tmp: TemporaryFolder) throws -> (red: String, nir: String, r: [Float], n: [Float]) {
        var red = [Float](), nir = [Float]()
        for row in 0..<height {
            for col in 0..<width {
                red.append(Float((row * 7 + col * 13) % 3000))
                nir.append(Float((row * 11 + col * 5) % 5000))
            }
        }
        red[5] = 0; nir[5] = 0          // zero denominator
        red[100] = -9999                // nodata
        let r = try TestRaster.write(tmp.file("red.tif"), width: width, height: height, values: red, type: .int16,
                                     nodata: -9999, options: ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"])
        let n = try TestRaster.write(tmp.file("nir.tif"), width: width, height: height, values: nir, type: .int16, nodata: -9999)
        return (r, n, red, nir)
    }

    func testStreamedFloat32EqualsFormulaEverywhere() throws {
        let tmp = try TemporaryFolder()
        let input = try makeInputs(tmp)
        let out = tmp.file("ndvi.tif")
        let result = try IndexJob.run(IndexOptions(
            indices: ["ndvi"], bands: [.red: BandSelection(path: input.red), .nir: BandSelection(path: input.nir)],
            output: out, quiet: true))[0]
        let got = try TestRaster.read(out)
        var valid = 0
        for i in got.indices {
            let (r, n) = (input.r[i], input.n[i])
            if r == -9999 || n + r == 0 {
                XCTAssertTrue(got[i].isNaN, "pixel \(i)")
            } else {
                XCTAssertEqual(got[i], (n - r) / (n + r), accuracy: 1e-6, "pixel \(i)")
                valid += 1
            }
        }
        XCTAssertEqual(result.statistics.count, valid)
        XCTAssertEqual(result.statistics.nodataCount, got.count - valid)
        let ds = try Dataset.open(out)
        XCTAssertEqual(ds.geoTransform, TestRaster.utm49Transform)
        XCTAssertEqual(ds.spatialReference?.epsgCode, 32649)
        XCTAssertTrue(try ds.band(1).nodata!.isNaN)
        XCTAssertEqual(ds.metadataItem("KUBUQI_INDEX"), "NDVI")
        XCTAssertEqual(try tmp.contents(), ["ndvi.item.json", "ndvi.tif", "nir.tif", "red.tif"], "no temporary file is left (the STAC Item beside the raster)")
    }

    func testInt16OutputIsScaledAndTiledDeflate() throws {
        let tmp = try TemporaryFolder()
        let input = try makeInputs(tmp)
        let out = tmp.file("ndvi16.tif")
        _ = try IndexJob.run(IndexOptions(
            indices: ["ndvi"], bands: [.red: BandSelection(path: input.red), .nir: BandSelection(path: input.nir)],
            output: out, encoding: .int16, quiet: true))
        let ds = try Dataset.open(out)
        let band = try ds.band(1)
        XCTAssertEqual(band.dataType, .int16)
        XCTAssertEqual(band.nodata, -32768)
        XCTAssertEqual(band.blockSize.width, 256)
        XCTAssertEqual(band.blockSize.height, 256)
        XCTAssertEqual(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "DEFLATE")
        let got = try band.readInt16(Window(column: 0, row: 0, width: width, height: height))
        for i in stride(from: 0, to: got.count, by: 37) {
            let (r, n) = (Double(input.r[i]), Double(input.n[i]))
            if r == -9999 || n + r == 0 {
                XCTAssertEqual(got[i], -32768)
            } else {
                // Within 1: the kernel computes in Float32, this reference in Float64.
                XCTAssertEqual(Double(got[i]), ((n - r) / (n + r) * 10000).rounded(), accuracy: 1, "pixel \(i)")
            }
        }
    }
}

extension IndexJobTests {
    /// A region (a tile) computes the same pixels as the whole run, with georeferencing moved to the tile.
    func testRegionEqualsTheSameWindowOfTheWholeRun() throws {
        let tmp = try TemporaryFolder()
        let input = try makeInputs(tmp)
        let bands = [try Dataset.open(input.nir).band(1), try Dataset.open(input.red).band(1)]
        let inputs = bands.map { PixelInput(band: $0) }
        let output = { (path: String) in PixelOutput(kernel: SpectralIndex.ndvi.kernel, inputs: [0, 1], spec: RasterOutputSpec(path: path)) }
        _ = try StreamedCalculation.run(inputs: inputs, outputs: [output(tmp.file("whole.tif"))])
        let region = Window(column: 100, row: 300, width: 150, height: 260)
        _ = try StreamedCalculation.run(inputs: inputs, outputs: [output(tmp.file("tile.tif"))], region: region)
        let whole = try Dataset.open(tmp.file("whole.tif")).band(1).read(region)
        let tile = try Dataset.open(tmp.file("tile.tif"))
        XCTAssertEqual(tile.width, 150)
        XCTAssertEqual(tile.height, 260)
        let values = try tile.band(1).read(Window(column: 0, row: 0, width: 150, height: 260))
        XCTAssertEqual(values.map { $0.isNaN ? -9 : $0 }, whole.map { $0.isNaN ? -9 : $0 })
        // 600000 + 100 x 30, 4470000 - 300 x 30.
        XCTAssertEqual(tile.geoTransform, GeoTransform([603_000, 30, 0, 4_461_000, 0, -30]))
    }
}
