import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster
import XCTest

final class LandsatSceneTests: XCTestCase {
    /// A minimal group-aware MTL reader: `GROUP.KEY` -> value with quotes removed.
    func parseMTL(_ text: String) -> [String: String] {
        var groups: [String] = [], out: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "END" { break }
            let parts = line.components(separatedBy: " = ")
            guard parts.count == 2 else { continue }
            if parts[0] == "GROUP" { groups.append(parts[1]); continue }
            if parts[0] == "END_GROUP" { XCTAssertEqual(groups.popLast(), parts[1]); continue }
            out[(groups.last ?? "") + "." + parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        XCTAssertTrue(groups.isEmpty, "unbalanced GROUP/END_GROUP")
        return out
    }

    func testMTLHasTheKeysAReaderNeeds() throws {
        let f = try FixtureFiles.shared()
        for (i, scene) in f.truth.scenes.enumerated() {
            let text = try String(contentsOfFile: f.path(f.sceneFile(i, "MTL.txt")), encoding: .utf8)
            XCTAssertTrue(text.hasSuffix("END_GROUP = LANDSAT_METADATA_FILE\nEND\n"))
            let mtl = parseMTL(text)
            XCTAssertEqual(mtl["IMAGE_ATTRIBUTES.SPACECRAFT_ID"], scene.spacecraft)
            XCTAssertEqual(mtl["IMAGE_ATTRIBUTES.SENSOR_ID"], "OLI_TIRS")
            XCTAssertEqual(mtl["IMAGE_ATTRIBUTES.DATE_ACQUIRED"], scene.date)
            XCTAssertEqual(mtl["PRODUCT_CONTENTS.PROCESSING_LEVEL"], "L2SP")
            XCTAssertEqual(mtl["PRODUCT_CONTENTS.COLLECTION_NUMBER"], "02")
            XCTAssertEqual(mtl["PRODUCT_CONTENTS.LANDSAT_PRODUCT_ID"], scene.productID)
            XCTAssertEqual(scene.folder, "landsat/" + scene.productID)
            for band in 2...7 {
                XCTAssertEqual(mtl["LEVEL2_SURFACE_REFLECTANCE_PARAMETERS.REFLECTANCE_MULT_BAND_\(band)"].flatMap(Double.init), 2.75e-5)
                XCTAssertEqual(mtl["LEVEL2_SURFACE_REFLECTANCE_PARAMETERS.REFLECTANCE_ADD_BAND_\(band)"].flatMap(Double.init), -0.2)
                // The Level-1 group reuses the key names with other values, as in real files.
                XCTAssertEqual(mtl["LEVEL1_RADIOMETRIC_RESCALING.REFLECTANCE_MULT_BAND_\(band)"].flatMap(Double.init), 2.0e-5)
                let name = try XCTUnwrap(mtl["PRODUCT_CONTENTS.FILE_NAME_BAND_\(band)"])
                XCTAssertEqual(name, scene.productID + "_SR_B\(band).TIF")
                XCTAssertTrue(FileManager.default.fileExists(atPath: f.path(scene.folder + "/" + name)), name)
            }
            let qa = try XCTUnwrap(mtl["PRODUCT_CONTENTS.FILE_NAME_QUALITY_L1_PIXEL"])
            XCTAssertTrue(FileManager.default.fileExists(atPath: f.path(scene.folder + "/" + qa)), qa)
            XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: f.path(scene.folder))), Set(scene.files))
        }
    }

    func testSRDNAndReflectanceAtHandPickedPixels() throws {
        let f = try FixtureFiles.shared()
        for (i, scene) in f.truth.scenes.enumerated() {
            var bands: [Int: [Float]] = [:]
            for b in 2...7 {
                let ds = try Dataset.open(f.path(f.sceneFile(i, "SR_B\(b).TIF")))
                XCTAssertEqual(try ds.band(1).dataType, .uint16)
                XCTAssertEqual(try ds.band(1).nodata, 0)
                bands[b] = try ds.band(1).read(Window(column: 0, row: 0, width: 256, height: 256))
            }
            XCTAssertEqual(scene.samples.count, 11)
            for s in scene.samples {
                if s.qaPixel == 1 {
                    XCTAssertTrue(s.bands.isEmpty)
                    for b in 2...7 { XCTAssertEqual(bands[b]![idx(s.row, s.column)], 0, "fill is DN 0") }
                    continue
                }
                for sb in s.bands {
                    let dn = Double(bands[sb.band]![idx(s.row, s.column)])
                    XCTAssertEqual(dn, Double(sb.dn), "\(scene.date) \(s.label) B\(sb.band)")
                    XCTAssertEqual((sb.reflectance + 0.2) / 0.0000275, dn, accuracy: 0.5 + 0.01,
                                   "DN = (reflectance + 0.2) / 0.0000275 at \(s.label) B\(sb.band)")
                    XCTAssertEqual(dn * 0.0000275 - 0.2, sb.reflectance, accuracy: 0.0000138 + 1e-7)
                }
            }
            // Plausible values per land type (clear pixels of the earlier scene).
            func sample(_ label: String) throws -> FixtureTruth.SamplePixel {
                try XCTUnwrap(scene.samples.first { $0.label == label })
            }
            func rho(_ s: FixtureTruth.SamplePixel, _ band: Int) -> Double { s.bands.first { $0.band == band }!.reflectance }
            let water = try sample("reservoir centre"), dune = try sample("dune"), field = try sample("field centre")
            XCTAssertLessThan(rho(water, 5), 0.05, "water is dark in NIR")
            XCTAssertLessThan(try XCTUnwrap(water.ndvi), 0)
            XCTAssertGreaterThan(rho(dune, 4), 0.2, "sand is bright in red")
            XCTAssertGreaterThan(rho(dune, 6), 0.3, "sand is bright in SWIR1")
            XCTAssertLessThan(try XCTUnwrap(dune.ndvi), 0.15)
            XCTAssertGreaterThan(rho(field, 5), 0.3, "crops are bright in NIR")
            XCTAssertGreaterThan(try XCTUnwrap(field.ndvi), 0.6)
        }
    }

    func testQABitsWhereTheCloudWasPlanted() throws {
        let f = try FixtureFiles.shared()
        let early = try f.read(f.sceneFile(0, "QA_PIXEL.TIF")).map { UInt16($0) }
        let late = try f.read(f.sceneFile(1, "QA_PIXEL.TIF")).map { UInt16($0) }
        let cloud = f.truth.cloud
        func bit(_ v: UInt16, _ b: Int) -> Bool { v & (1 << b) != 0 }

        let centre = late[idx(cloud.centreRow, cloud.centreColumn)]
        XCTAssertTrue(bit(centre, 3), "cloud bit at the cloud centre")
        XCTAssertFalse(bit(centre, 6), "not clear under the cloud")
        XCTAssertEqual((centre >> 8) & 3, 3, "high cloud confidence")
        XCTAssertEqual(centre, 22280)

        let ring = late[idx(cloud.centreRow, cloud.centreColumn + cloud.radiusPixels + 2)]
        XCTAssertTrue(bit(ring, 1), "dilated-cloud bit in the ring")
        XCTAssertFalse(bit(ring, 3))
        XCTAssertFalse(bit(ring, 6))

        let shadow = late[idx(cloud.centreRow + cloud.shadowRowOffset, cloud.centreColumn + cloud.shadowColumnOffset)]
        XCTAssertTrue(bit(shadow, 4), "shadow bit at the shadow centre")
        XCTAssertFalse(bit(shadow, 3))
        XCTAssertEqual((shadow >> 10) & 3, 3, "high shadow confidence")

        // The same pixels are clear land in the earlier scene.
        for (r, c) in [(cloud.centreRow, cloud.centreColumn),
                       (cloud.centreRow + cloud.shadowRowOffset, cloud.centreColumn + cloud.shadowColumnOffset)] {
            XCTAssertEqual(early[idx(r, c)], 21824)
        }
        // Counts of each bit match the truth; the earlier scene has no cloud at all.
        XCTAssertEqual(late.filter { bit($0, 3) }.count, cloud.cloudPixels)
        XCTAssertEqual(late.filter { bit($0, 1) }.count, cloud.dilatedCloudPixels)
        XCTAssertEqual(late.filter { bit($0, 4) }.count, cloud.shadowPixels)
        XCTAssertEqual(early.filter { bit($0, 1) || bit($0, 3) || bit($0, 4) || bit($0, 0) }.count, 0)
        // Fill: QA 1 in the later scene only, where the truth says.
        XCTAssertEqual(late.filter { $0 == 1 }.count, f.truth.scenes[1].fillPixels)
        XCTAssertEqual(late[idx(255, 0)], 1)
        XCTAssertEqual(try Dataset.open(f.path(f.sceneFile(1, "QA_PIXEL.TIF"))).band(1).nodata, 1)
        // Water bit on the reservoir, both dates.
        XCTAssertEqual(early[idx(34, 206)], 21952)
        XCTAssertEqual(late[idx(34, 206)], 21952)
        // No cloud, ring or shadow pixel is in a planted patch.
        let ids = try f.read(FixtureGenerator.patchIDsPath)
        for i in late.indices where bit(late[i], 1) || bit(late[i], 3) || bit(late[i], 4) || bit(late[i], 0) {
            XCTAssertEqual(ids[i], 0, "masked pixel \(i) inside a planted patch")
        }
    }

    func testCloudIsBrightAndShadowDark() throws {
        let f = try FixtureFiles.shared()
        let late = f.truth.scenes[1], early = f.truth.scenes[0]
        func nir(_ s: FixtureTruth.Scene, _ label: String) -> Double {
            s.samples.first { $0.label == label }!.bands.first { $0.band == 5 }!.reflectance
        }
        func blue(_ s: FixtureTruth.Scene, _ label: String) -> Double {
            s.samples.first { $0.label == label }!.bands.first { $0.band == 2 }!.reflectance
        }
        XCTAssertGreaterThan(blue(late, "cloud centre"), 0.3)
        XCTAssertGreaterThan(blue(late, "cloud centre"), 3 * blue(early, "cloud centre"))
        XCTAssertLessThan(nir(late, "shadow centre"), 0.5 * nir(early, "shadow centre"))
    }
}
