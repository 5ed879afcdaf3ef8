import Foundation
import KubuqiGDAL
import KubuqiRaster

/// A region's grid split into tiles, each computed alone (on one node of a
/// cluster) and merged afterwards into the single-machine answer.
///
/// Written as deterministic JSON (sorted keys, no timestamps), so the same
/// inputs and tile size give the same bytes, and its SHA-256 identifies the
/// plan in every tile's output.
public struct TilePlan: Sendable, Hashable, Codable {
    /// The version of this file's layout.
    public static let currentFormat = 1

    /// Layout version.
    public var format: Int
    /// The grid split.
    public var grid: PlanGrid
    /// The inputs' block size (width, height) the tiles are aligned to.
    public var blockSize: [Int]
    /// The tile size asked for.
    public var requestedTileSize: Int
    /// The tile size used (width, height): a multiple of the block size, or a
    /// divisor of it when the blocks are larger than the tile asked for.
    public var tileSize: [Int]
    /// The tiles, row-major.
    public var tiles: [PlannedTile]
    /// The inputs the plan was made from (empty for a plan from a bounding box).
    public var inputs: [PlanInput]

    /// Creates a plan.
    public init(grid: PlanGrid, blockSize: [Int], requestedTileSize: Int, tileSize: [Int], tiles: [PlannedTile], inputs: [PlanInput]) {
        format = Self.currentFormat
        self.grid = grid
        self.blockSize = blockSize
        self.requestedTileSize = requestedTileSize
        self.tileSize = tileSize
        self.tiles = tiles
        self.inputs = inputs
    }

    /// The tile numbered `index`; a usage error naming the valid range otherwise.
    public func tile(_ index: Int) throws -> PlannedTile {
        guard tiles.indices.contains(index) else {
            throw KubuqiError(.usage, "--tile \(index) is not in the plan (it has \(tiles.count) tile\(tiles.count == 1 ? "" : "s"), 0-\(tiles.count - 1))")
        }
        return tiles[index]
    }

    /// The plan as deterministic JSON.
    public func encoded() throws -> Data {
        try TileJSON.encode(self)
    }

    /// SHA-256 of ``encoded()``: the plan's identity in tile outputs.
    public var fingerprint: String {
        var h = SHA256()
        h.update((try? encoded()) ?? Data())
        return h.hexDigest()
    }

    /// Writes the plan to `path` (atomically).
    public func write(to path: String) throws {
        try atomicWrite(try encoded(), to: path)
    }

    /// Reads a plan; input errors name the file and what is wrong.
    public static func load(_ path: String) throws -> TilePlan {
        let data = try InputFile.read(path)
        do {
            let plan = try JSONDecoder().decode(TilePlan.self, from: data)
            guard plan.format == currentFormat else {
                throw KubuqiError.input(path, "plan format \(plan.format); this kubuqi-monitor reads format \(currentFormat)")
            }
            if let problem = plan.layoutProblem() {
                throw KubuqiError.input(path, "\(problem); the plan was edited or damaged: make it again with 'kubuqi-monitor tiles plan'")
            }
            return plan
        } catch let e as KubuqiError {
            throw e
        } catch {
            throw KubuqiError.input(path, "not a tile plan (\(error))")
        }
    }

    /// What makes the plan unlike any `tiles plan` writes, nil when nothing: a grid
    /// of 1 to 2147483647 pixels a side with a geotransform of six finite numbers
    /// (or none), a positive block and tile size, at most
    /// ``TilePlanner/maximumTiles`` tiles, and the tiles numbered 0, 1, ... in
    /// row-major order, each the window the tile size gives it (inside the grid,
    /// none overlapping). A plan is a file users copy and edit: every number in it
    /// is checked here, before a window reaches a reader (which traps on one
    /// outside the grid).
    public func layoutProblem() -> String? {
        let side = 1...Int(Int32.max)
        guard side.contains(grid.width), side.contains(grid.height) else {
            return "its grid of \(grid.width) x \(grid.height) pixels is not 1 to \(Int32.max) pixels a side"
        }
        if let gt = grid.geoTransform, gt.count != 6 || !gt.allSatisfy(\.isFinite) {
            return "its geotransform \(gt) is not six finite numbers"
        }
        guard blockSize.count == 2, blockSize.allSatisfy(side.contains) else {
            return "its block size \(blockSize) is not two numbers of 1 to \(Int32.max)"
        }
        guard tileSize.count == 2, tileSize.allSatisfy(side.contains) else { return "its tile size \(tileSize) is not two numbers of 1 to \(Int32.max)" }
        let columns = (grid.width + tileSize[0] - 1) / tileSize[0], rows = (grid.height + tileSize[1] - 1) / tileSize[1]
        guard Double(columns) * Double(rows) <= Double(TilePlanner.maximumTiles) else {
            return "its tile size \(tileSize[0]) x \(tileSize[1]) makes \(columns) x \(rows) tiles of its grid; at most \(TilePlanner.maximumTiles)"
        }
        guard tiles.count == columns * rows else {
            return "it lists \(tiles.count) tile\(tiles.count == 1 ? "" : "s"), but its grid of \(grid.width) x \(grid.height) pixels in tiles of "
                + "\(tileSize[0]) x \(tileSize[1]) makes \(columns * rows)"
        }
        let expected = Window.tiles(width: grid.width, height: grid.height, tileWidth: tileSize[0], tileHeight: tileSize[1])
        for (position, (tile, window)) in zip(tiles, expected).enumerated() {
            guard tile.index == position else { return "its tile at position \(position) is numbered \(tile.index)" }
            guard tile.window == window else {
                return "tile \(position)'s window (\(tile.window)) is not its place in the grid of \(grid.width) x \(grid.height) pixels "
                    + "in tiles of \(tileSize[0]) x \(tileSize[1]) (\(window))"
            }
        }
        return nil
    }

    /// Checks that a job's grid is the plan's grid and its inputs are those
    /// the plan was made from (same size and header).
    public func check(grid other: Grid, planPath: String) throws {
        if let diff = grid.grid.difference(from: other) {
            throw KubuqiError(.input, "\(planPath): the plan's grid is not the inputs' grid: \(diff)")
        }
        for input in inputs {
            if let diff = input.difference() {
                throw KubuqiError.input(input.path, "not the file the plan \(planPath) was made from: \(diff)")
            }
        }
    }
}

/// Deterministic JSON: pretty, sorted keys, unescaped slashes.
enum TileJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value) + Data("\n".utf8)
    }

    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let data = try InputFile.read(path)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(type, from: data) } catch {
            throw KubuqiError.input(path, "cannot be read (\(error))")
        }
    }
}
