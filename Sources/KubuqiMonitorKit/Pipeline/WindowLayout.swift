import KubuqiRaster

/// The windows a streamed calculation walks through: whole output blocks,
/// whole input blocks where they fit, and a fixed memory budget, so the
/// buffers cost the same whatever the scene's width or height.
///
/// - Rows: a multiple of the output block height (each output tile is
///   written once, complete), raised to a common multiple of the inputs'
///   block heights up to 1024 rows (each input block is decoded once and no
///   block needs to stay in GDAL's cache from one window row to the next).
/// - Columns: a multiple of the output block width (and of the inputs'
///   block widths where the common multiple is at most 4096), as many as the
///   budget allows, at least one block.
/// - Whole rows when the output or an input is striped (blocks as wide as
///   the raster): then the rows shrink to what the budget holds, down to one
///   output block row (a tiled output with a striped input may exceed the
///   budget by that much, to keep its tiles whole).
/// - Order: row-major, so the outputs are written from top to bottom.
public struct WindowLayout: Hashable, Sendable {
    /// Window height in rows (the last window row may be shorter).
    public let rows: Int
    /// Window width in columns (the last window column may be narrower).
    public let columns: Int

    /// The layout for a raster of `width` x `height` pixels.
    ///
    /// - Parameters:
    ///   - outputBlock: the block size of the outputs (striped outputs have
    ///     the full width: windows are then whole rows).
    ///   - inputBlocks: the block sizes of the inputs.
    ///   - bytesPerPixel: the buffer bytes one pixel of a window costs.
    ///   - budget: the buffer bytes to stay within (exceeded only when one
    ///     block alone costs more).
    public init(width: Int, height: Int, outputBlock: (width: Int, height: Int), inputBlocks: [(width: Int, height: Int)],
                bytesPerPixel: Int, budget: Int = WindowLayout.defaultBudget) {
        precondition(width > 0 && height > 0, "an empty raster has no windows")
        // Tiny output blocks (striped outputs) would mean thousands of GDAL calls: group them.
        let outHeight = max(1, outputBlock.height)
        var rows = outHeight >= 64 ? outHeight : outHeight * ((64 + outHeight - 1) / outHeight)
        for b in inputBlocks where b.height > 1 {
            let common = Self.leastCommonMultiple(rows, b.height)
            if common <= 1024 { rows = common }
        }
        var unit = max(1, min(outputBlock.width, width))
        for b in inputBlocks where b.width > 1 && b.width < width {
            let common = Self.leastCommonMultiple(unit, b.width)
            if common <= 4096 { unit = common }
        }
        // A striped input (blocks of whole rows) is decoded once per window row
        // only if windows are whole rows too.
        if inputBlocks.contains(where: { $0.width >= width }) { unit = width }
        rows = min(rows, height)
        let pixels = max(1, budget / max(1, bytesPerPixel))
        if unit >= width {
            // Whole rows: as many output block rows as the budget holds, at least one.
            let fit = pixels / width / outHeight * outHeight
            rows = min(height, max(outHeight, min(rows, fit)))
        }
        let units = max(1, pixels / (rows * unit))
        self.rows = rows
        self.columns = min(width, units * unit)
        self.width = width
        self.height = height
    }

    /// The raster's size.
    public let width: Int, height: Int

    /// The default buffer budget: 32 MiB.
    public static let defaultBudget = 32 << 20

    /// The largest window in pixels (the buffers' capacity).
    public var capacity: Int { rows * columns }

    /// The windows, row-major, offset by `origin` (a region's corner).
    public func windows(origin: (column: Int, row: Int) = (0, 0)) -> [Window] {
        Window.tiles(width: width, height: height, tileWidth: columns, tileHeight: rows).map {
            Window(column: $0.column + origin.column, row: $0.row + origin.row, width: $0.width, height: $0.height)
        }
    }

    static func leastCommonMultiple(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return a / x * b
    }
}
