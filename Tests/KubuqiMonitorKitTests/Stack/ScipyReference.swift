import Foundation
import TestSupport
import XCTest

/// Runs a Python reference script on a JSON input (numpy needed); without
/// python3 + numpy the caller skips, except under CI=true where it fails.
enum ScipyReference {
    static func python() -> String? {
        for c in ["python3", "/usr/bin/python3", "/usr/local/bin/python3"] where run(c, ["-c", "import numpy"]) == 0 { return c }
        return nil
    }

    static func skipOrFail(_ what: String) -> Error {
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(what) is missing (CI=true)") }
        return XCTSkip("\(what) is not available")
    }

    @discardableResult
    static func run(_ python: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Writes `input` as JSON, runs `script` on it, returns the JSON it wrote.
    static func run(_ python: String, script: String, input: Any, in folder: TemporaryFolder) throws -> Any {
        let id = UUID().uuidString
        let s = folder.file("ref-\(id).py"), i = folder.file("in-\(id).json"), o = folder.file("out-\(id).json")
        try script.write(toFile: s, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: i))
        let status = run(python, [s, i, o])
        guard status == 0 else { throw NSError(domain: "python", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "reference script failed"]) }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: o)))
    }
}
