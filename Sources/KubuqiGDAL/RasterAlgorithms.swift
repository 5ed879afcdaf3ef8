import CGDAL
import Foundation
import KubuqiRaster

extension RasterBand {
    /// The band's declared scale and offset (value = stored x scale + offset),
    /// nil when it declares neither (GDAL then reports 1 and 0).
    public var declaredScaling: (scale: Double, offset: Double)? {
        var hasScale: Int32 = 0, hasOffset: Int32 = 0
        let scale = GDALGetRasterScale(handle, &hasScale), offset = GDALGetRasterOffset(handle, &hasOffset)
        guard hasScale != 0 || hasOffset != 0, scale != 1 || offset != 0 else { return nil }
        return (hasScale != 0 ? scale : 1, hasOffset != 0 ? offset : 0)
    }

    /// The declared units of the band's values (`NDVI`, `m`), nil when none.
    public var units: String? {
        let u = GDALGetRasterUnitType(handle).map { String(cString: $0) } ?? ""
        return u.isEmpty ? nil : u
    }

    /// Sets the declared units of the band's values.
    public func setUnits(_ units: String) throws {
        try GDALErrors.check("cannot set the units of band \(index) of \(dataset.path)") { GDALSetRasterUnitType(handle, units) }
    }

    /// Removes connected patches smaller than `threshold` pixels, replacing
    /// them by the value of their largest neighbouring patch (GDAL's sieve
    /// filter, in place). Pixels equal to the band's nodata are left alone
    /// and never merged into.
    public func sieve(threshold: Int, eightConnected: Bool = true) throws {
        guard threshold > 1 else { return }
        let mask = GDALGetMaskBand(handle)
        try GDALErrors.check("cannot sieve band \(index) of \(dataset.path)") {
            GDALSieveFilter(handle, mask, handle, Int32(clamping: threshold), eightConnected ? 8 : 4, nil, nil, nil)
        }
    }

    /// Approximate minimum and maximum (GDAL may sample or use overviews).
    public func approximateRange() throws -> (min: Double, max: Double) {
        var mm = [0.0, 0.0]
        try GDALErrors.check("cannot compute the range of band \(index) of \(dataset.path)") {
            GDALComputeRasterMinMax(handle, 1, &mm)
        }
        return (mm[0], mm[1])
    }

    /// Attaches a raster attribute table (value, class name, colour) so GIS
    /// software can show a legend; GeoTIFF keeps it in the `.aux.xml` sidecar.
    public func setCategories(_ entries: [(value: Int, name: String, rgb: (UInt8, UInt8, UInt8))]) throws {
        guard let rat = GDALCreateRasterAttributeTable() else { return }
        defer { GDALDestroyRasterAttributeTable(rat) }
        let columns: [(String, GDALRATFieldType, GDALRATFieldUsage)] = [
            ("Value", GFT_Integer, GFU_MinMax), ("Class", GFT_String, GFU_Name),
            ("Red", GFT_Integer, GFU_Red), ("Green", GFT_Integer, GFU_Green), ("Blue", GFT_Integer, GFU_Blue)]
        for (name, type, usage) in columns { _ = GDALRATCreateColumn(rat, name, type, usage) }
        GDALRATSetRowCount(rat, Int32(entries.count))
        for (row, e) in entries.enumerated() {
            let r = Int32(row)
            GDALRATSetValueAsInt(rat, r, 0, Int32(clamping: e.value))
            GDALRATSetValueAsString(rat, r, 1, e.name)
            GDALRATSetValueAsInt(rat, r, 2, Int32(e.rgb.0))
            GDALRATSetValueAsInt(rat, r, 3, Int32(e.rgb.1))
            GDALRATSetValueAsInt(rat, r, 4, Int32(e.rgb.2))
        }
        try GDALErrors.check("cannot attach the class table to \(dataset.path)") { GDALSetDefaultRAT(handle, rat) }
    }

    /// Sets a colour table (Byte and UInt16 bands in GeoTIFF), entry i for value i.
    public func setColorTable(_ colors: [Int: (UInt8, UInt8, UInt8, UInt8)]) throws {
        guard let table = GDALCreateColorTable(GPI_RGB) else { return }
        defer { GDALDestroyColorTable(table) }
        for (value, c) in colors.sorted(by: { $0.key < $1.key }) {
            var entry = GDALColorEntry(c1: Int16(c.0), c2: Int16(c.1), c3: Int16(c.2), c4: Int16(c.3))
            GDALSetColorEntry(table, Int32(clamping: value), &entry)
        }
        try GDALErrors.check("cannot set the colour table of \(dataset.path)") { GDALSetRasterColorTable(handle, table) }
    }

    /// Names the classes of a band whose values are 0..<names.count (GDAL category names).
    public func setCategoryNames(_ names: [String]) throws {
        try CStringList.withList(names) { list in
            try GDALErrors.check("cannot set category names of \(dataset.path)") { GDALSetRasterCategoryNames(handle, list) }
        }
    }
}

extension SpatialReference {
    /// The CRS's ellipsoid.
    public var ellipsoid: PixelArea.Ellipsoid {
        var err: OGRErr = OGRERR_NONE
        let a = OSRGetSemiMajor(handle, &err)
        let invf = OSRGetInvFlattening(handle, &err)
        return PixelArea.Ellipsoid(semiMajor: a, inverseFlattening: invf)
    }
}

extension SpatialReference {
    /// Metres per linear unit of a projected CRS (1 for metres).
    public var linearUnitInMetres: Double {
        let v = OSRGetLinearUnits(handle, nil)
        return v > 0 ? v : 1
    }
}
