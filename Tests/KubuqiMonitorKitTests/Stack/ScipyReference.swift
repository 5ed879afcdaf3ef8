import Foundation
import TestSupport
import XCTest

/// Runs a Python reference script on a JSON input (numpy needed); without
/// python3 + numpy the caller skips, except under CI=true where it fails.
enum ScipyReference {
    static func python() -> String? { PythonReference.find("numpy") }

    static func skipOrFail(_ what: String) -> Error {
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("\(what) is missing (CI=true)") }
        return XCTSkip("\(what) is not available")
    }

    @discardableResult
    static func run(_ python: String, _ arguments: [String]) -> Int32 { PythonReference.status(python, arguments) }

    /// Writes `input` as JSON, runs `script` on it, returns the JSON it wrote.
    static func run(_ python: String, script: String, input: Any, in folder: TemporaryFolder) throws -> Any {
        try PythonReference.run(python, script: script, input: input)
    }

    /// How many of `got`'s pixels differ from the reference's `want` (a number within 1e-5 relative, or
    /// NSNull where the pixel must be nodata, NaN).
    static func pixelsUnlike(_ got: [Float], _ want: [Any]) -> Int {
        var wrong = 0
        for i in got.indices {
            if let w = want[i] as? Double {
                if abs(Double(got[i]) - w) > 1e-5 * max(1, abs(w)) { wrong += 1 }
            } else if !got[i].isNaN {
                wrong += 1
            }
        }
        return wrong
    }
}
