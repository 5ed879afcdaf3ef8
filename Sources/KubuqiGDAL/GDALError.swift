import CGDAL
import Foundation

/// A failure reported by GDAL, with every message GDAL emitted while the
/// failing call ran (nothing is lost, nothing aborts).
public struct GDALError: Error, CustomStringConvertible, Sendable {
    /// What kubuqi-monitor was doing, e.g. `cannot open /data/a.tif`.
    public var context: String
    /// GDAL's own messages for the call, oldest first.
    public var messages: [String]

    /// Creates an error from a context and GDAL's messages.
    public init(_ context: String, messages: [String] = []) {
        self.context = context
        self.messages = messages
    }

    /// `context: message; message`.
    public var description: String {
        messages.isEmpty ? context : "\(context): \(messages.joined(separator: "; "))"
    }
}

/// Collects GDAL's error messages for the calls made inside ``GDALErrors/capture(_:)``.
final class ErrorCollector {
    var failures: [String] = []
    var warnings: [String] = []
}

/// GDAL's error handler stack is per thread, so a handler pushed around a
/// call sees exactly that call's messages, even with other threads busy.
private let collectingHandler: CPLErrorHandler = { errorClass, _, message in
    guard let userData = CPLGetErrorHandlerUserData() else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
    let text = message.map { String(cString: $0) } ?? "(no message)"
    switch errorClass {
    case CE_Failure, CE_Fatal: collector.failures.append(text)
    // GDAL only warns when a sidecar (.aux.xml: statistics, the class legend)
    // cannot be written, e.g. on a full disk; the output would lack it, so it is a failure.
    case CE_Warning where text.hasPrefix("Unable to save auxiliary information"): collector.failures.append(text)
    case CE_Warning: collector.warnings.append(text)
    default: break
    }
}

/// Runs GDAL calls with their messages collected.
public enum GDALErrors {
    /// Runs `body` with a collecting error handler; returns its result and
    /// the messages GDAL emitted. Warnings are also written to stderr, so the
    /// user sees every message GDAL gives.
    static func capture<T>(echoWarnings: Bool = true, _ body: () throws -> T) rethrows -> (T, ErrorCollector) {
        let collector = ErrorCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        CPLPushErrorHandlerEx(collectingHandler, unmanaged.toOpaque())
        defer {
            CPLPopErrorHandler()
            unmanaged.release()
            if echoWarnings { for w in collector.warnings { Diagnostics.warn("GDAL: \(w)") } }
        }
        return (try body(), collector)
    }

    /// Runs `body`; throws a ``GDALError`` with `context` when it returns nil
    /// or when GDAL reported a failure during it.
    static func check<T>(_ context: @autoclosure () -> String, _ body: () throws -> T?) throws -> T {
        let (value, collector) = try capture(body)
        guard let value, collector.failures.isEmpty else {
            throw GDALError(context(), messages: collector.failures)
        }
        return value
    }

    /// Runs a call returning `CPLErr`; throws unless it is `CE_None` with no failure reported.
    static func check(_ context: @autoclosure () -> String, _ body: () -> CPLErr) throws {
        let (code, collector) = capture(body)
        if code != CE_None || !collector.failures.isEmpty {
            throw GDALError(context(), messages: collector.failures)
        }
    }
}

extension GDALErrors {
    /// Commits `layer`'s transaction; throws a ``GDALError`` with `context` and GDAL's messages (a full disk: SQLite's
    /// "database or disk is full", the system's "No space left on device") when the commit fails.
    static func commit(_ layer: OGRLayerH, _ context: @autoclosure () -> String) throws {
        let (code, collector) = capture { OGR_L_CommitTransaction(layer) }
        guard code == OGRERR_NONE, collector.failures.isEmpty else { throw GDALError(context(), messages: collector.failures) }
    }

    /// Commits `dataset`'s transaction, as ``commit(_:_:)`` does a layer's.
    static func commit(dataset: GDALDatasetH, _ context: @autoclosure () -> String) throws {
        let (code, collector) = capture { GDALDatasetCommitTransaction(dataset) }
        guard code == OGRERR_NONE, collector.failures.isEmpty else { throw GDALError(context(), messages: collector.failures) }
    }
}

/// Where non-fatal messages go: standard error, one line each.
public enum Diagnostics {
    /// Writes `note: message` to standard error (what the tool decided on the user's behalf).
    public static func note(_ message: String) {
        standardError("note: \(oneLine(message))\n")
    }

    /// Writes `warning: message` to standard error.
    public static func warn(_ message: String) {
        standardError("warning: \(oneLine(message))\n")
    }

    /// Writes `text` to standard error with write(2), ignoring failures: with
    /// SIGPIPE ignored, Foundation's `FileHandle.write` would stop the process
    /// on a closed pipe (EPIPE); a message nobody reads is simply lost.
    public static func standardError(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// `message` with line breaks written as `\n`, so a file name holding one keeps the message on one line.
    static func oneLine(_ message: String) -> String {
        message.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
