import CTIFF
import Foundation

/// A libtiff handle whose errors and warnings are collected (not printed) and whose fields include the
/// GeoTIFF and GDAL tags (``TIFFHandle/registerTags()``): the few libtiff calls ``CloudOptimizedTileWriter``
/// makes, with Swift arguments (libtiff's setters and getters are C variadic functions).
final class TIFFHandle {
    let tif: OpaquePointer
    let path: String
    let messages: Messages
    private let options: OpaquePointer

    /// The messages libtiff reported on this handle.
    final class Messages {
        var lines: [String] = []
    }

    /// Opens `path` (`mode` as `TIFFOpen`'s), or the open file `fd` (closed by ``close()``) when given.
    init(path: String, mode: String, fd: Int32? = nil) throws {
        Self.registerTags()
        let messages = Messages()
        guard let options = TIFFOpenOptionsAlloc() else { throw GDALError("libtiff: out of memory") }
        let user = Unmanaged.passUnretained(messages).toOpaque()
        TIFFOpenOptionsSetErrorHandlerExtR(options, tiffMessageHandler, user)
        TIFFOpenOptionsSetWarningHandlerExtR(options, tiffWarningHandler, user)
        let opened = fd.map { TIFFFdOpenExt($0, path, mode, options) } ?? TIFFOpenExt(path, mode, options)
        guard let opened else {
            TIFFOpenOptionsFree(options)
            throw GDALError("cannot open \(path) with libtiff", messages: messages.lines)
        }
        tif = opened
        self.path = path
        self.messages = messages
        self.options = options
    }

    private var closed = false

    /// Closes the handle (flushing what is pending).
    func close() {
        guard !closed else { return }
        closed = true
        TIFFClose(tif)
        TIFFOpenOptionsFree(options)
    }

    deinit { close() }

    /// An error naming the file, what failed and libtiff's messages.
    func error(_ what: String) -> GDALError { GDALError("\(what) (\(path))", messages: messages.lines) }

    /// Checks a libtiff status (1 = success).
    func check(_ status: Int32, _ what: String) throws { if status != 1 { throw error(what) } }

    /// Sets a field whose value(s) libtiff reads as `arguments` (integers as Int32, pointers, doubles).
    func set(_ tag: UInt32, _ arguments: [CVarArg]) throws {
        let ok = withVaList(arguments) { TIFFVSetField(tif, tag, $0) }
        if ok != 1 { throw error("cannot set TIFF tag \(tag)") }
    }

    /// Sets an integer field (libtiff reads 16-bit fields from an `int`, 32-bit from a `uint32`).
    func set(_ tag: UInt32, _ value: Int) throws { try set(tag, [Int32(truncatingIfNeeded: value)]) }

