import Foundation

/// NULL-terminated C string lists (GDAL's `char **` and `CSLConstList`),
/// alive for the duration of a closure.
enum CStringList {
    /// Runs `body` with a mutable `char **` list of `strings`.
    static func withList<T>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws -> T) rethrows -> T {
        var list: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { list.forEach { free($0) } }
        return try list.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Runs `body` with a `const char * const *` list of `strings`.
    static func withConstList<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> T) rethrows -> T {
        try withList(strings) { p in
            try body(UnsafeRawPointer(p).assumingMemoryBound(to: UnsafePointer<CChar>?.self))
        }
    }
}
