import Foundation

/// The SHA-256 of the file at `path` in hex, as GNU coreutils' `sha256sum` prints it: the independent reference
/// for the project's own hashing (``SHA256``) and for the checksums its catalogues record.
public func coreutilsSHA256(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = [path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return String(text.prefix(64))
}
