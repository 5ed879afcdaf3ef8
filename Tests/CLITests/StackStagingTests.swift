import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// `stack`'s OUT.tif and OUT.count.tif weighed together against the free disk (RunStagingLedger).
final class StackStagingTests: CLITestCase {
    var tmp: TemporaryFolder!

    override func setUpWithError() throws { tmp = try TemporaryFolder() }

    /// A 1000 x 1 monthly series of 20 years (240 bands dated `YYYY-MM-15`, random positive values).
    func thinSeries() throws -> String {
        try TestRaster.thinMonthlySeries(tmp.file("thin.tif"), width: 1000, seed: 9) { Float($0.unit()) }
    }

    /// 20 yearly bands of 1024 x 256 pixels (whole 256 x 256 tiles): OUT.tif stages 1024 x 256 x 20 x 4 = 20,971,520 bytes,
    /// OUT.count.tif 1024 x 256 x 20 x 2 = 10,485,760, together 31,457,280. With `--co COMPRESS=NONE` they are uncompressed
    /// whatever is decided: each fits a 24 MiB disk (25,165,824 bytes) alone (main created both and failed with "No space
    /// left on device"), not together: refused before anything is written (exit 4, one line), nothing left behind. On
    /// 40 MiB (41,943,040 bytes, half 20,971,520) without COMPRESS=NONE, OUT.tif is staged uncompressed and
    /// OUT.count.tif compressed (the total would pass half the disk): the outputs are byte for byte a large disk's.
    func testTheStackAndItsCountsAreWeighedTogether() throws {
        let input = try thinSeries()
        let reference = tmp.file("reference.tif")
        try run(["stack", input, "-o", reference, "-q"])
        try withSmallDisk(24 * 1024) { disk in
            let r = try run(["stack", input, "--co", "COMPRESS=NONE", "-o", disk + "/s.tif", "-q"], expect: 4)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(disk + ": the run's uncompressed rasters (s.tif, s.count.tif) need 31.5 MB (31457280 bytes)"), r.stderr)
            XCTAssertTrue(r.stderr.contains("bytes) free"), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "nothing left behind")
        }
        try withSmallDisk(40 * 1024) { disk in
            try run(["stack", input, "-o", disk + "/s.tif", "-q"])
            XCTAssertEqual(FileManager.default.contents(atPath: disk + "/s.tif"), FileManager.default.contents(atPath: reference))
            XCTAssertEqual(FileManager.default.contents(atPath: disk + "/s.count.tif"), FileManager.default.contents(atPath: tmp.file("reference.count.tif")))
        }
    }

    /// The STAC Item `stack` writes beside OUT.tif (built from the staged files, session 18) describes the published
    /// files: each asset's `file:size` and `file:checksum` (multihash 0x12 0x20 + SHA-256) are those of the file its
    /// href names, by `stat` and coreutils' `sha256sum`.
    func testTheStackItemDescribesThePublishedFiles() throws {
        let input = try thinSeries()
        let out = tmp.file("s.tif")
        try run(["stack", input, "--reducer", "mean", "-o", out, "-q"])
        let item = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.file("s.item.json")))) as? [String: Any])
        let assets = try XCTUnwrap(item["assets"] as? [String: [String: Any]])
        XCTAssertEqual(Set(assets.keys), ["data", "counts", "manifest"])
        for (key, asset) in assets {
            let href = try XCTUnwrap(asset["href"] as? String, key)
            let file = tmp.file(String(href.dropFirst(2)))
            XCTAssertTrue(href.hasPrefix("./"), href)
            let size = try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: file))[.size] as? NSNumber)
            XCTAssertEqual((asset["file:size"] as? NSNumber)?.intValue, size.intValue, key)
            XCTAssertEqual(asset["file:checksum"] as? String, "1220" + (try coreutilsSHA256(file)), key)
        }
    }

    /// SIGINT while `stack` publishes over a previous stack (held between its renames by `KUBUQI_TEST_PAUSE=between-renames`,
    /// session 17): OUT.tif, OUT.count.tif, OUT.json and the STAC Item OUT.item.json (session 18: it was written after the
    /// three, so the signal left the previous run's Item, its checksums those of the replaced files) are replaced
    /// together, never one without the others (the
    /// signal's clean-up waits for the three renames). Before, each was committed on its own: with the renames outside the
    /// clean-up's lock (tried with the pause point) the signal left a new OUT.tif beside the previous OUT.count.tif and
    /// OUT.json (their inodes unchanged); main's binary, without the pause point, finishes the run (exit 0, not 130).
    func testAnInterruptedStackPublishesItsFourFilesTogether() throws {
        let input = try thinSeries()
        let out = tmp.file("s.tif")
        try run(["stack", input, "--reducer", "mean", "-o", out, "-q"])
        let names = [out, tmp.file("s.count.tif"), tmp.file("s.json"), tmp.file("s.item.json")]
        func inode(_ path: String) -> UInt64? { var st = stat(); return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil }
        let before = names.map(inode)
        let (p, _, err) = try CLIRunner.start(["stack", input, "--reducer", "max", "-o", out, "-q"], environment: ["KUBUQI_TEST_PAUSE": "between-renames:3000"])
        let errors = PipeDrain(err.fileHandleForReading)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, p.isRunning, inode(out) == before[0] { usleep(5_000) }
        XCTAssertTrue(p.isRunning, "held after its first rename")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130, String(decoding: errors.wait(), as: UTF8.self))
        let after = names.map(inode)
        for (k, name) in names.enumerated() {
            XCTAssertNotEqual(after[k], before[k], "\((name as NSString).lastPathComponent) replaced with the others")
            XCTAssertNotNil(after[k], name)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix(".kubuqi-") }, [], "no temporary left")
    }
}
