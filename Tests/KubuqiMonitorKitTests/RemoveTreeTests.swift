@testable import KubuqiMonitorKit
import Foundation
import TestSupport
import XCTest

/// SafeFiles.removeTree: a half-made output removed for good while other threads still write into it.
final class RemoveTreeTests: XCTestCase {
    /// Threads that keep writing through descriptors opened before the removal, and keep creating files by path,
    /// while a third removes the tree's temporaries itself: the tree is gone, nothing is recreated, and nothing
    /// beside it is touched.
    func testATreeBeingWrittenIsRemovedForGood() throws {
        for round in 0..<20 {
            let tmp = try TemporaryFolder()
            try Data("keep".utf8).write(to: URL(fileURLWithPath: tmp.file("input.tif")))
            let tree = tmp.file("out")
            for sub in ["", "/a", "/a/b", "/c"] { XCTAssertEqual(mkdir(tree + sub, 0o777), 0) }
            var descriptors: [Int32] = []
            for k in 0..<8 {
                let fd = open(tree + "/a/b/f\(k)", O_CREAT | O_WRONLY, 0o644)
                XCTAssertGreaterThanOrEqual(fd, 0)
                descriptors.append(fd)
            }
            let done = DispatchGroup()
            let running = Flag()
            for fd in descriptors {
                DispatchQueue.global().async(group: done) {
                    let block = [UInt8](repeating: 7, count: 4096)
                    while !running.isSet { _ = write(fd, block, block.count) }
                    close(fd)
                }
            }
            DispatchQueue.global().async(group: done) {
                var k = 0
                while !running.isSet { k += 1; close(open(tree + "/c/new\(k)", O_CREAT | O_WRONLY, 0o644)) }
            }
            DispatchQueue.global().async(group: done) {
                // Another clean-up removing the same temporaries, under either name.
                while !running.isSet {
                    try? FileManager.default.removeItem(atPath: tree + "/c")
                    try? FileManager.default.removeItem(atPath: tree + ".interrupted/a/b")
                    _ = mkdir(tree + "/c", 0o777)
                }
            }
            usleep(20_000)
            XCTAssertTrue(SafeFiles.removeTree(tree), "round \(round)")
            running.set()
            done.wait()
            XCTAssertEqual(try tmp.contents(), ["input.tif"], "round \(round): nothing of the tree left, nothing recreated")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tmp.file("input.tif"))), Data("keep".utf8))
        }
    }

    /// A `NAME.interrupted` beside the tree that is not the run's (the user's file, or folder with a file in it) is
    /// neither replaced nor removed: the tree is removed where it is, and the other entry stays byte for byte.
    func testTheUsersEntryNamedLikeTheAsideNameIsLeftAlone() throws {
        for asFolder in [false, true] {
            let tmp = try TemporaryFolder()
            let tree = tmp.file("out")
            for sub in ["", "/a"] { XCTAssertEqual(mkdir(tree + sub, 0o777), 0) }
            try Data("half-made".utf8).write(to: URL(fileURLWithPath: tree + "/a/x.tif"))
            let users = asFolder ? tmp.file("out.interrupted/keep.txt") : tmp.file("out.interrupted")
            if asFolder { XCTAssertEqual(mkdir(tmp.file("out.interrupted"), 0o755), 0) }
            try Data("the user's".utf8).write(to: URL(fileURLWithPath: users))
            XCTAssertTrue(SafeFiles.removeTree(tree))
            XCTAssertEqual(try tmp.contents(), ["out.interrupted"], "asFolder \(asFolder)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: users)), Data("the user's".utf8), "asFolder \(asFolder)")
        }
    }
}

/// A flag set once, read by other threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
