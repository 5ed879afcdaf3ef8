import Foundation
import KubuqiGDAL

/// The identity of an input a plan was made from: enough to notice that a
/// tile runs on another file than the plan's (a re-made mosaic, a partial
/// copy on a node) without reading the whole file.
public struct PlanInput: Sendable, Hashable, Codable {
    /// The path as given.
    public var path: String
    /// Raster size in pixels.
    public var width: Int
    /// Raster height in pixels.
    public var height: Int
    /// File size in bytes (0 for non-file GDAL paths such as /vsicurl/).
    public var bytes: Int
    /// SHA-256 of the first ``headerBytes`` bytes (the TIFF header and directories, for a GeoTIFF).
    public var headerSHA256: String

    /// Bytes hashed from the start of the file.
    public static let headerBytes = 64 * 1024

    /// Reads the identity of the raster at `path`.
    public init(path: String) throws {
        let ds: Dataset
        do { ds = try Dataset.open(path) } catch let e as GDALError {
            throw KubuqiError.input(path, "not a readable raster (\(e.messages.last ?? e.context))")
        }
        self.path = path
        width = ds.width
        height = ds.height
        let (bytes, digest) = Self.header(path)
        self.bytes = bytes
        headerSHA256 = digest
    }

    /// File size and SHA-256 of its first 64 KiB; (0, "") when it is not a local file.
    static func header(_ path: String) -> (Int, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (0, "") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: headerBytes)) ?? Data()
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? Int) ?? 0
        var h = SHA256()
        h.update(data)
        return (size, h.hexDigest())
    }

    /// What differs between this identity and the file now at `path`, nil when they match.
    public func difference() -> String? {
        let (bytes, digest) = Self.header(path)
        if bytes != self.bytes { return "its size is \(bytes) bytes, the plan's \(self.bytes)" }
        if digest != headerSHA256 { return "its first 64 KiB differ from the plan's (SHA-256 \(digest.prefix(12))... vs \(headerSHA256.prefix(12))...)" }
        return nil
    }
}