    /// The raw value of a tag of this directory (a copy), nil when absent: ASCII text, or doubles, or shorts.
    func field(_ tag: UInt32) -> FieldValue? {
        guard let f = TIFFFieldWithTag(tif, tag) else { return nil }
        let passCount = TIFFFieldPassCount(f) != 0
        var count: UInt32 = 0   // libtiff writes a uint16 or a uint32 here: zeroed, either reads right (little-endian)
        var pointer: UnsafeRawPointer? = nil
        let found = withUnsafeMutablePointer(to: &count) { c in
            withUnsafeMutablePointer(to: &pointer) { p in
                withVaList(passCount ? [c, p] : [p]) { TIFFVGetField(tif, tag, $0) }
            }
        }
        guard found == 1, let pointer else { return nil }
        switch TIFFFieldDataType(f) {
        case TIFF_ASCII:
            if passCount {
                let bytes = UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: Int(count))
                return .ascii(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
            }
            return .ascii(String(cString: pointer.assumingMemoryBound(to: CChar.self)))
        case TIFF_DOUBLE:
            guard passCount else { return nil }
            return .doubles(Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: Double.self), count: Int(count))))
        case TIFF_SHORT:
            guard passCount else { return nil }
            return .shorts(Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt16.self), count: Int(count))))
        default:
            return nil
        }
    }

    /// Sets `tag` to `value` as its field definition takes it.
    func set(_ tag: UInt32, _ value: FieldValue) throws {
        guard let f = TIFFFieldWithTag(tif, tag) else { throw error("libtiff does not know tag \(tag)") }
        let passCount = TIFFFieldPassCount(f) != 0
        switch value {
        case .ascii(let s):
            try s.withCString { c in
                try set(tag, passCount ? [Int32(strlen(c) + 1), c] : [c])
            }
        case .doubles(let d):
            try d.withUnsafeBufferPointer { try set(tag, [Int32(d.count), $0.baseAddress!]) }
        case .shorts(let s):
            try s.withUnsafeBufferPointer { try set(tag, [Int32(s.count), $0.baseAddress!]) }
        }
    }

    /// A tag's value: what the GeoTIFF and GDAL tags hold.
    enum FieldValue: Equatable {
        case ascii(String)
        case doubles([Double])
        case shorts([UInt16])
    }

    /// An integer field of the current directory (16 or 32 bits), nil when absent.
    func integer(_ tag: UInt32, bits: Int) -> Int? {
        var v32: UInt32 = 0
        let found = withUnsafeMutablePointer(to: &v32) { p in withVaList([p]) { TIFFVGetField(tif, tag, $0) } }
        guard found == 1 else { return nil }
        return bits == 16 ? Int(UInt16(truncatingIfNeeded: v32)) : Int(v32)
    }

    // MARK: The GeoTIFF and GDAL tags

    /// GeoTIFF's tags (GeoTIFF 1.0 §2.4, as libgeotiff's `xtiff.c` declares them) and GDAL's two private tags
    /// (`GDAL_METADATA` 42112, `GDAL_NODATA` 42113, ASCII, as GDAL's `geotiff.cpp` declares them).
    static let geoTags: [(tag: UInt32, type: TIFFDataType, passCount: Bool, name: String)] = [
        (33550, TIFF_DOUBLE, true, "GeoPixelScale"),
        (33922, TIFF_DOUBLE, true, "GeoTiePoints"),
        (34264, TIFF_DOUBLE, true, "GeoTransformationMatrix"),
        (34735, TIFF_SHORT, true, "GeoKeyDirectory"),
        (34736, TIFF_DOUBLE, true, "GeoDoubleParams"),
        (34737, TIFF_ASCII, false, "GeoASCIIParams"),
        (42112, TIFF_ASCII, false, "GDALMetadata"),
        (42113, TIFF_ASCII, false, "GDALNoDataValue"),
    ]

    /// The field definitions handed to libtiff (kept for the process: libtiff keeps pointers into them).
    nonisolated(unsafe) static let fieldInfo: UnsafeMutableBufferPointer<TIFFFieldInfo> = {
        let info = UnsafeMutableBufferPointer<TIFFFieldInfo>.allocate(capacity: geoTags.count)
        for (k, t) in geoTags.enumerated() {
            info[k] = TIFFFieldInfo(field_tag: t.tag, field_readcount: Int16(TIFF_VARIABLE), field_writecount: Int16(TIFF_VARIABLE),
                                    field_type: t.type, field_bit: UInt16(FIELD_CUSTOM), field_oktochange: 1,
                                    field_passcount: t.passCount ? 1 : 0, field_name: strdup(t.name))
        }
        return info
    }()

    /// The extender libtiff called before ours (GDAL's, when GDAL installed one first).
    nonisolated(unsafe) static var parentExtender: TIFFExtendProc?

    private static let installed: Void = {
        _ = fieldInfo
        parentExtender = TIFFSetTagExtender(tiffTagExtender)
    }()

    /// Installs the tag extender once (tags already known, e.g. by GDAL's own extender, are kept as they are).
    static func registerTags() { _ = installed }
}

/// Adds the GeoTIFF and GDAL tags to each TIFF libtiff opens, then calls the previous extender.
private func tiffTagExtender(_ tif: OpaquePointer?) {
    _ = TIFFMergeFieldInfo(tif, TIFFHandle.fieldInfo.baseAddress, UInt32(TIFFHandle.fieldInfo.count))
    TIFFHandle.parentExtender?(tif)
}

/// Collects a libtiff error into the handle's messages (1: handled, not printed).
private func tiffMessageHandler(_ tif: OpaquePointer?, _ user: UnsafeMutableRawPointer?, _ module: UnsafePointer<CChar>?,
                                _ format: UnsafePointer<CChar>?, _ args: CVaListPointer?) -> Int32 {
    guard let user, let format, let args else { return 1 }
    var buffer = [CChar](repeating: 0, count: 1024)
    _ = vsnprintf(&buffer, buffer.count, format, args)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let messages = Unmanaged<TIFFHandle.Messages>.fromOpaque(user).takeUnretainedValue()
    messages.lines.append(module.map { String(cString: $0) + ": " + text } ?? text)
    return 1
}

/// Ignores libtiff warnings (1: handled, not printed).
private func tiffWarningHandler(_ tif: OpaquePointer?, _ user: UnsafeMutableRawPointer?, _ module: UnsafePointer<CChar>?,
                                _ format: UnsafePointer<CChar>?, _ args: CVaListPointer?) -> Int32 { 1 }
