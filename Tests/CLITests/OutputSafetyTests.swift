import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Files the tool must never touch (issue 15, items 1, 2 and 13): planted
/// links and hard links, devices, FIFOs and sockets as outputs, and two runs
/// writing one folder.
final class OutputSafetyTests: CLITestCase {
    var tmp: TemporaryFolder!
    var red = "", nir = ""
    /// The bytes of a file the tool must leave alone.
    let precious = Data("precious bytes, not an output\n".utf8)

    override func setUpWithError() throws {
        tmp = try TemporaryFolder()
        // Reflectance-like values (0.01..0.51 and about twice that): usable as bands by index and as NDVI by change.
        let values = (0..<(64 * 64)).map { Float($0 % 500 + 10) / 1000 }
        red = try TestRaster.write(tmp.file("red.tif"), width: 64, height: 64, values: values)
        nir = try TestRaster.write(tmp.file("nir.tif"), width: 64, height: 64, values: values.enumerated().map { $1 * 2 + Float($0 % 7) * 0.03 })
    }

    func victim(_ name: String = "victim.txt") throws -> String {
        let path = tmp.file(name)
        try precious.write(to: URL(fileURLWithPath: path))
        return path
    }

    func assertUntouched(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), precious, "\(path) untouched", file: file, line: line)
    }

    func assertOutputError(_ r: CLIRunner.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 4, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "\(m) in \(r.stderr)", file: file, line: line) }
    }

    func change(_ out: String) throws -> CLIRunner.Result {
        try CLIRunner.run(["change", "--before", red, "--after", nir, "-o", out, "-q"])
    }

    /// Item 1: the lock file planted as a link to an input (the campaign's
    /// reproducer truncated nir.tif to the PID); also a hard link.
    func testPlantedLockLinksAreRefusedAndTheirTargetsUntouched() throws {
        let target = try victim()
        let out = tmp.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        XCTAssertEqual(symlink(target, out + "/.kubuqi.lock"), 0)
        let r = try change(out)
        assertOutputError(r, mentions: [".kubuqi.lock", "symbolic link"])
        try assertUntouched(target)

        unlink(out + "/.kubuqi.lock")
        XCTAssertEqual(link(target, out + "/.kubuqi.lock"), 0)
        let r2 = try change(out)
        assertOutputError(r2, mentions: [".kubuqi.lock", "hard link"])
        try assertUntouched(target)
        // The campaign's exact case: the lock linked to an input of the run.
        unlink(out + "/.kubuqi.lock")
        let nirBytes = try Data(contentsOf: URL(fileURLWithPath: nir))
        XCTAssertEqual(symlink(nir, out + "/.kubuqi.lock"), 0)
        assertOutputError(try change(out), mentions: ["symbolic link"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: nir)), nirBytes, "the input is intact")
    }

    /// Item 1: an output name planted as a link (in a shared folder) is not
    /// replaced, neither for `index -o FILE` nor among the files `change` publishes.
    func testPlantedOutputLinksAreNeverWrittenThrough() throws {
        let target = try victim()
        XCTAssertEqual(symlink(target, tmp.file("ndvi.tif")), 0)
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("ndvi.tif"), "-q"])
        assertOutputError(r, mentions: ["ndvi.tif", "symbolic link"])
        try assertUntouched(target)
        XCTAssertEqual(SafeEntry.type(tmp.file("ndvi.tif")), S_IFLNK, "the link is left as it was")

        let out = tmp.file("change-out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        XCTAssertEqual(symlink(target, out + "/change-class.tif"), 0)
        let r2 = try change(out)
        assertOutputError(r2, mentions: ["change-class.tif", "symbolic link"])
        try assertUntouched(target)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".kubuqi-") }, [],
                       "no work folder left")
    }

    /// Item 1: temporaries are private folders with unpredictable names (so
    /// no name can be planted in advance), created fresh for each output.
    func testTemporariesAreExclusiveAndUnpredictable() throws {
        try TestRaster.hugeEmptyVRT(tmp.file("huge.vrt"))
        var names: [String] = []
        for _ in 0..<2 {
            let (p, _, _) = try CLIRunner.start(["index", "ndvi", "--red", tmp.file("huge.vrt"), "--nir", tmp.file("huge.vrt"), "-o", tmp.file("o.tif"), "-q"])
            let deadline = Date().addingTimeInterval(20)
            var found: String?
            while Date() < deadline, found == nil {
                found = try tmp.contents().first { $0.hasPrefix(".kubuqi-tmp-") }
                usleep(20_000)
            }
            let name = try XCTUnwrap(found)
            names.append(name)
            XCTAssertNotNil(name.range(of: "^\\.kubuqi-tmp-\(p.processIdentifier)-[A-Za-z0-9]{6}$", options: .regularExpression), name)
            var st = stat()
            XCTAssertEqual(lstat(tmp.file(name), &st), 0)
            XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR, "a folder, not a file that could be a planted link")
            XCTAssertEqual(st.st_mode & 0o777, 0o700, "private to the run")
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 143)
        }
        XCTAssertNotEqual(names[0].suffix(6), names[1].suffix(6), "random part differs")
        XCTAssertFalse(try tmp.contents().contains { $0.hasPrefix(".kubuqi-") }, "nothing left")
    }

    /// Item 1: the final rename replaces the previous output (a regular file of
    /// the same user), so reruns still work.
    func testRerunReplacesThePreviousOutput() throws {
        let out = tmp.file("ndvi.tif")
        for _ in 0..<2 {
            let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", out, "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(try tmp.contents().filter { $0.hasPrefix(".kubuqi-") }, [])
    }

    /// A stale GDAL sidecar: `gdalinfo -stats` or QGIS on the previous output leaves `OUT.tif.aux.xml`, here one
    /// declaring nodata 0.25, scale 2 and offset 100. It outlived the rerun and GDAL merged it into the new output
    /// (`index` even baked it into its COG, whose STAC item then said nodata 0.25; `change`, `stack`, `warn`,
    /// `drought` left it beside theirs), so every reader saw NDVI 0.25 as nodata and every value as 2 x + 100. Now
    /// the replaced file's sidecar goes with it, as GDAL itself (an independent reader, in Python) shows: nodata
    /// NaN, no scale or offset; and a sidecar planted as a link is refused (exit 4) with its target untouched.
    func testAStaleSidecarOfThePreviousOutputIsNotReadAsTheNewOnes() throws {
        guard let python = PythonReference.interpreter(needing: "osgeo.gdal") else { return }
        let stale = Data("""
            <PAMDataset>
              <PAMRasterBand band="1"><NoDataValue>0.25</NoDataValue><Offset>100</Offset><Scale>2</Scale></PAMRasterBand>
            </PAMDataset>
            """.utf8)
        let series = tmp.file("series.tif")
        let ds = try Dataset.create(series, width: 4, height: 4, bands: 3, type: .float32)
        try ds.setGeoTransform(TestRaster.utm49Transform)
        for b in 1...3 {
            try ds.band(b).setDescription("201\(b)-06-15")
            try [Float](repeating: Float(b) / 10, count: 16).withUnsafeBufferPointer { try ds.band(b).write(Window(column: 0, row: 0, width: 4, height: 4), from: $0) }
        }
        try ds.close()
        let runs: [(args: [String], raster: String)] = [
            (["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("ndvi.tif")], tmp.file("ndvi.tif")),
            (["index", "ndvi", "--red", red, "--nir", nir, "--co", "COG=NO", "-o", tmp.file("plain.tif")], tmp.file("plain.tif")),
            (["change", "--before", red, "--after", nir, "-o", tmp.file("ch")], tmp.file("ch/change-magnitude.tif")),
            (["stack", series, "--min-coverage", "0", "-o", tmp.file("st.tif")], tmp.file("st.tif")),
        ]
        for run in runs {
            XCTAssertEqual(try CLIRunner.run(run.args + ["-q"]).status, 0)
            try stale.write(to: URL(fileURLWithPath: run.raster + ".aux.xml"))
            let r = try CLIRunner.run(run.args + ["-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: run.raster + ".aux.xml"), "\(run.raster): the stale sidecar is gone")
        }
        let script = """
            import json, sys
            from osgeo import gdal
            out = {}
            for p in json.load(open(sys.argv[1])):
                ds = gdal.Open(p); b = ds.GetRasterBand(1)
                out[p] = [repr(b.GetNoDataValue()), b.GetScale(), b.GetOffset()]
            json.dump(out, open(sys.argv[2], "w"))
            """
        let got = try XCTUnwrap(PythonReference.run(python, script: script, input: runs.map(\.raster)) as? [String: [Any]])
        for run in runs {
            let g = try XCTUnwrap(got[run.raster])
            XCTAssertEqual(g[0] as? String, "nan", "\(run.raster) nodata")
            XCTAssertTrue((g[1] as? Double).map { $0 == 1 } ?? true, "\(run.raster) scale \(g[1])")
            XCTAssertTrue((g[2] as? Double).map { $0 == 0 } ?? true, "\(run.raster) offset \(g[2])")
        }
        // A sidecar planted as a link: refused before any work, nothing written through it.
        let link = tmp.file("ndvi.tif.aux.xml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: try victim())
        assertOutputError(try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.file("ndvi.tif"), "-q"]),
                          mentions: ["ndvi.tif.aux.xml", "symbolic link"])
        try assertUntouched(tmp.file("victim.txt"))
        let folderLink = tmp.file("ch/change-magnitude.tif.aux.xml")
        try FileManager.default.createSymbolicLink(atPath: folderLink, withDestinationPath: tmp.file("victim.txt"))
        assertOutputError(try change(tmp.file("ch")), mentions: ["change-magnitude.tif.aux.xml", "symbolic link"])
        try assertUntouched(tmp.file("victim.txt"))
    }

    /// Item 2 (root only: device nodes): `-o /dev/null`, a device, a FIFO, a
    /// socket and a folder as `-o` are refused with exit 4 and stay what they were.
    func testSpecialFilesAsOutputAreRefused() throws {
        let fifo = tmp.file("fifo.tif")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let socketPath = tmp.file("sock.tif")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])", socketPath]
        try python.run()
        python.waitUntilExit()
        var cases: [(String, mode_t, String)] = [(fifo, S_IFIFO, "FIFO"), (socketPath, S_IFSOCK, "socket")]
        if geteuid() == 0 {
            let device = tmp.file("null.tif")
            XCTAssertEqual(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)), 0)
            cases += [("/dev/null", S_IFCHR, "character device"), ("/dev/full", S_IFCHR, "character device"), (device, S_IFCHR, "character device")]
        } else {
            print("note: not root; -o /dev/null and a device node are not exercised here (CI runs them as root)")
        }
        for (path, type, word) in cases {
            let started = Date()
            let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", path, "-q"])
            assertOutputError(r, mentions: [word])
            XCTAssertLessThan(Date().timeIntervalSince(started), 20, "no hang on \(path)")
            XCTAssertEqual(SafeEntry.type(path), type, "\(path) is still what it was")
        }
        // A folder where a file is expected; a FIFO where a folder is expected.
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", tmp.path, "-q"])
        assertOutputError(r, mentions: ["folder"])
        assertOutputError(try change(fifo), mentions: ["FIFO"])
        XCTAssertEqual(SafeEntry.type(fifo), S_IFIFO)
        if geteuid() == 0 {
            assertOutputError(try change("/dev/null"), mentions: ["character device"])
            XCTAssertEqual(SafeEntry.type("/dev/null"), S_IFCHR)
        }
    }

    /// The commands the test above does not run (`stack`, whose output is a file; `drought`, `warn`, `ldn`, whose output
    /// is a folder): a FIFO (and, as root, `/dev/null`) as `-o` is refused with exit 4, one line, and stays what it was.
    func testEveryCommandRefusesASpecialFileAsItsOutput() throws {
        let series = tmp.file("series.tif")
        let ds = try Dataset.create(series, width: 4, height: 4, bands: 240, type: .float32)
        try ds.setGeoTransform(GeoTransform([108.0, 0.01, 0, 40.0, 0, -0.01]))
        try ds.setProjection(SpatialReference(epsg: 4326)!.wkt2)
        for t in 0..<240 {
            let band = try ds.band(t + 1)
            band.setDescription("\(2001 + t / 12)-\(t % 12 < 9 ? "0" : "")\(t % 12 + 1)-15")
            let v = (0..<16).map { Float(($0 * 7 + t * 13) % 50 + 1) / 100 }
            try v.withUnsafeBufferPointer { try band.write(Window(column: 0, row: 0, width: 4, height: 4), from: $0) }
        }
        try ds.close()
        let ldn = try TemporaryFolder()
        let config = try LDNTestRegion.write(ldn)
        let fifo = tmp.file("fifo")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        var outputs: [(String, mode_t, String)] = [(fifo, S_IFIFO, "FIFO (named pipe)")]
        if geteuid() == 0 { outputs.append(("/dev/null", S_IFCHR, "character device")) }
        for (path, type, word) in outputs {
            for args in [["stack", series, "-o", path], ["drought", series, "-o", path],
                         ["warn", series, "--baseline", "2001-2005", "--period", "year", "-o", path], ["ldn", "--config", config, "-o", path]] {
                let started = Date()
                let r = try CLIRunner.run(args + ["-q"])
                // `ldn` logs its config's reading as info lines before it opens the output.
                let errors = r.stderr.split(separator: "\n").filter { !$0.contains(" info ") }
                XCTAssertEqual(r.status, 4, "\(args[0]): \(r.stderr)")
                XCTAssertEqual(errors.count, 1, "\(args[0]): one line: \(r.stderr)")
                // A file output (stack) "exists and is a FIFO ..., not a regular file"; a folder output "is a FIFO ...; the output must be a folder".
                XCTAssertTrue(errors.first?.contains(path + ": is a " + word) == true || errors.first?.contains(path + ": exists and is a " + word) == true,
                              "\(args[0]): \(r.stderr)")
                XCTAssertLessThan(Date().timeIntervalSince(started), 20, "\(args[0]): no hang on \(path)")
                XCTAssertEqual(SafeEntry.type(path), type, "\(args[0]): \(path) is still what it was")
            }
        }
    }

    /// Item 13: `index --index a,b -o FOLDER` holds the folder's lock like
    /// change and ldn: a second run is refused while the first holds it.
    func testIndexIntoAFolderHoldsItsLock() throws {
        let out = tmp.file("indices")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        // Stand in for a first run: hold the lock as it does.
        let fd = open(out + "/.kubuqi.lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = "4242\n".withCString { write(fd, $0, 5) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let r = try CLIRunner.run(["index", "--index", "ndvi,savi", "--red", red, "--nir", nir, "-o", out, "-q"])
        assertOutputError(r, mentions: ["another kubuqi-monitor run (pid 4242)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [".kubuqi.lock"], "nothing written")
        close(fd)
        let r2 = try CLIRunner.run(["index", "--index", "ndvi,savi", "--red", red, "--nir", nir, "-o", out, "-q"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), [".kubuqi.lock", "catalog.json", "ndvi.item.json", "ndvi.tif", "savi.item.json", "savi.tif"])
    }

    /// Item 14: a name with a newline (and an escape sequence) stays on one line, quoted.
    func testNamesWithControlCharactersKeepOneLine() throws {
        let odd = tmp.file("a\nkubuqi-monitor: error: fake.tif")
        let r = try CLIRunner.run(["index", "ndvi", "--red", odd, "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("'\(tmp.path)/a\\nkubuqi-monitor: error: fake.tif': no such file"), r.stderr)
        let esc = tmp.file("b\u{1B}[2Jc.tif")
        let r2 = try CLIRunner.run(["index", "ndvi", "--red", esc, "--nir", nir, "-o", tmp.file("o.tif"), "-q"])
        XCTAssertEqual(r2.status, 3, r2.stderr)
        XCTAssertFalse(r2.stderr.contains("\u{1B}"), "the escape character is written out: \(r2.stderr)")
        XCTAssertTrue(r2.stderr.contains("\\u{1B}"), r2.stderr)
    }
}

/// `lstat`'s file type of a path, 0 when absent.
enum SafeEntry {
    static func type(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }
}
