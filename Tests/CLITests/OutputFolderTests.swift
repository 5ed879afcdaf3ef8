import Foundation
import KubuqiRaster
import TestSupport
import XCTest

/// Output folders as users name them.
final class OutputFolderTests: CLITestCase {
    /// One-character folder names, new, relative, with and without a trailing
    /// slash (Foundation's deletingLastPathComponent traps on them).
    func testOneCharacterOutputFolders() throws {
        let tmp = try TemporaryFolder()
        let stack = ScaleOutTests.stack
        for out in ["T", "u/"] {
            let r = try CLIRunner.run(["change", "--before", stack + ":14", "--after", stack + ":24", "-o", out, "-q"], in: tmp.path)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file(out) + "/change-class.tif"), out)
        }
        let red = ScaleOutTests.fixtures + "/landsat/LC09_L2SP_128032_20230819_20230821_02_T1"
        let r = try CLIRunner.run(["index", "--index", "ndvi,savi", "--scene", red, "--sensor", "landsat-c2l2", "-o", "b", "-q"], in: tmp.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.file("b/ndvi.tif")))
    }

    func testParentFolderArithmetic() {
        XCTAssertEqual(PathNames.parent("a/b"), "a")
        XCTAssertEqual(PathNames.parent("x"), "")
        XCTAssertEqual(PathNames.parent("T/"), "")
        XCTAssertEqual(PathNames.parent("/a"), "/")
        XCTAssertEqual(PathNames.parent("/"), "/")
        XCTAssertEqual(PathNames.parent("./T"), ".")
        XCTAssertEqual(PathNames.parent("a//b//"), "a")
        XCTAssertEqual(PathNames.parent("/data/out/ndvi.tif"), "/data/out")
        // Temporary files go beside their target, in the working directory for a bare name (not in "/").
        XCTAssertEqual(PathNames.sibling(of: "plan.json", named: ".plan.json.part"), ".plan.json.part")
        XCTAssertEqual(PathNames.sibling(of: "out/plan.json", named: ".p"), "out/.p")
        XCTAssertEqual(PathNames.sibling(of: "/plan.json", named: ".p"), "/.p")
    }
}
