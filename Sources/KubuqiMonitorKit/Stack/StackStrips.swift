import KubuqiIndicators
import KubuqiRaster

/// How the window pass of an accumulating reducer (``SeriesReducer/accumulates``) walks a period:
/// by strips, each strip split into windows.
///
/// A strip keeps the running state (``SeriesAccumulators``, 24 bytes a pixel) of all its pixels
/// while every group of the period's observations (at most ``StackJob/openAtOnce`` files) is opened
/// once, read through the strip's windows and closed; then the strip is finished and written window
/// by window. Each input is therefore opened once per strip (8 times for a 2000 x 2000 grid at the
/// default budget), not once per window, and the state stays exact whatever the split (the groups
/// reach each pixel in date order).
///
/// Both are laid out by ``WindowLayout`` (whole output blocks, whole input blocks where they fit):
/// the strips within half the memory budget at the state's bytes per pixel (full-width block rows
/// where they fit, else narrower), the windows of a strip within the other half at one group's
/// bytes per pixel; so the buffers cost the same whatever the number of dates and the scene width.
struct StackStrips {
    /// The strips over the area (row-major).
    let strips: WindowLayout
    /// The window size within a strip (the last window row and column of a strip may be smaller).
    let rows: Int, columns: Int

    /// The buffer bytes a window pixel costs beyond its observation rows: result, counts (Float) and their encoded values (Int16).
    static let windowExtraBytes = 4 * 2 + 2 * 2

    /// The strips and windows of a `width` x `height` area whose windows hold `observations` rows (one group).
    init(width: Int, height: Int, outputBlock: (width: Int, height: Int), inputBlocks: [(width: Int, height: Int)],
         observations: Int, budget: Int) {
        let half = max(1, budget / 2)
        strips = WindowLayout(width: width, height: height, outputBlock: outputBlock, inputBlocks: inputBlocks,
                              bytesPerPixel: SeriesAccumulators.bytesPerPixel, budget: half)
        let within = WindowLayout(width: strips.columns, height: strips.rows, outputBlock: outputBlock, inputBlocks: inputBlocks,
                                  bytesPerPixel: 4 * observations + Self.windowExtraBytes, budget: half)
        rows = within.rows
        columns = within.columns
    }

    /// The most windows a strip has (the state slots to allocate).
    var windowsPerStrip: Int {
        ((strips.rows + rows - 1) / rows) * ((strips.columns + columns - 1) / columns)
    }

    /// The largest window in pixels.
    var windowCapacity: Int { rows * columns }

    /// The windows of `strip`, row-major, in the area's coordinates.
    func windows(in strip: Window) -> [Window] {
        Window.tiles(width: strip.width, height: strip.height, tileWidth: columns, tileHeight: rows).map {
            Window(column: $0.column + strip.column, row: $0.row + strip.row, width: $0.width, height: $0.height)
        }
    }
}
