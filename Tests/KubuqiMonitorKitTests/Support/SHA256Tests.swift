import Foundation
import KubuqiMonitorKit
import TestSupport
import XCTest

/// SHA-256 against the FIPS 180-2 example digests and against coreutils' `sha256sum`.
final class SHA256Tests: XCTestCase {
    private func digest(_ s: String) -> String {
        var h = SHA256()
        h.update(Array(s.utf8))
        return h.hexDigest()
    }

    /// FIPS 180-2 appendix B examples (and the empty message).
    func testPublishedExamples() {
        XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var million = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        XCTAssertEqual(million.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// A copy goes on from where it was copied; taking a digest does not end the value.
    func testValueSemantics() {
        var a = SHA256()
        a.update(Array("ab".utf8))
        var b = a
        b.update(Array("c".utf8))
        XCTAssertEqual(a.hexDigest(), digest("ab"))
        XCTAssertEqual(b.hexDigest(), digest("abc"))
        a.update(Array("c".utf8))
        XCTAssertEqual(a.hexDigest(), digest("abc"))
    }

    /// A 5 MiB file (more than one read chunk) hashes as `sha256sum` says.
    func testFileMatchesCoreutils() throws {
        let tmp = try TemporaryFolder()
        let path = tmp.file("bytes.bin")
        var bytes = [UInt8](repeating: 0, count: 5 << 20 + 17)
        var x: UInt32 = 12345
        for i in bytes.indices { x = x &* 1_103_515_245 &+ 12345; bytes[i] = UInt8(truncatingIfNeeded: x >> 16) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try SHA256.file(path), try coreutilsSHA256(path))
    }

    /// Asked to stop, the reading ends with `Stopped` at the next 256 KiB chunk (the 5 MiB file: 21 chunks, stopped
    /// before the third); never asked, the digest is unchanged.
    func testFileStopsWhenAsked() throws {
        let tmp = try TemporaryFolder()
        let path = tmp.file("bytes.bin")
        try Data(repeating: 7, count: 5 << 20 + 17).write(to: URL(fileURLWithPath: path))
        var asked = 0
        XCTAssertThrowsError(try SHA256.file(path, stopping: { asked += 1; return asked == 3 })) { XCTAssertTrue($0 is SHA256.Stopped, "\($0)") }
        XCTAssertEqual(asked, 3)
        asked = 0
        XCTAssertEqual(try SHA256.file(path, stopping: { asked += 1; return false }), try coreutilsSHA256(path))
        XCTAssertEqual(asked, 22)   // 21 chunks and the read that finds the end
    }
}
