import Foundation
import CGDAL

/// A coordinate reference system, held as GDAL's `OGRSpatialReference`.
public final class SpatialReference: @unchecked Sendable {
    let handle: OGRSpatialReferenceH

    /// Parses WKT (as returned by ``Dataset/projectionWKT``); nil for an empty string.
    public init?(wkt: String) {
        GDALEnvironment.initialize()
        guard !wkt.isEmpty, let h = OSRNewSpatialReference(nil) else { return nil }
        var ok = false
        _ = GDALErrors.capture {
            ok = wkt.withCString { cstr -> Bool in
                var p: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: cstr)
                return OSRImportFromWkt(h, &p) == OGRERR_NONE
            }
        }
        guard ok else { OSRDestroySpatialReference(h); return nil }
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    /// Builds the CRS of an EPSG code; nil when PROJ does not know it.
    public init?(epsg: Int) {
        GDALEnvironment.initialize()
        guard let code = Int32(exactly: epsg), let h = OSRNewSpatialReference(nil) else { return nil }
        let (err, _) = GDALErrors.capture { OSRImportFromEPSG(h, code) }
        guard err == OGRERR_NONE else { OSRDestroySpatialReference(h); return nil }
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    deinit { OSRDestroySpatialReference(handle) }

    /// The EPSG code of this CRS, when it has one or PROJ can identify one.
    public var epsgCode: Int? {
        let (code, _) = GDALErrors.capture { () -> Int? in
            if let code = Self.epsgAuthorityCode(handle) { return code }
            // No authority attached: let PROJ identify the definition.
            guard let copy = OSRClone(handle) else { return nil }
            defer { OSRDestroySpatialReference(copy) }
            return OSRAutoIdentifyEPSG(copy) == OGRERR_NONE ? Self.epsgAuthorityCode(copy) : nil
        }
        return code
    }

    private static func epsgAuthorityCode(_ h: OGRSpatialReferenceH) -> Int? {
        guard let auth = OSRGetAuthorityName(h, nil), String(cString: auth) == "EPSG",
              let code = OSRGetAuthorityCode(h, nil) else { return nil }
        return Int(String(cString: code))
    }

    /// The CRS's name, e.g. `WGS 84 / UTM zone 49N`.
    public var name: String {
        OSRGetName(handle).map { String(cString: $0) } ?? "unnamed"
    }

    /// Whether the CRS carries a real name (GDAL says `unnamed` or `unknown` for a bare
    /// definition such as MODIS's sinusoidal).
    public var hasName: Bool {
        let n = name.lowercased()
        return !n.isEmpty && n != "unnamed" && n != "unknown"
    }

    /// The CRS as a PROJ string (`+proj=sinu +lon_0=0 ... +units=m +no_defs`), nil when PROJ cannot express it.
    public var proj4: String? {
        var out: UnsafeMutablePointer<CChar>?
        let (err, _) = GDALErrors.capture { OSRExportToProj4(handle, &out) }
        defer { VSIFree(out) }
        guard err == OGRERR_NONE, let out else { return nil }
        let s = String(cString: out).trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : s
    }

    /// Whether the CRS is geographic (degrees of latitude and longitude).
    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }

    /// WKT2 (2019) text of the CRS.
    public var wkt2: String {
        var out: UnsafeMutablePointer<CChar>?
        _ = GDALErrors.capture {
            CStringList.withConstList(["FORMAT=WKT2_2019", "MULTILINE=NO"]) { OSRExportToWktEx(handle, &out, $0) }
        }
        defer { VSIFree(out) }
        return out.map { String(cString: $0) } ?? ""
    }

    /// Whether two CRS describe the same system (data axis order ignored).
    public func isSame(as other: SpatialReference) -> Bool {
        CStringList.withConstList(["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"]) {
            OSRIsSameEx(handle, other.handle, $0) != 0
        }
    }

    /// `EPSG:32649` when there is a code, else the name, else the PROJ string.
    public var shortDescription: String { epsgCode.map { "EPSG:\($0)" } ?? (hasName ? name : proj4 ?? name) }
}
