/// A rectangle of pixels inside a raster: column and row offsets plus a size.
///
/// Windows are the unit of streamed work: every reader, kernel and writer
/// in kubuqi-monitor handles one window at a time, so memory is bounded by
/// the window size and never by the scene size.
public struct Window: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Column of the window's first pixel.
    public var column: Int
    /// Row of the window's first pixel.
    public var row: Int
    /// Number of columns.
    public var width: Int
    /// Number of rows.
    public var height: Int

    /// Creates a window from its offsets and size.
    public init(column: Int, row: Int, width: Int, height: Int) {
        self.column = column
        self.row = row
        self.width = width
        self.height = height
    }

    /// Number of pixels in the window.
    public var pixelCount: Int { width * height }

    /// `col,row widthxheight`, the notation used in messages.
    public var description: String { "\(column),\(row) \(width)x\(height)" }

    /// Splits a raster of `width` x `height` pixels into horizontal strips of
    /// `rows` rows (the last one may be shorter), in reading order.
    public static func strips(width: Int, height: Int, rows: Int) -> [Window] {
        precondition(rows > 0, "strip height must be positive")
        return stride(from: 0, to: height, by: rows).map { start in
            Window(column: 0, row: start, width: width, height: min(rows, height - start))
        }
    }

    /// Splits a raster into tiles of `tileWidth` x `tileHeight` (edge tiles
    /// clipped), row by row.
    public static func tiles(width: Int, height: Int, tileWidth: Int, tileHeight: Int) -> [Window] {
        precondition(tileWidth > 0 && tileHeight > 0, "tile size must be positive")
        var result: [Window] = []
        for row in stride(from: 0, to: height, by: tileHeight) {
            for column in stride(from: 0, to: width, by: tileWidth) {
                result.append(Window(column: column, row: row,
                                     width: min(tileWidth, width - column),
                                     height: min(tileHeight, height - row)))
            }
        }
        return result
    }
}
