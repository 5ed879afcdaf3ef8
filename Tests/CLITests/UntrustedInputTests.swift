import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Untrusted data reaching files and the network (issue 15, item 3): a VRT
/// reading a raw file, a STAC href to a GDAL virtual path, FIFOs as inputs,
/// a stalled server.
final class UntrustedInputTests: CLITestCase {
    var tmp: TemporaryFolder!
    var nir = ""

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        nir = try TestRaster.write(tmp.file("nir.tif"), width: 16, height: 16, values: (0..<256).map { Float($0) + 100 })
    }

    func assertInputError(_ r: CLIRunner.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 3, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "'\(m)' in \(r.stderr)", file: file, line: line) }
    }

    /// A `VRTRawRasterBand` over a file that is not a raster (here a copy of
    /// /etc/passwd's kind of content) is refused: its bytes never become pixels.
    func testRawRasterBandVRTCannotReadArbitraryFiles() throws {
        let secret = tmp.file("secret.txt")
        try String(repeating: "root:x:0:0:root:/root:/bin/bash\n", count: 40).write(toFile: secret, atomically: true, encoding: .utf8)
        let vrt = tmp.file("raw.vrt")
        try """
        <VRTDataset rasterXSize="16" rasterYSize="16"><SRS>EPSG:32649</SRS>
          <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>
          <VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">
            <SourceFilename relativetoVRT="0">\(secret)</SourceFilename>
            <ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>16</LineOffset>
          </VRTRasterBand>
        </VRTDataset>
        """.write(toFile: vrt, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["index", "ndvi", "--red", vrt, "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        assertInputError(r, mentions: ["raw.vrt", "GDAL_VRT_ENABLE_RAWRASTERBAND"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.file("o.tif")))
        // The same band one VRT further (a VRT reading the raw VRT) is refused too.
        let outer = tmp.file("outer.vrt")
        try simpleVRT(source: "raw.vrt").write(toFile: outer, atomically: true, encoding: .utf8)
        let r2 = try CLIRunner.run(["index", "ndvi", "--red", outer, "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        assertInputError(r2, mentions: ["outer.vrt", "raw.vrt, which it reads", "VRTRawRasterBand"])
        // A user who trusts the file may allow it explicitly.
        let allowed = try CLIRunner.run(["index", "ndvi", "--red", vrt, "--nir", nir, "-o", tmp.file("allowed.tif"), "-q",
                                         "--gdal-config", "GDAL_VRT_ENABLE_RAWRASTERBAND=YES"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
    }

    func simpleVRT(source: String) -> String {
        """
        <VRTDataset rasterXSize="16" rasterYSize="16"><SRS>EPSG:32649</SRS>
          <GeoTransform>600000, 30, 0, 4470000, 0, -30</GeoTransform>
          <VRTRasterBand dataType="Float32" band="1"><SimpleSource><SourceFilename relativeToVRT="1">\(source)</SourceFilename>
          <SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>
        """
    }

    /// VRTs reading VRTs: a chain deeper than 8 and a VRT reading itself end
    /// with an input error, not a stack overflow or a hang.
    func testNestedVRTChainsAreBounded() throws {
        try simpleVRT(source: "nir.tif").write(toFile: tmp.file("v0.vrt"), atomically: true, encoding: .utf8)
        for i in 1...12 { try simpleVRT(source: "v\(i - 1).vrt").write(toFile: tmp.file("v\(i).vrt"), atomically: true, encoding: .utf8) }
        let shallow = try CLIRunner.run(["index", "ndvi", "--red", tmp.file("v3.vrt"), "--nir", nir, "-o", tmp.file("ok.tif"), "-q"])
        XCTAssertEqual(shallow.status, 0, shallow.stderr)
        let deep = try CLIRunner.run(["index", "ndvi", "--red", tmp.file("v12.vrt"), "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        assertInputError(deep, mentions: ["v12.vrt", "nested more than 8 deep"])
        try simpleVRT(source: "self.vrt").write(toFile: tmp.file("self.vrt"), atomically: true, encoding: .utf8)
        let started = Date()
        let loop = try CLIRunner.run(["index", "ndvi", "--red", tmp.file("self.vrt"), "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        XCTAssertEqual(loop.status, 3, loop.stderr)
        XCTAssertEqual(loop.stderr.split(separator: "\n").count, 1, loop.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    /// The defaults are applied, and the environment still overrides them.
    func testSafeGDALSettingsAreTheDefaults() throws {
        for (key, value) in GDALEnvironment.untrustedInputSettings {
            XCTAssertEqual(GDALEnvironment.config(key), value, key)
        }
        XCTAssertEqual(GDALEnvironment.config("GDAL_VRT_ENABLE_RAWRASTERBAND"), "NO")
        XCTAssertNotNil(GDALEnvironment.config("GDAL_HTTP_TIMEOUT"))
    }

    /// A STAC asset naming a GDAL virtual path or a URL scheme (`file:///vsicurl/...`)
    /// is refused without any connection being tried.
    func testSTACHrefsToVirtualPathsAreRefused() throws {
        for href in ["file:///vsicurl/http://127.0.0.1:9/B04.tif", "/vsicurl/http://127.0.0.1:9/B04.tif",
                     "/vsis3/bucket/B04.tif", "ftp://127.0.0.1/B04.tif", "B04/../../vsicurl/x"] {
            let item = tmp.file("item.json")
            try """
            {"type": "Feature", "properties": {"s2:processing_baseline": "05.09"},
             "assets": {"red": {"href": "\(href)"}, "nir": {"href": "nir.tif"}}}
            """.write(toFile: item, atomically: true, encoding: .utf8)
            let started = Date()
            let r = try CLIRunner.run(["index", "ndvi", "--scene", item, "--sensor", "sentinel2-l2a", "-o", tmp.file("o.tif"), "-q"])
            assertInputError(r, mentions: ["item.json", "STAC asset red", "virtual or remote path"])
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, href)
        }
    }

    /// FIFOs as a raster input, a scene's MTL, a config and a zone file: refused at once, no hang.
    func testFIFOsAreRefusedInsteadOfBlocking() throws {
        let fifo = tmp.file("red.tif")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let runs: [([String], String)] = [
            (["index", "ndvi", "--red", fifo, "--nir", nir, "-o", tmp.file("o.tif"), "-q"], "red.tif"),
            (["change", "--before", nir, "--after", nir, "--threshold", "fixed:0.1", "--zones", fifo, "-o", tmp.file("o-change"), "-q"], "red.tif"),
            (["ldn", "--config", fifo, "-o", tmp.file("o-ldn"), "-q"], "red.tif"),
        ]
        for (args, name) in runs {
            let started = Date()
            let r = try CLIRunner.run(args)
            assertInputError(r, mentions: [name, "FIFO"])
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "\(args[0]) did not block")
        }
        // A FIFO named like a scene's MTL.
        let scene = tmp.file("LC08_L2SP_128032_20230820_20230826_02_T1")
        try FileManager.default.createDirectory(atPath: scene, withIntermediateDirectories: false)
        try TestRaster.write(scene + "/LC08_L2SP_128032_20230820_20230826_02_T1_SR_B4.TIF", width: 16, height: 16, values: Array(repeating: 9000, count: 256))
        XCTAssertEqual(mkfifo(scene + "/LC08_L2SP_128032_20230820_20230826_02_T1_MTL.txt", 0o644), 0)
        let started = Date()
        let r = try CLIRunner.run(["index", "ndvi", "--scene", scene, "--sensor", "landsat-c2l2", "-o", tmp.file("o.tif"), "-q"])
        assertInputError(r, mentions: ["_MTL.txt", "FIFO"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    /// A remote input the user names on a stalled server ends with an input
    /// error once GDAL's HTTP timeout passes (shortened here from the default 60 s).
    func testStalledServerTimesOut() throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Accepts connections and never answers.
        server.arguments = ["python3", "-c", """
            import socket, sys, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0)); s.listen(8)
            print(s.getsockname()[1], flush=True)
            held = []
            while True:
                c, _ = s.accept(); held.append(c)
            """]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var portText = ""
        while !portText.hasSuffix("\n") {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            portText += String(decoding: byte, as: UTF8.self)
        }
        let port = try XCTUnwrap(Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let started = Date()
        let r = try CLIRunner.run(["index", "ndvi", "--red", "/vsicurl/http://127.0.0.1:\(port)/red.tif", "--nir", nir,
                                   "-o", tmp.file("o.tif"), "-q", "--gdal-config", "GDAL_HTTP_TIMEOUT=2"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertLessThan(elapsed, 30, "gave up after the timeout, not never")
    }
}
