import Foundation
import XCTest

/// Independent implementations written in Python (numpy, SciPy) run in a subprocess: the one
/// helper every test target uses to find an interpreter and run a reference script.
public enum PythonReference {
    /// The first python3 that imports `modules` (e.g. "numpy", "numpy, scipy"), or nil.
    public static func find(_ modules: String) -> String? {
        // The tests' virtual environment first (Scripts/setup.sh fills it from
        // Scripts/requirements-test.txt), then the system's interpreters.
        var candidates = [venvPython, "python3"]
        if let home = ProcessInfo.processInfo.environment["HOME"] { candidates.append("\(home)/.pyenv/shims/python3") }
        candidates += ["/usr/local/bin/python3", "/usr/bin/python3"]
        for c in candidates where status(c, ["-c", "import \(modules)"]) == 0 { return c }
        return nil
    }

    /// `.venv-test/bin/python3` in the repository (resolved from this source file's location).
    public static let venvPython: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv-test/bin/python3").path

    /// `find(modules)`; when there is none, a test failure under CI=true (the modules are
    /// installable there: Scripts/setup.sh installs python3-scipy) or a printed skip note.
    public static func interpreter(needing modules: String) -> String? {
        if let p = find(modules) { return p }
        let message = "python3 with \(modules) not found (run Scripts/setup.sh: Debian's python3-numpy/scipy, PyPI packages of Scripts/requirements-test.txt in .venv-test)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message + "; it is installable, so CI requires it") } else { print("skipped: " + message) }
        return nil
    }

    /// Runs `program` with `arguments` (through /usr/bin/env); its exit status, -1 if it cannot start.
    @discardableResult
    public static func status(_ program: String, _ arguments: [String], quiet: Bool = true) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        if quiet { p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice }
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Writes `input` as JSON, runs `script` as `python script in.json out.json`, returns the
    /// JSON it wrote.
    public static func run(_ python: String, script: String, input: Any) throws -> Any {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubuqi-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("reference.py"), inURL = dir.appendingPathComponent("in.json")
        let outURL = dir.appendingPathComponent("out.json")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: input).write(to: inURL)
        let code = status(python, [scriptURL.path, inURL.path, outURL.path], quiet: false)
        guard code == 0 else {
            throw NSError(domain: "PythonReference", code: Int(code), userInfo: [NSLocalizedDescriptionKey: "the reference script failed (exit \(code))"])
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: outURL))
    }
}
