import Foundation
import XCTest

/// Runs an independent implementation written in Python (numpy) in a subprocess: the script
/// reads a JSON list from argv[1] and writes a JSON list of result objects to argv[2].
enum PythonReference {
    /// The first python3 that imports `modules`; nil (and a skip message, or a CI failure) if none.
    static func interpreter(needing modules: String) -> String? {
        var candidates = ["python3"]
        if let home = ProcessInfo.processInfo.environment["HOME"] { candidates.append("\(home)/.pyenv/shims/python3") }
        candidates += ["/usr/local/bin/python3", "/usr/bin/python3"]
        for c in candidates where status(c, ["-c", "import \(modules)"]) == 0 { return c }
        let message = "python3 with \(modules) not found (apt-get install python3-numpy)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message + "; it is installable, so CI requires it")
        } else {
            print("skipped: " + message)
        }
        return nil
    }

    /// Runs `script` on `input`; the parsed output list.
    static func run(_ python: String, script: String, input: [[String: Any]]) throws -> [[String: Any]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubuqi-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("reference.py"), inURL = dir.appendingPathComponent("in.json")
        let outURL = dir.appendingPathComponent("out.json")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: input).write(to: inURL)
        let code = status(python, [scriptURL.path, inURL.path, outURL.path], quiet: false)
        guard code == 0 else { throw NSError(domain: "PythonReference", code: Int(code), userInfo: [NSLocalizedDescriptionKey: "the reference script failed (exit \(code))"]) }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: outURL)) as! [[String: Any]]
    }

    @discardableResult
    static func status(_ python: String, _ arguments: [String], quiet: Bool = true) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python] + arguments
        if quiet { p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice }
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
