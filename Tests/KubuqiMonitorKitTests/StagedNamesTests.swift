import Foundation
@testable import KubuqiMonitorKit
import XCTest

/// StagedNames: a path in a run's private folder is named in a message as it was, or by the output it was to become,
/// with what it was said once; never as a path in the output folder that did not exist (session 17). The expected
/// messages are written out by hand.
final class StagedNamesTests: XCTestCase {
    let out = "/d/out", work = "/d/out/.kubuqi-work-7-Ab12Cd"
    var stage: String { work + "/stage" }

    func testAStagedOutputIsNamedAsTheOutputAndSaidToBeStaged() {
        XCTAssertEqual(StagedNames.staged("\(stage)/bulletin.html: cannot write (No space left on device)", work: work, stage: stage, output: out),
                       "/d/out/bulletin.html (staged, not published): cannot write (No space left on device)")
        XCTAssertEqual(StagedNames.staged("cannot create \(stage)/baseline/sdg-15-3-1-patches.gpkg: full", work: work, stage: stage, output: out + "/"),
                       "cannot create /d/out/baseline/sdg-15-3-1-patches.gpkg (staged, not published): full")
    }

    /// The case of the brief: warn's work file was named `out/alert-mask.tif`, which never existed.
    func testAWorkFileKeepsItsRealPathAndIsSaidToBeOne() {
        XCTAssertEqual(StagedNames.staged("cannot polygonize \(work)/alert-mask.tif (No space left on device)", work: work, stage: stage, output: out),
                       "cannot polygonize \(work)/alert-mask.tif (a work file of this run, removed with its work folder) (No space left on device)")
        // A work file written through a temporary: said once, as a work file.
        let written = StagedNames.writing("cannot finish writing \(work)/.kubuqi-tmp-7-Xy/m.tif (IO error)", temporary: work + "/.kubuqi-tmp-7-Xy/m.tif",
                                          as: work + "/m.tif")
        XCTAssertEqual(written, "cannot finish writing \(work)/m.tif (being written, not published) (IO error)")
        XCTAssertEqual(StagedNames.staged(written, work: work, stage: stage, output: out),
                       "cannot finish writing \(work)/m.tif (a work file of this run, removed with its work folder) (IO error)")
    }

    func testAStagedFileBeingWrittenIsExplainedOnce() {
        let written = StagedNames.writing("cannot finish writing \(stage)/.kubuqi-tmp-7-Xy/ndvi.tif", temporary: stage + "/.kubuqi-tmp-7-Xy/ndvi.tif",
                                          as: stage + "/ndvi.tif")
        XCTAssertEqual(StagedNames.staged(written, work: work, stage: stage, output: out),
                       "cannot finish writing /d/out/ndvi.tif (being written, not published)")
    }

    func testOtherPrivatePathsAreSaidToBeTemporaries() {
        XCTAssertEqual(StagedNames.explainingPrivateFolders("/d/out/tiles/.kubuqi-tile0-9-Qw/tile.json: cannot write (full)"),
                       "/d/out/tiles/.kubuqi-tile0-9-Qw/tile.json (a temporary of this run, removed when it ended): cannot write (full)")
        XCTAssertEqual(StagedNames.explainingPrivateFolders("cannot write the tile spool /d/.kubuqi-tmp-9-Qw/tiles.spool (full)"),
                       "cannot write the tile spool /d/.kubuqi-tmp-9-Qw/tiles.spool (a temporary of this run, removed when it ended) (full)")
        // Explained already: unchanged; no private path: unchanged.
        let explained = "cannot polygonize \(work)/alert-mask.tif (a work file of this run, removed with its work folder)"
        XCTAssertEqual(StagedNames.explainingPrivateFolders(explained), explained)
        XCTAssertEqual(StagedNames.explainingPrivateFolders("/d/out/x.tif: cannot write"), "/d/out/x.tif: cannot write")
    }
}
