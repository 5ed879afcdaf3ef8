import KubuqiGDAL

/// The one check of a scale and offset a raster declares in its metadata
/// (GDAL's band scale and offset: value = stored x scale + offset), before
/// any pixel is read with them. A downloaded file may declare anything: a
/// scale of 0 turned every value into 0, NaN or an offset of infinity every
/// value into nodata, a negative scale flipped every value, and the run went
/// on (`drought` wrote an all-nodata SPI with exit 0). A negative scale is
/// valid in CF 1.11 (section 8.1: data "multiplied by this factor", no sign
/// required) and in GDAL (`GetScale`: value = raw x scale + offset) but is
/// refused here with a message saying why: it reverses every value's order
/// (degradation read as improvement), no product these commands read declares
/// one, and `--scale` refuses one too. The rule is the one of
/// `--scale` (``ScaleFactor``): a positive, normal 32-bit float; the offset a
/// finite 32-bit float. Anything else is an input error naming the file and
/// band; a scale given by the user (`--scale`, ldn's `productivity.scale`)
/// replaces the declared one and is not checked here.
public enum DeclaredScaling {
    /// The band's declared scale and offset (nil when it declares none), or an
    /// input error naming its file and band when they cannot be right.
    public static func of(_ band: RasterBand) throws -> (scale: Double, offset: Double)? {
        guard let d = band.declaredScaling else { return nil }
        let fix = "fix its metadata (gdal_edit.py -scale/-offset) or give the scale (--scale, ldn's productivity.scale)"
        if d.scale < 0, Float(d.scale).isNormal {
            // Legal in CF (1.11, section 8.1) and GDAL, refused here on purpose (docs/robustness.md, "A negative declared scale").
            throw KubuqiError.input(band.dataset.path, "band \(band.index) declares a negative scale (\(d.scale)); CF and GDAL allow one, but kubuqi "
                                    + "refuses it: it reverses the order of every value (a falling index would read as a rising one, degradation "
                                    + "as improvement), and no index, precipitation or temperature product declares one, so it is taken for a "
                                    + "metadata error; write the physical values first (gdal_translate -unscale -ot Float32) or \(fix)")
        }
        guard Float(d.scale).isNormal, d.scale > 0 else {
            throw KubuqiError.input(band.dataset.path, "band \(band.index) declares a scale of \(d.scale); "
                                    + "a scale must be a positive number between about 1.2e-38 and 3.4e38: \(fix)")
        }
        guard Float(d.offset).isFinite else {
            throw KubuqiError.input(band.dataset.path, "band \(band.index) declares an offset of \(d.offset); "
                                    + "an offset must be a finite number within about +/-3.4e38: \(fix)")
        }
        return d
    }
}
