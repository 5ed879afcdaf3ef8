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
        let corners = rings.flatMap { $0 }, sizes = rings.map { Int32($0.count) }
        return corners.withUnsafeBufferPointer { c in
            sizes.withUnsafeBufferPointer { s in polygon(corners: c, ringSizes: s, transform: t, srsID: srsID) }
        }
    }

    /// The same for rings given one after another in `corners` (each closed), `ringSizes` corners each
    /// (``RowPolygonizer/Patch``'s form): the blob written from them in one pass, its size known first.
    static func polygon(corners: UnsafeBufferPointer<PixelCorner>, ringSizes: UnsafeBufferPointer<Int32>, transform t: [Double], srsID: Int32)
        -> (blob: [UInt8], envelope: (minX: Double, maxX: Double, minY: Double, maxY: Double)) {
        let size = blobBytes(corners: corners.count, rings: ringSizes.count)
        var envelope = (minX: 0.0, maxX: 0.0, minY: 0.0, maxY: 0.0)
        let blob = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            envelope = write(corners: corners, ringSizes: ringSizes, transform: t, srsID: srsID, into: UnsafeMutableRawBufferPointer(buffer))
            count = size
        }
        return (blob, envelope)
    }

    /// The same blob appended to `bytes` (no array of its own: ``PatchRowMaker`` writes a batch's blobs one after
    /// another in one buffer); returns the envelope.
    static func append(corners: UnsafeBufferPointer<PixelCorner>, ringSizes: UnsafeBufferPointer<Int32>, transform t: [Double], srsID: Int32,
                       to bytes: inout [UInt8]) -> (minX: Double, maxX: Double, minY: Double, maxY: Double) {
        let size = blobBytes(corners: corners.count, rings: ringSizes.count), start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        return bytes.withUnsafeMutableBytes { b in
            write(corners: corners, ringSizes: ringSizes, transform: t, srsID: srsID, into: UnsafeMutableRawBufferPointer(rebasing: b[start...]))
        }
    }

    /// The size of the blob of a polygon of `rings` rings of `corners` corners in all.
    @inline(__always)
    static func blobBytes(corners: Int, rings: Int) -> Int { headerBytes + 1 + 4 + 4 + 4 * rings + 16 * corners }

    /// Writes the blob into `raw` (exactly its size); returns the envelope.
    private static func write(corners: UnsafeBufferPointer<PixelCorner>, ringSizes: UnsafeBufferPointer<Int32>, transform t: [Double],
                              srsID: Int32, into raw: UnsafeMutableRawBufferPointer) -> (minX: Double, maxX: Double, minY: Double, maxY: Double) {
        let size = blobBytes(corners: corners.count, rings: ringSizes.count)
        precondition(raw.count == size, "GeoPackage geometry: a buffer of \(raw.count) bytes for a blob of \(size)")
        let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5]
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        var at = headerBytes
        func put32(_ v: UInt32) { raw.storeBytes(of: v.littleEndian, toByteOffset: at, as: UInt32.self); at += 4 }
        func putDouble(_ v: Double) { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: at, as: UInt64.self); at += 8 }
        raw[at] = 1   // little-endian WKB
        at += 1
        put32(3)      // wkbPolygon
        put32(UInt32(ringSizes.count))
        var k = 0
        for n in ringSizes {
            put32(UInt32(n))
            precondition(n >= 0 && k + Int(n) <= corners.count, "GeoPackage geometry: ring sizes beyond the corners")
            for i in k..<(k + Int(n)) {
                let c = corners[i]
                let x = Double(c.x), y = Double(c.y)
                let gx = t0 + x * t1 + y * t2, gy = t3 + x * t4 + y * t5
                minX = Swift.min(minX, gx); maxX = Swift.max(maxX, gx)
                minY = Swift.min(minY, gy); maxY = Swift.max(maxY, gy)
                putDouble(gx)
                putDouble(gy)
            }
            k += Int(n)
        }
        precondition(k == corners.count, "GeoPackage geometry: ring sizes do not add up to the corners")
        raw[0] = 0x47   // "G"
        raw[1] = 0x50   // "P"
        raw[2] = 0      // version 1.0 (0)
        raw[3] = 0b0000_0011   // envelope [minx, maxx, miny, maxy], little-endian
        at = 4
        put32(UInt32(bitPattern: srsID))
        putDouble(minX); putDouble(maxX); putDouble(minY); putDouble(maxY)
        return (minX, maxX, minY, maxY)
    }
}
