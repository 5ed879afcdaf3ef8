import KubuqiRaster

/// GeoPackage geometry blobs (OGC GeoPackage 1.2, §2.1.3 "GeoPackageBinary") written directly, as GDAL 3.6's
/// GeoPackage driver writes them (`GPkgGeometryFromOGR`, ogrgeopackageutility.cpp) for a 2D polygon:
/// the header `GP`, version 0, flags `0b0000_0011` (a 2D envelope, little-endian), the `srs_id` (Int32), the
/// envelope (minx, maxx, miny, maxy as doubles), then the ISO WKB polygon, little-endian (byte order 1,
/// type 3, the ring count, each ring's point count and its x, y). The rings are written as given (closed).
enum GeoPackageGeometry {
    /// The header's size with an xy envelope: magic, version, flags, srs_id, four doubles.
    static let headerBytes = 8 + 32

    /// The blob of the polygon of pixel-edge `rings` placed by the geotransform `t` as GDAL's polygonize places
    /// its corners (x = t0 + column t1 + row t2, y = t3 + column t4 + row t5, in that order of operations), in the
    /// CRS `srsID`, and its envelope
    /// (minX, maxX, minY, maxY; what `OGR_G_GetEnvelope` gives, all rings' points).
    static func polygon(_ rings: [[PixelCorner]], transform t: [Double], srsID: Int32)
        -> (blob: [UInt8], envelope: (minX: Double, maxX: Double, minY: Double, maxY: Double)) {
        var size = headerBytes + 1 + 4 + 4
        for ring in rings { size += 4 + 16 * ring.count }
        let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5]
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        let blob = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var at = headerBytes
            func put32(_ v: UInt32) { raw.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt32.self); at += 4 }
            func putDouble(_ v: Double) { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: at, as: UInt64.self); at += 8 }
            raw[at] = 1   // little-endian WKB
            at += 1
            put32(3)      // wkbPolygon
            put32(UInt32(rings.count))
            for ring in rings {
                put32(UInt32(ring.count))
                for c in ring {
                    let x = Double(c.x), y = Double(c.y)
                    let gx = t0 + x * t1 + y * t2, gy = t3 + x * t4 + y * t5
                    minX = Swift.min(minX, gx); maxX = Swift.max(maxX, gx)
                    minY = Swift.min(minY, gy); maxY = Swift.max(maxY, gy)
                    putDouble(gx)
                    putDouble(gy)
                }
            }
            at = 0
            raw[0] = 0x47   // "G"
            raw[1] = 0x50   // "P"
            raw[2] = 0      // version 1.0 (0)
            raw[3] = 0b0000_0011   // envelope [minx, maxx, miny, maxy], little-endian
            at = 4
            put32(UInt32(bitPattern: srsID))
            putDouble(minX); putDouble(maxX); putDouble(minY); putDouble(maxY)
            count = size
        }
        return (blob, (minX, maxX, minY, maxY))
    }
}
