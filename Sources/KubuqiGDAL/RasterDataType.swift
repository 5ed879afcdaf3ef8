import CGDAL

/// The pixel data types of GDAL, by their GDAL names.
public enum RasterDataType: String, Sendable, Codable, CaseIterable {
    case byte = "Byte", int8 = "Int8", uint16 = "UInt16", int16 = "Int16"
    case uint32 = "UInt32", int32 = "Int32", uint64 = "UInt64", int64 = "Int64"
    case float32 = "Float32", float64 = "Float64"
    case cint16 = "CInt16", cint32 = "CInt32", cfloat32 = "CFloat32", cfloat64 = "CFloat64"
    case unknown = "Unknown"

    init(_ type: GDALDataType) {
        self = RasterDataType(rawValue: String(cString: GDALGetDataTypeName(type))) ?? .unknown
    }

    var gdal: GDALDataType { GDALGetDataTypeByName(rawValue) }

    /// Whether the type holds complex numbers (no index is defined on those).
    public var isComplex: Bool { [.cint16, .cint32, .cfloat32, .cfloat64].contains(self) }

    /// Size of one value in bytes.
    public var byteSize: Int { Int(GDALGetDataTypeSizeBytes(gdal)) }
}
