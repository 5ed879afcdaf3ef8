import CGDAL
import Foundation
import KubuqiRaster

/// GDAL resampling methods offered to users.
public enum Resampling: String, Sendable, CaseIterable {
    /// Nearest neighbour: keeps original values (classes, quality bands).
    case nearest
    /// Bilinear interpolation: for reflectances and indices when refining the grid.
    case bilinear
    /// Cubic convolution.
    case cubic
    /// Mean of the contributing pixels: for reflectances when coarsening the grid.
    case average
    /// Most frequent value: for classes when coarsening the grid.
    case mode
}

extension Dataset {
    /// A virtual dataset (a warped VRT in memory, computed block by block as it
    /// is read) presenting this raster on `grid`, reprojected if the CRS differs.
    ///
    /// Nothing is written to disk and memory stays bounded: GDAL's warper
    /// resamples only the windows that are read. `extra` adds `gdalwarp`
    /// options (e.g. `-ot Float32 -dstnodata nan`).
    public func warped(onto grid: Grid, resampling: Resampling, extra: [String] = []) throws -> Dataset {
        guard let t = grid.geoTransform, t.isNorthUp else {
            throw GDALError("cannot align \(path)", messages: ["the target grid has no north-up geotransform"])
        }
        let minX = t.originX, maxX = t.originX + Double(grid.width) * t.pixelWidth
        let maxY = t.originY, minY = t.originY + Double(grid.height) * t.pixelHeight
        var args = ["-of", "VRT", "-r", resampling.rawValue,
                    "-te", String(minX), String(min(minY, maxY)), String(maxX), String(max(minY, maxY)),
                    "-ts", String(grid.width), String(grid.height)]
        if !grid.crsWKT.isEmpty { args += ["-t_srs", grid.crsWKT] }
        args += extra
        let target = "/vsimem/kubuqi-warp-\(UUID().uuidString).vrt"
        let h = try CStringList.withList(args) { list -> GDALDatasetH in
            guard let opts = GDALWarpAppOptionsNew(list, nil) else {
                throw GDALError("cannot align \(path)", messages: ["invalid warp options \(args)"])
            }
            defer { GDALWarpAppOptionsFree(opts) }
            var source: GDALDatasetH? = liveHandle
            return try GDALErrors.check("cannot align \(path) onto the target grid") {
                GDALWarp(target, nil, 1, &source, opts, nil)
            }
        }
        return Dataset(adopting: h, path: path, keepAlive: self)
    }
}
