import Foundation
import XCTest

/// The real scenes in `../shared/data/real/` beside the repository.
///
/// Under `CI=true` a missing file fails the test; elsewhere the test is
/// skipped with a message saying what is missing.
public enum RealData {
    /// `../shared/data/real` resolved from this source file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/real")

    /// The path of `relative` under the real-data folder; skips or fails when absent.
    public static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = root.appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: url.path) { return url.path }
        let message = "real data \(relative) not found under \(root.path)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("\(message) (CI=true: the shared data must be present)", file: file, line: line)
            throw XCTSkip("failed: \(message)")
        }
        throw XCTSkip("\(message); set up ../shared beside the repository to run this test")
    }
}

/// A temporary folder removed when the value is released.
public final class TemporaryFolder {
    /// The folder's path.
    public let path: String

    /// Creates a fresh folder under the system's temporary directory.
    public init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubuqi-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// A path inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Names of the files in the folder, hidden ones included.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
