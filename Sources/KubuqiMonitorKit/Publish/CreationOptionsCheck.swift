import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The `--co` options checked when the command line is parsed, before any
/// input is read (docs/publishing.md): unless `COG=NO`, they must have a Cloud
/// Optimized GeoTIFF equivalent with the defaults of every encoding
/// (``CloudOptimizedGeoTIFF/options(from:resampling:)``: square tiles, tiled,
/// pixel-interleaved). An option the COG cannot take (`BLOCKXSIZE=64` against the
/// default `BLOCKYSIZE=256`, `TILED=NO`) is a one-line usage error (exit 2) in every
/// command, instead of a failure after the run's work. Keys and values GDAL's
/// drivers refuse are the job's ``RasterOutputSpec/checkCreationOptions(_:output:encodings:)``
/// (exit 4 naming the output, also before any work).
public enum CreationOptionsCheck {
    /// Throws a usage error naming the option when the COG cannot take `options`.
    public static func validate(_ options: CreationOptions) throws {
        guard try CloudOptimizedOutput.isRequested(options) else { return }
        let gtiff = CloudOptimizedOutput.geoTIFFOptions(options)
        do {
            for encoding in [IndexEncoding.float32, .int16, .classes] {
                _ = try CloudOptimizedGeoTIFF.options(from: gtiff.over(RasterOutputSpec.defaultCreationOptions(for: encoding)),
                                                      resampling: CloudOptimizedGeoTIFF.resampling(classes: encoding == .classes))
            }
        } catch let e as GDALError {
            throw KubuqiError(.usage, "--co: " + (e.messages.isEmpty ? e.context : e.messages.joined(separator: "; ")))
        }
    }
}
