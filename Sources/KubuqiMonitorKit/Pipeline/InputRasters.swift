import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Opens the rasters named on a command line, each file once, and turns
/// GDAL's failures into one-line input errors naming the file.
public final class InputRasters {
    private var open: [String: Dataset] = [:]

    /// An empty set of inputs.
    public init() {}

    /// The dataset at `path`, opened on first use.
    public func dataset(_ path: String) throws -> Dataset {
        if let ds = open[path] { return ds }
        // Only a regular file (or a SAFE folder, or a /vsi path the user named):
        // a FIFO or device would block GDAL's read forever.
        if !path.hasPrefix("/vsi") {
            if let e = SafeFiles.target(path), e.isDirectory, !path.hasSuffix(".SAFE") {
                throw KubuqiError.input(path, "is a folder, not a raster file")
            }
            try InputFile.requireRegular(path, allowFolder: path.hasSuffix(".SAFE"))
        }
        do {
            let ds = try Dataset.open(path)
            guard ds.bandCount > 0 else { throw KubuqiError.input(path, "has no raster bands") }
            guard ds.width > 0 && ds.height > 0 else { throw KubuqiError.input(path, "has an empty size \(ds.width)x\(ds.height)") }
            if let t = ds.geoTransform, let fault = Self.fault(in: t) { throw KubuqiError.input(path, fault) }
            open[path] = ds
            return ds
        } catch let e as GDALError {
            let reason = e.messages.last.map(Self.shorten) ?? "not a raster GDAL can read"
            throw KubuqiError.input(path, "not a readable raster (\(reason))")
        }
    }

    /// The band a selection names; its number must exist and its type be real-valued.
    public func band(_ selection: BandSelection) throws -> RasterBand {
        let ds = try dataset(selection.path)
        guard selection.band >= 1 && selection.band <= ds.bandCount else {
            throw KubuqiError.input(selection.path,
                "band \(selection.band) does not exist (the raster has \(ds.bandCount) band\(ds.bandCount == 1 ? "" : "s"))")
        }
        let band = try ds.band(selection.band)
        if band.dataType.isComplex {
            throw KubuqiError.input(selection.path, "band \(selection.band) is complex (\(band.dataType.rawValue)); an index needs real values")
        }
        return band
    }

    /// A note when band 1 of a multi-band file is used (FILE without :BAND
    /// on a stack is an easy slip: NIR from an NDVI stack gives NDVI 1.0).
    public static func noteFirstOfSeveral(_ band: RasterBand, selection: BandSelection, as what: String) {
        guard !selection.bandGiven, band.dataset.bandCount > 1 else { return }
        Diagnostics.note("\(band.dataset.path) has \(band.dataset.bandCount) bands; reading band 1 as \(what) (FILE:BAND chooses another)")
    }

    /// Checks that every band lies on the grid of the first; the error names
    /// both files and what differs.
    public func requireSameGrid(_ bands: [RasterBand]) throws {
        guard let first = bands.first else { return }
        let reference = first.dataset.grid
        for b in bands.dropFirst() where b.dataset !== first.dataset {
            if let diff = b.dataset.grid.difference(from: reference) {  // b's values first, as b is named first
                throw KubuqiError(.input, "\(b.dataset.path): not on the grid of \(first.dataset.path): \(diff)")
            }
        }
    }

    /// What is wrong with a geotransform no pixel area or coordinate can come
    /// from: a non-finite coefficient, or pixels of no size (the pixel's two
    /// edges are parallel or zero); nil when it is usable.
    static func fault(in t: GeoTransform) -> String? {
        let c = t.coefficients
        guard c.count == 6, c.allSatisfy(\.isFinite) else {
            return "its geotransform holds a non-finite number (\(c.map { String($0) }.joined(separator: ", "))); fix its georeferencing"
        }
        let determinant = c[1] * c[5] - c[2] * c[4]
        guard determinant != 0, determinant.isFinite else {
            return "its geotransform gives pixels of size 0 (\(c[1]) x \(c[5])); fix its georeferencing"
        }
        return nil
    }

    /// GDAL's messages repeat the path; keep the part after it.
    static func shorten(_ message: String) -> String {
        message.replacingOccurrences(of: "\n", with: " ")
    }
}
