import Foundation
import TestSupport
import XCTest

@testable import KubuqiMonitorKit

/// ``SignalSafeRemoval``: what a crash's handler removes (a registered temporary folder: its tree, links not followed).
final class SignalSafeRemovalTests: XCTestCase {
    /// A tree three folders deep with files, an empty folder, a link to a file and a link to a folder outside: all of it
    /// goes; the outside folder and file its links named stay.
    func testATreeGoesAndWhatItsLinksNameStays() throws {
        SignalSafeRemoval.prepare()
        let tmp = try TemporaryFolder()
        let outside = tmp.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        try "keep\n".write(toFile: outside + "/keep.txt", atomically: false, encoding: .utf8)
        let tree = tmp.file(".kubuqi-work-1-abc")
        try FileManager.default.createDirectory(atPath: tree + "/stage/tiles/0", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/empty", withIntermediateDirectories: false)
        for f in ["a.tif", "stage/b.tif", "stage/tiles/0/c.tif"] { try "x".write(toFile: tree + "/" + f, atomically: false, encoding: .utf8) }
        // Enough entries that one read of the folder does not hold them all.
        for i in 0..<600 { try "y".write(toFile: tree + "/stage/many-\(i)-with-a-longer-name.tif", atomically: false, encoding: .utf8) }
        XCTAssertEqual(symlink(outside, tree + "/stage/to-folder"), 0)
        XCTAssertEqual(symlink(outside + "/keep.txt", tree + "/to-file"), 0)
        // As registered: the folder's name with a trailing "/", its length without it.
        let registered = tree + "/"
        XCTAssertTrue(registered.withCString { SignalSafeRemoval.removeFolder($0, length: strlen($0) - 1) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: tree))
        XCTAssertEqual(try String(contentsOfFile: outside + "/keep.txt", encoding: .utf8), "keep\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["outside"])
    }

    /// A file, a link (removed, not followed) and a name that is not there.
    func testAFileALinkAndNothing() throws {
        SignalSafeRemoval.prepare()
        let tmp = try TemporaryFolder()
        let target = tmp.file("target")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        XCTAssertEqual(symlink(target, tmp.file("link")), 0)
        try "x".write(toFile: tmp.file("f"), atomically: false, encoding: .utf8)
        XCTAssertTrue(SignalSafeRemoval.remove(tmp.file("link")))
        XCTAssertTrue(SignalSafeRemoval.remove(tmp.file("f")))
        XCTAssertTrue(SignalSafeRemoval.remove(tmp.file("nothing")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["target"])
    }
}
