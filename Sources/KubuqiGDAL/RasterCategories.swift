import CGDAL

extension RasterBand {
    /// The class names a band declares, by value: from its raster attribute table (a value
    /// column and a name column, as ``setCategories(_:)`` writes and QGIS reads), else from its
    /// category names (value = position). Empty when it declares none.
    public func categoryNames() -> [Int: String] {
        var names: [Int: String] = [:]
        if let rat = GDALGetDefaultRAT(handle) {
            let columns = GDALRATGetColumnCount(rat)
            var valueColumn: Int32 = -1, nameColumn: Int32 = -1
            for c in 0..<columns {
                let usage = GDALRATGetUsageOfCol(rat, c)
                if usage == GFU_Name && nameColumn < 0 { nameColumn = c }
                if (usage == GFU_MinMax || usage == GFU_Min) && valueColumn < 0 { valueColumn = c }
            }
            if valueColumn >= 0 && nameColumn >= 0 {
                for r in 0..<GDALRATGetRowCount(rat) {
                    let value = Int(GDALRATGetValueAsInt(rat, r, valueColumn))
                    if let s = GDALRATGetValueAsString(rat, r, nameColumn) { names[value] = String(cString: s) }
                }
                return names
            }
        }
        if let list = GDALGetRasterCategoryNames(handle) {
            var i = 0
            while let p = list[i] {
                let s = String(cString: p)
                if !s.isEmpty { names[i] = s }
                i += 1
            }
        }
        return names
    }
}
