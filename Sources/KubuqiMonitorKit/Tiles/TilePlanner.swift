import Foundation
import KubuqiGDAL
import KubuqiRaster

/// Makes tile plans: from an input raster (its grid and block size) or from
/// a bounding box, CRS and resolution.
public enum TilePlanner {
    /// The output block size, used when there is no input to align to.
    public static let defaultBlock = 256

    /// The most tiles a plan may have (a Slurm array or a Kubernetes indexed
    /// job of this many tasks is already far beyond a national run's ~2000);
    /// larger plans are refused before anything is allocated.
    public static let maximumTiles = 100_000
    /// The most pixels along one side of a planned grid (GDAL's limit, a C int).
    public static let maximumSide = BoxGrid.maximumSide

    /// A plan over the grid of the raster at `input`, tiles aligned to its blocks.
    public static func plan(input: String, tileSize: Int) throws -> TilePlan {
        let ds: Dataset
        do { ds = try Dataset.open(input) } catch let e as GDALError {
            throw KubuqiError.input(input, "not a readable raster (\(e.messages.last ?? e.context))")
        }
        let block = try ds.band(1).blockSize
        return try plan(grid: ds.grid, block: (block.width, block.height), tileSize: tileSize, inputs: [try PlanInput(path: input)])
    }

    /// A plan over the box `minX, minY, maxX, maxY` in `EPSG:code` at `resolution` CRS units,
    /// the grid's corner at (minX, maxY); tiles aligned to 256-pixel blocks.
    public static func plan(bbox: [Double], epsg: Int, resolution: Double, tileSize: Int) throws -> TilePlan {
        guard let srs = SpatialReference(epsg: epsg) else { throw KubuqiError(.usage, "--crs EPSG:\(epsg) is not a CRS PROJ knows") }
        let grid = try BoxGrid.grid(bbox: bbox, srs: srs, resolution: resolution)
        return try plan(grid: grid, block: (defaultBlock, defaultBlock), tileSize: tileSize, inputs: [])
    }

    /// Splits `grid` into tiles of about `tileSize` pixels, aligned to `block`.
    public static func plan(grid: Grid, block: (Int, Int), tileSize: Int, inputs: [PlanInput]) throws -> TilePlan {
        guard tileSize > 0 else { throw KubuqiError(.usage, "--tile-size must be a positive number of pixels") }
        let w = alignedSize(tileSize, block: block.0, extent: grid.width)
        let h = alignedSize(tileSize, block: block.1, extent: grid.height)
        // Counted before the tiles are listed: a plan of millions of tiles is refused, not built.
        let count = (Double(grid.width) / Double(w)).rounded(.up) * (Double(grid.height) / Double(h)).rounded(.up)
        guard count <= Double(maximumTiles) else {
            throw KubuqiError(.usage, "a grid of \(grid.width) x \(grid.height) pixels in tiles of \(w) x \(h) makes \(String(format: "%.0f", count)) tiles; "
                              + "at most \(maximumTiles) (give a larger --tile-size or a coarser resolution)")
        }
        let tiles = Window.tiles(width: grid.width, height: grid.height, tileWidth: w, tileHeight: h)
            .enumerated().map { PlannedTile(index: $0.offset, window: $0.element) }
        return TilePlan(grid: PlanGrid(grid), blockSize: [block.0, block.1], requestedTileSize: tileSize,
                        tileSize: [w, h], tiles: tiles, inputs: inputs)
    }

    /// The tile size used along one axis: the multiple of `block` nearest to
    /// `requested` (at least one block); when the block is larger than the
    /// request (one 256-pixel block, 128 asked), the largest divisor of the
    /// block not above the request, so every block boundary stays a tile
    /// boundary. Never more than the grid's extent.
    public static func alignedSize(_ requested: Int, block: Int, extent: Int) -> Int {
        let b = max(1, min(block, extent))
        let requested = min(requested, max(extent, 1))
        var size: Int
        if requested >= b {
            size = max(1, Int((Double(requested) / Double(b)).rounded())) * b
        } else {
            size = (1...requested).last { b % $0 == 0 } ?? 1
        }
        return min(size, max(extent, 1))
    }
}
