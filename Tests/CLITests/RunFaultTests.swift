import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// Faults while a run writes (issue 15, items 10-12): a disk that fills
/// during ldn and change, a file size limit, SIGKILL and the other signals
/// that end a run.
final class RunFaultTests: CLITestCase {
    var tmp: TemporaryFolder!
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A VRT too large to finish quickly: a run over it is interrupted mid-way.
    func hugeVRT() throws -> String {
        try TestRaster.hugeEmptyVRT(tmp.file("huge.vrt"))
    }

    func temporaries(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".kubuqi-") || $0.contains(".part-") }.sorted()
    }

    /// Starts an index run over the huge VRT into `out` and waits until its temporary exists.
    func startLongRun(out: String) throws -> Process {
        let vrt = try hugeVRT()
        let (p, _, _) = try CLIRunner.start(["index", "ndvi", "--red", vrt, "--nir", vrt, "-o", out, "-q"])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try temporaries(in: PathNames.parent(out)).isEmpty { usleep(20_000) }
        usleep(200_000)
        XCTAssertTrue(p.isRunning)
        return p
    }

    /// The disk fills at many points of a run: exit 4 and one line naming the
    /// output (not a staging file, no `ERROR 1:` line from GDAL), or success
    /// when it all fits; never exit 1; nothing left behind on failure.
    func assertFullDiskHandled(sizes: [Int], arguments: (String) -> [String], file: StaticString = #filePath, line: UInt = #line) throws {
        var failures = 0
        for kib in sizes {
            try withSmallDisk(kib) { disk in
                let out = disk + "/out"
                let r = try CLIRunner.run(arguments(out))
                let errors = r.stderr.split(separator: "\n").filter { !$0.contains(" info ") }
                XCTAssertTrue([0, 4].contains(r.status), "\(kib) KiB: exit \(r.status): \(r.stderr)", file: file, line: line)
                guard r.status != 0 else { return }
                failures += 1
                XCTAssertEqual(errors.count, 1, "\(kib) KiB: one line: \(errors)", file: file, line: line)
                // Refused before writing (the run's uncompressed rasters cannot fit: RunStagingLedger), naming the folder, or
                // failed writing, naming the output.
                let refused = errors.first?.hasPrefix("kubuqi-monitor: error: \(out): the run's uncompressed rasters (") == true
                    && errors.first?.contains(" bytes) free; free some space") == true
                XCTAssertTrue(refused || errors.first?.hasPrefix("kubuqi-monitor: error: ") == true && errors.first?.contains(out + "/") == true,
                              "\(kib) KiB: names the output: \(errors)", file: file, line: line)
                // GDAL names the cause, except for a sidecar it could not save (then it says that).
                // (SQLite says "database or disk is full" when a GeoPackage's commit cannot write its pages.)
                XCTAssertTrue(refused || r.stderr.contains("No space left on device") || r.stderr.contains("database or disk is full")
                              || r.stderr.contains("Unable to save auxiliary information"),
                              "\(kib) KiB: \(errors)", file: file, line: line)
                XCTAssertFalse(r.stderr.contains("ERROR 1"), "\(kib) KiB: \(errors)", file: file, line: line)
                // A work folder named only with what it was (session 17: StagedNames).
                for token in Self.paths(in: String(errors.first ?? ""), under: disk) where token.contains("/.kubuqi-") {
                    XCTAssertTrue(Self.isExplained(token, in: String(errors.first ?? "")), "\(kib) KiB: \(token) unexplained: \(errors)", file: file, line: line)
                }
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "\(kib) KiB: nothing left", file: file, line: line)
            }
        }
        XCTAssertGreaterThan(failures, 1, "the disk filled in several runs", file: file, line: line)
    }

    /// Item 10: ldn on a disk that fills (the full output is ~520 KiB).
    func testDiskFullDuringLDN() throws {
        let config = Self.fixtures + "/ldn.toml"
        guard FileManager.default.fileExists(atPath: config) else { throw XCTSkip("no Fixtures/ldn.toml") }
        try assertFullDiskHandled(sizes: [16, 64, 160, 400, 1024]) { ["ldn", "--config", config, "-o", $0, "-q"] }
    }

    /// Item 10: change on a disk that fills (the full output is ~230 KiB).
    func testDiskFullDuringChange() throws {
        let ndvi = Self.fixtures + "/ndvi/ndvi_annual_2000_2024.tif"
        guard FileManager.default.fileExists(atPath: ndvi) else { throw XCTSkip("no Fixtures/ndvi") }
        try assertFullDiskHandled(sizes: [8, 32, 96, 160, 200, 224, 240, 400]) {
            ["change", "--before", ndvi + ":1", "--after", ndvi + ":25", "-o", $0, "-q"]
        }
    }

    /// warn on a disk that fills (the full output is ~470 KiB: rasters, STAC items, the hotspots' and patches'
    /// GeoPackages, the bulletin) at a raster, a GeoPackage's commit and the bulletin (session 16).
    func testDiskFullDuringWarn() throws {
        let series = Self.fixtures + "/warn/ndvi_monthly_2010_2021.tif"
        guard FileManager.default.fileExists(atPath: series) else { throw XCTSkip("no Fixtures/warn") }
        try assertFullDiskHandled(sizes: [8, 96, 240, 400, 2048]) { ["warn", series, "--baseline", "2010-2019", "-o", $0, "-q"] }
    }

    /// Item 11: a file size limit (`ulimit -f`) ends the run as a full disk
    /// does (SIGXFSZ ignored, the write fails with EFBIG): exit 4, one line, nothing left.
    func testFileSizeLimitIsAnOutputError() throws {
        let values = (0..<(512 * 512)).map { Float($0 % 977) + 1 }
        let red = try TestRaster.write(tmp.file("red.tif"), width: 512, height: 512, values: values)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 512, height: 512, values: values.map { $0 * 2 })
        let out = tmp.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        // 200 blocks of 512 B (dash) or 1 KiB (bash): under the 1 MiB uncompressed raster, above the inputs' reads.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "ulimit -f 200 && exec \"$0\" \"$@\"", CLIRunner.executable.path,
                           "index", "ndvi", "--red", red, "--nir", nir, "-o", out + "/ndvi.tif", "--co", "COMPRESS=NONE", "-q"]
        let err = Pipe()
        shell.standardError = err
        try shell.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        XCTAssertEqual(shell.terminationReason, .exit, "not killed by SIGXFSZ: \(text)")
        XCTAssertEqual(shell.terminationStatus, 4, text)
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        XCTAssertTrue(text.contains("ndvi.tif") && text.contains("File too large"), text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "nothing left")
    }

    /// Item 12: SIGHUP, SIGUSR1, SIGUSR2 and SIGALRM clean up as SIGINT and SIGTERM do;
    /// SIGPIPE is ignored (the run goes on, nothing is left behind by it).
    func testOtherSignalsCleanUp() throws {
        let out = tmp.file("o.tif")
        let piped = try startLongRun(out: out)
        kill(piped.processIdentifier, SIGPIPE)
        usleep(500_000)
        XCTAssertTrue(piped.isRunning, "SIGPIPE is ignored")
        kill(piped.processIdentifier, SIGTERM)
        piped.waitUntilExit()
        XCTAssertEqual(piped.terminationStatus, 143)
        XCTAssertEqual(try temporaries(in: tmp.path), [])
        for (sig, name) in [(SIGHUP, "SIGHUP"), (SIGUSR1, "SIGUSR1"), (SIGUSR2, "SIGUSR2"), (SIGALRM, "SIGALRM")] {
            let p = try startLongRun(out: out)
            kill(p.processIdentifier, sig)
            // Never wait forever: a run that ignores the signal fails the test instead of hanging it.
            let deadline = Date().addingTimeInterval(30)
            while p.isRunning && Date() < deadline { usleep(20_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL); XCTFail("\(name) did not end the run") }
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .exit, name)
            XCTAssertEqual(p.terminationStatus, 128 + sig, name)
            XCTAssertEqual(try temporaries(in: tmp.path), [], "\(name): no temporary left")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), name)
        }
    }

    /// Item 12: after SIGKILL (no handler can run) the next run on that
    /// output removes the dead run's temporaries; a live run's are kept.
    func testNextRunRemovesTheTemporariesOfDeadRuns() throws {
        let out = tmp.file("ndvi.tif")
        let p = try startLongRun(out: out)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let left = try temporaries(in: tmp.path)
        XCTAssertEqual(left.count, 1, "SIGKILL leaves the temporary: \(left)")
        // Leftovers of earlier versions and of other dead runs; one of a live process (this test).
        let dead = p.processIdentifier
        let planted = [".ndvi.tif.part-\(dead)", ".kubuqi-work-\(dead)", ".kubuqi-work-\(dead)-Ab12Cd"]
        FileManager.default.createFile(atPath: tmp.file(planted[0]), contents: Data("x".utf8))
        for folder in planted.dropFirst() { try FileManager.default.createDirectory(atPath: tmp.file(folder + "/stage"), withIntermediateDirectories: true) }
        let live = ".kubuqi-tmp-\(getpid())-LiVe01"
        try FileManager.default.createDirectory(atPath: tmp.file(live), withIntermediateDirectories: false)

        let values = (0..<(32 * 32)).map { Float($0) + 10 }
        let red = try TestRaster.write(tmp.file("red.tif"), width: 32, height: 32, values: values)
        let nir = try TestRaster.write(tmp.file("nir.tif"), width: 32, height: 32, values: values.map { $0 * 3 })
        let r = try CLIRunner.run(["index", "ndvi", "--red", red, "--nir", nir, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try temporaries(in: tmp.path), [live], "the dead runs' temporaries are gone, the live one kept")

        // In a folder a command locks (change), the same.
        let folder = tmp.file("change")
        try FileManager.default.createDirectory(atPath: folder + "/.kubuqi-work-\(dead)-Zz99Yy/stage", withIntermediateDirectories: true)
        let c = try CLIRunner.run(["change", "--before", red, "--after", nir, "-o", folder, "-q"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(try temporaries(in: folder), [])
    }

    // MARK: - Names in messages while staging (session 17)

    /// The explanations a path of a run's private folder (or a staged output's name) is followed by (StagedNames).
    static let explanations = [" (staged, not published)", " (being written, not published)",
                               " (a work file of this run, removed with its work folder)", " (a temporary of this run, removed when it ended)"]

    /// The paths under `root` named in `line`, each up to the first character that ends a path in a message.
    static func paths(in line: String, under root: String) -> [String] {
        let ends: Set<Character> = [":", " ", ")", "(", ",", ";", "'", "\"", "\n", "]", "["]
        var found: [String] = [], rest = Substring(line)
        while let r = rest.range(of: root) {
            var end = r.upperBound
            while end < rest.endIndex, !ends.contains(rest[end]) { end = rest.index(after: end) }
            found.append(String(rest[r.lowerBound..<end]))
            rest = rest[end...]
        }
        return found
    }

    /// Whether every occurrence of `token` in `line` is followed by one of the ``explanations``.
    static func isExplained(_ token: String, in line: String) -> Bool {
        var rest = Substring(line)
        while let r = rest.range(of: token) {
            let after = rest[r.upperBound...]
            // A longer path that starts with this one is another token.
            if let c = after.first, !" :),;'\"]".contains(c) { rest = after; continue }
            guard explanations.contains(where: { after.hasPrefix($0) }) else { return false }
            rest = after
        }
        return true
    }

    /// Runs `arguments(base)` on small disks of `sizes` KiB (after `prepare(disk)`) and checks each failure's error line:
    /// every path on the disk it names exists, or is the output the run was asked for or one a complete run writes
    /// (`outputs`, relative to the disk, from a run on a large disk), or is followed by what it was (StagedNames). No
    /// message may name a path that never existed: before session 17, `warn` named its work file as `out/patches.gpkg`,
    /// `change` its staged `.change-class.unsieved.tif` as `out/.change-class.unsieved.tif`, `ldn` with `[climate]` its
    /// work file as `out/precipitation-min.tif` and a work folder's temporary as `out/.kubuqi-tmp-PID-X/...`, a tile its
    /// file being written as `out/tiles/.kubuqi-tileI-PID-X/change-magnitude.tif` (the path that never existed).
    func assertMessagesNameRealFiles(_ command: String, sizes: [Int], output: String = "out", prepare: (String) throws -> Void = { _ in },
                                     arguments: (String) -> [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = tmp.file("reference-\(command)")
        try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: false)
        try prepare(reference)
        try run(arguments(reference) + ["-q"], file: file, line: line)
        let outputs = Set(try FileManager.default.subpathsOfDirectory(atPath: reference))
        var failures = 0
        for kib in sizes {
            try withSmallDisk(kib) { disk in
                try prepare(disk)
                let r = try CLIRunner.run(arguments(disk) + ["-q"])
                guard r.status != 0 else { return }
                failures += 1
                XCTAssertEqual(r.status, 4, "\(command) \(kib) KiB: \(r.stderr)", file: file, line: line)
                let error = r.stderr.split(separator: "\n").first { $0.hasPrefix("kubuqi-monitor: error: ") }.map(String.init) ?? ""
                XCTAssertFalse(error.isEmpty, "\(command) \(kib) KiB: an error line: \(r.stderr)", file: file, line: line)
                for token in Self.paths(in: error, under: disk + "/") {
                    let relative = String(token.dropFirst(disk.count + 1))
                    let named = relative == output || outputs.contains(relative) || FileManager.default.fileExists(atPath: token)
                    XCTAssertTrue(named || Self.isExplained(token, in: error),
                                  "\(command) \(kib) KiB: names \(relative), which never existed, without saying what it was: \(error)",
                                  file: file, line: line)
                }
            }
        }
        XCTAssertGreaterThan(failures, 0, "\(command): the disk filled in some run", file: file, line: line)
    }

    func fixture(_ relative: String) throws -> String {
        let path = Self.fixtures + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no Fixtures/\(relative)") }
        return path
    }

    func testIndexMessagesNameRealFiles() throws {
        let ndvi = try fixture("ndvi/ndvi_annual_2000_2024.tif")
        try assertMessagesNameRealFiles("index", sizes: [8, 200, 400]) {
            ["index", "--index", "ndvi,savi,msavi2", "--red", ndvi + ":1", "--nir", ndvi + ":2", "-o", $0 + "/out"]
        }
    }

    func testChangeMessagesNameRealFiles() throws {
        let ndvi = try fixture("ndvi/ndvi_annual_2000_2024.tif")
        try assertMessagesNameRealFiles("change", sizes: [32, 200, 224]) {
            ["change", "--before", ndvi + ":1", "--after", ndvi + ":25", "-o", $0 + "/out"]
        }
    }

    func testStackMessagesNameRealFiles() throws {
        let series = try fixture("warn/ndvi_monthly_2010_2021.tif")
        try assertMessagesNameRealFiles("stack", sizes: [8, 64], output: "s.tif") { ["stack", series, "-o", $0 + "/s.tif"] }
    }

    func testWarnMessagesNameRealFiles() throws {
        let series = try fixture("warn/ndvi_monthly_2010_2021.tif")
        try assertMessagesNameRealFiles("warn", sizes: [8, 96, 240, 400]) { ["warn", series, "--baseline", "2010-2019", "-o", $0 + "/out"] }
    }

    func testDroughtMessagesNameRealFiles() throws {
        let rain = try fixture("climate/precipitation_monthly_2000_2024.tif")
        try assertMessagesNameRealFiles("drought", sizes: [8, 96, 400]) { ["drought", rain, "-o", $0 + "/out"] }
    }

    func testLDNMessagesNameRealFiles() throws {
        let config = try fixture("ldn.toml")
        try assertMessagesNameRealFiles("ldn", sizes: [600, 800, 1000, 1200]) { ["ldn", "--config", config, "-o", $0 + "/out"] }
    }

    func testClimateMessagesNameRealFiles() throws {
        let config = try fixture("ldn-climate.toml")
        try assertMessagesNameRealFiles("climate", sizes: [16, 64, 160, 1000]) { ["ldn", "--config", config, "-o", $0 + "/out"] }
    }

    /// A tile run (`change --plan --tile 0`) on small disks, and `tiles merge` of four tiles on a disk that holds them but
    /// not the merge.
    func testTileAndMergeMessagesNameRealFiles() throws {
        let ndvi = try fixture("ndvi/ndvi_annual_2000_2024.tif")
        let plan = tmp.file("plan.json")
        try run(["tiles", "plan", ndvi, "--tile-size", "128", "-o", plan, "-q"])
        func tile(_ base: String, _ i: Int) -> [String] {
            ["change", "--before", ndvi + ":1", "--after", ndvi + ":25", "--threshold", "fixed:0.1", "-o", base + "/out", "--plan", plan, "--tile", "\(i)"]
        }
        try assertMessagesNameRealFiles("tile", sizes: [16, 64, 256]) { tile($0, 0) }
        try assertMessagesNameRealFiles("tiles merge", sizes: [1200], prepare: { base in
            for i in 0..<4 { try self.run(tile(base, i) + ["-q"]) }
        }) { ["tiles", "merge", plan, $0 + "/out"] }
    }
}
