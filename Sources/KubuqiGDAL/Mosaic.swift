import CGDAL
import Foundation
import KubuqiRaster

/// Assembling tiles of one grid into one raster: a VRT mosaic through GDAL's
/// BuildVRT, a copy through GDALTranslate (COG or GeoTIFF), and a tile placed
/// back into its whole grid as a VRT (so a tile can be read with the whole
/// grid's row and column numbers).
public enum Mosaic {
    /// Whether GDAL has a driver of this short name (e.g. `COG`).
    public static func hasDriver(_ name: String) -> Bool {
        GDALEnvironment.initialize()
        return GDALGetDriverByName(name) != nil
    }

    /// Writes a VRT mosaic of `sources` (rasters of one CRS and resolution) to `path`.
    /// `options` are `gdalbuildvrt` arguments (e.g. `-te`, `-srcnodata`).
    ///
    /// The sources are recorded relative to the VRT's folder
    /// (`relativeToVRT="1"`), so the folder holding the VRT and its sources
    /// can be moved or copied whole; GDAL itself would record them as given
    /// (absolute, or relative to the working directory of the run).
    public static func buildVRT(_ path: String, sources: [String], options: [String] = []) throws {
        try buildVRTAsGiven(path, sources: sources, options: options)
        try makeSourcesRelative(path, sources: sources)
    }

    /// Rewrites the `SourceFilename` elements of the VRT at `path` naming
    /// `sources` as paths relative to the VRT's folder.
    static func makeSourcesRelative(_ path: String, sources: [String]) throws {
        guard var xml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GDALError("cannot read back the mosaic \(path)", messages: [])
        }
        let cwd = FileManager.default.currentDirectoryPath
        let folder = PathNames.absolute(PathNames.parent(path), in: cwd)
        for source in Set(sources) where !source.hasPrefix("/vsi") {
            let relative = PathNames.relative(from: folder, to: PathNames.absolute(source, in: cwd))
            xml = xml.replacingOccurrences(of: "<SourceFilename relativeToVRT=\"0\">\(xmlEscaped(source))</SourceFilename>",
                                           with: "<SourceFilename relativeToVRT=\"1\">\(xmlEscaped(relative))</SourceFilename>")
        }
        if !sources.contains(where: { $0.hasPrefix("/vsi") }), xml.contains("relativeToVRT=\"0\"") {
            throw GDALError("cannot record the tiles of \(path) relative to it", messages: ["a source path was written in a form not recognised"])
        }
        do {
            try xml.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw GDALError("cannot write \(path)", messages: [error.localizedDescription])
        }
    }

    /// The XML escaping GDAL applies to file names in a VRT's element text
    /// (`&`, `<`, `>`; GDAL 3.6 leaves `"` as it is there).
    static func xmlEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func buildVRTAsGiven(_ path: String, sources: [String], options: [String]) throws {
        GDALEnvironment.initialize()
        let h = try CStringList.withList(options) { list -> GDALDatasetH in
            guard let opts = GDALBuildVRTOptionsNew(list, nil) else {
                throw GDALError("cannot build \(path)", messages: ["invalid BuildVRT options \(options)"])
            }
            defer { GDALBuildVRTOptionsFree(opts) }
            return try CStringList.withConstList(sources) { names in
                try GDALErrors.check("cannot build the mosaic \(path)") {
                    GDALBuildVRT(path, Int32(sources.count), nil, names, opts, nil)
                }
            }
        }
        _ = try GDALErrors.check("cannot finish writing \(path)") { () -> Bool? in
            GDALClose(h)
            return true
        }
    }

    /// Copies `source` into `path` through GDALTranslate with `options`
    /// (`gdal_translate` arguments: `-of COG -co KEY=VALUE ...`).
    public static func translate(_ source: String, to path: String, options: [String]) throws {
        let input = try Dataset.open(source)
        let h = try CStringList.withList(options) { list -> GDALDatasetH in
            guard let opts = GDALTranslateOptionsNew(list, nil) else {
                throw GDALError("cannot write \(path)", messages: ["invalid translate options \(options)"])
            }
            defer { GDALTranslateOptionsFree(opts) }
            // Warnings are shown only when the copy succeeds: after a failure (a full disk) libtiff's
            // follow-on warnings would bury the one error that matters.
            let (h, collector) = GDALErrors.capture(echoWarnings: false) { GDALTranslate(path, input.liveHandle, opts, nil) }
            guard let h, collector.failures.isEmpty else {
                if let h { GDALClose(h) }
                throw GDALError("cannot write \(path)", messages: collector.failures)
            }
            for w in collector.warnings { Diagnostics.warn("GDAL: \(w)") }
            return h
        }
        _ = try GDALErrors.check("cannot finish writing \(path)") { () -> Bool? in
            GDALClose(h)
            return true
        }
    }

    /// Writes a VRT of the whole `grid` in which the raster at `tile` (every band)
    /// fills `window`; pixels outside the window read as the tile's nodata.
    public static func placeVRT(_ path: String, tile: String, window: Window, grid: Grid) throws {
        let ds = try Dataset.open(tile)
        guard ds.width == window.width && ds.height == window.height else {
            throw GDALError("cannot place \(tile)", messages: ["it is \(ds.width)x\(ds.height), the window \(window) is not"])
        }
        let escape = xmlEscaped
        var xml = "<VRTDataset rasterXSize=\"\(grid.width)\" rasterYSize=\"\(grid.height)\">\n"
        if !grid.crsWKT.isEmpty { xml += "  <SRS>\(escape(grid.crsWKT))</SRS>\n" }
        if let t = grid.geoTransform {
            xml += "  <GeoTransform>" + t.coefficients.map { String($0) }.joined(separator: ", ") + "</GeoTransform>\n"
        }
        for b in 1...ds.bandCount {
            let band = try ds.band(b)
            xml += "  <VRTRasterBand dataType=\"\(band.dataType.rawValue)\" band=\"\(b)\">\n"
            if let nd = band.nodata { xml += "    <NoDataValue>\(nd.isNaN ? "nan" : String(nd))</NoDataValue>\n" }
            xml += """
                <SimpleSource>
                  <SourceFilename relativeToVRT="0">\(escape(tile))</SourceFilename>
                  <SourceBand>\(b)</SourceBand>
                  <SrcRect xOff="0" yOff="0" xSize="\(window.width)" ySize="\(window.height)"/>
                  <DstRect xOff="\(window.column)" yOff="\(window.row)" xSize="\(window.width)" ySize="\(window.height)"/>
                </SimpleSource>
              </VRTRasterBand>

            """
        }
        xml += "</VRTDataset>\n"
        do { try xml.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw GDALError("cannot write \(path)", messages: [error.localizedDescription])
        }
    }
}
