import KubuqiRaster

/// The synthetic study area: a 256 x 256 grid of 30 m pixels in UTM zone 49N
/// (EPSG:32649) whose land types, planted change patches, cloud and texture
/// all follow from one seed. The grid's upper-left corner lies at about
/// 40.30 N, 108.60 E, on the northern edge of the Kubuqi desert (Landsat
/// WRS-2 path 128, row 32).
///
/// Layout (rows from the top, columns from the left):
/// - rows 4-59, columns 4-147: 32 fields of 13 x 17 pixels between one-pixel farm tracks;
/// - rows 60-61 under the fields: a mature poplar shelterbelt;
/// - a reservoir (disc of radius 20 around row 34, column 206) and a village
///   (rows 20-31, columns 156-173);
/// - steppe down to a wavy edge between rows 143 and 153, with the degradation
///   patches and the stressed region;
/// - dunes below the edge, with the restoration patches.
///
/// Patch positions, the dune edge, the cloud position, field vigour and
/// texture are drawn from the seed inside fixed slots, so every seed gives a
/// valid layout with the same patch sizes.
public struct StudyArea: Sendable {
    /// Width of the grid in pixels.
    public static let width = 256
    /// Height of the grid in pixels.
    public static let height = 256
    /// Pixel size in metres.
    public static let pixelSize = 30.0
    /// EPSG code of the CRS (WGS 84 / UTM zone 49N).
    public static let epsg = 32649
    /// X of the grid's upper-left corner (outer edge of the first pixel), metres.
    public static let originX = 296_040.0
    /// Y of the grid's upper-left corner (outer edge of the first pixel), metres.
    public static let originY = 4_463_820.0
    /// The grid's geotransform.
    public static let geoTransform = GeoTransform([originX, pixelSize, 0, originY, 0, -pixelSize])
    /// Hectares per pixel (30 m x 30 m = 0.09 ha).
    public static let hectaresPerPixel = 0.09
    /// First year of the annual NDVI stack and of the land-cover baseline.
    public static let firstYear = 2000
    /// Last year of the annual NDVI stack and of the recent land-cover map.
    public static let lastYear = 2024
    /// Last year before the planted changes begin (the earlier Landsat scene's year).
    public static let changeStartYear = 2013
    /// First year the planted changes are complete (the later Landsat scene's year).
    public static let changeEndYear = 2023
    /// The seed the committed `Fixtures/` folder was generated with.
    public static let defaultSeed: UInt64 = 20_130_815

    /// The seed everything was drawn from.
    public let seed: UInt64
    /// Land type of every pixel in 2000-2013.
    public let before: PixelPlane<LandType>
    /// Land type of every pixel in 2023-2024.
    public let after: PixelPlane<LandType>
    /// Local variation of every pixel (0...1), the same at every date.
    public let texture: PixelPlane<Double>
    /// The planted patches: degradation, restoration and the stressed region, by id.
    public let patches: [PlantedPatch]
    /// The id of the patch covering each pixel, 0 outside every patch.
    public let patchIDs: PixelPlane<UInt8>
    /// The cloud of the later Landsat scene.
    public let cloud: CloudPlan
    /// For each column, the first row of the dunes.
    public let duneEdge: [Int]

    /// Rows of the reservoir centre, its column and its radius.
    static let reservoir = (row: 34, column: 206, radius: 20)
    /// The village: rows and columns (inclusive).
    static let village = (top: 20, left: 156, bottom: 31, right: 173)
    /// The fields: first row, first column, field rows, field columns, and the
    /// pitch (field plus track) in rows and columns.
    static let fields = (top: 4, left: 4, rows: 4, columns: 8, rowPitch: 14, columnPitch: 18)
    /// The shelterbelt rows under the fields.
    static let shelterbeltRows = 60...61
    /// Range of the dune edge row.
    static let duneEdgeRange = 143...153

    /// One planted patch's slot: its shape and the rows and columns its
    /// bounding box's top-left pixel may take.
    private struct Slot {
        var name: String, kind: PatchKind, shape: PatchShape
        var rows: ClosedRange<Int>, columns: ClosedRange<Int>
        var before: LandType, after: LandType
    }

    private static let slots: [Slot] = [
        Slot(name: "D1", kind: .degradation, shape: .rectangle(width: 24, height: 25), rows: 108...114, columns: 4...30,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D2", kind: .degradation, shape: .disc(radius: 12), rows: 70...78, columns: 60...80,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D3", kind: .degradation, shape: .rectangle(width: 10, height: 8), rows: 106...126, columns: 62...86,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D4", kind: .degradation, shape: .disc(radius: 4), rows: 70...90, columns: 112...126,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D5", kind: .degradation, shape: .rectangle(width: 3, height: 3), rows: 106...118, columns: 104...122,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D6", kind: .degradation, shape: .rectangle(width: 2, height: 2), rows: 126...136, columns: 104...122,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "D7", kind: .degradation, shape: .rectangle(width: 5, height: 5), rows: 70...92, columns: 144...168,
             before: .steppe, after: .degradedSteppe),
        Slot(name: "R1", kind: .restoration, shape: .rectangle(width: 40, height: 15), rows: 158...170, columns: 10...40,
             before: .duneSand, after: .treePlantation),
        Slot(name: "R2", kind: .restoration, shape: .disc(radius: 13), rows: 158...172, columns: 92...120,
             before: .duneSand, after: .shrubPlanting),
        Slot(name: "R3", kind: .restoration, shape: .rectangle(width: 60, height: 4), rows: 206...214, columns: 10...40,
             before: .duneSand, after: .treePlantation),
        Slot(name: "R4", kind: .restoration, shape: .disc(radius: 5), rows: 160...180, columns: 162...190,
             before: .duneSand, after: .shrubPlanting),
        Slot(name: "R5", kind: .restoration, shape: .rectangle(width: 3, height: 3), rows: 228...240, columns: 110...130,
             before: .duneSand, after: .treePlantation),
        Slot(name: "R6", kind: .restoration, shape: .rectangle(width: 2, height: 2), rows: 228...240, columns: 150...175,
             before: .duneSand, after: .treePlantation),
        Slot(name: "R7", kind: .restoration, shape: .rectangle(width: 5, height: 5), rows: 200...215, columns: 205...240,
             before: .duneSand, after: .treePlantation),
        Slot(name: "R8", kind: .restoration, shape: .rectangle(width: 3, height: 40), rows: 196...206, columns: 180...195,
             before: .duneSand, after: .treePlantation),
        Slot(name: "S1", kind: .stressed, shape: .rectangle(width: 40, height: 30), rows: 66...70, columns: 4...10,
             before: .stressedSteppe, after: .stressedSteppe),
    ]

    /// Builds the study area of `seed`.
    public init(seed: UInt64 = StudyArea.defaultSeed) {
        self.seed = seed
        let w = Self.width, h = Self.height
        var random = FixtureRandom.stream(seed: seed, salt: 1)

        // The wavy edge of the dunes: a bounded random walk along the columns.
        var edge: [Int] = []
        var b = (Self.duneEdgeRange.lowerBound + Self.duneEdgeRange.upperBound) / 2
        for _ in 0..<w {
            b = min(max(b + random.integer(in: -1...1), Self.duneEdgeRange.lowerBound), Self.duneEdgeRange.upperBound)
            edge.append(b)
        }
        duneEdge = edge

        // The base map (2000-2013) without the patches.
        let base = PixelPlane<LandType>(width: w, height: h) { r, c in Self.baseType(row: r, column: c, duneEdge: edge) }

        // Patches, each at a random place inside its slot.
        var placed: [PlantedPatch] = []
        for (i, s) in Self.slots.enumerated() {
            placed.append(PlantedPatch(id: i + 1, name: s.name, kind: s.kind, shape: s.shape,
                                       row: random.integer(in: s.rows), column: random.integer(in: s.columns),
                                       before: s.before, after: s.after))
        }
        patches = placed
        cloud = CloudPlan(row: random.integer(in: 112...124), column: random.integer(in: 212...232))

        var ids = PixelPlane<UInt8>(width: w, height: h, repeating: 0)
        var before = base, after = base
        for p in placed {
            for r in p.bounds.row..<(p.bounds.row + p.bounds.height) {
                for c in p.bounds.column..<(p.bounds.column + p.bounds.width) where p.contains(row: r, column: c) {
                    ids[r, c] = UInt8(p.id)
                    before[r, c] = p.before
                    after[r, c] = p.after
                }
            }
        }
        patchIDs = ids
        self.before = before
        self.after = after

        // Texture: dune ridges, smooth steppe variation, one vigour per field.
        let phase = random.unit()
        let fieldVigour = (0..<(Self.fields.rows * Self.fields.columns)).map { _ in random.unit() }
        let smooth = SmoothNoise(width: w, height: h, spacing: 16, random: &random)
        let fine = SmoothNoise(width: w, height: h, spacing: 6, random: &random)
        texture = PixelPlane<Double>(width: w, height: h) { r, c in
            switch base[r, c] {
            case .duneSand:
                // Ridges running WNW-ESE about 17 pixels (500 m) apart; 1 on the crest.
                let x = (Double(c) * 0.6 + Double(r) * 0.8) / 17 + phase
                let t = x - x.rounded(.down)
                return 0.8 * abs(2 * t - 1) + 0.2 * fine.value(row: r, column: c)
            case .cropland:
                let f = Self.fields
                let index = ((r - f.top) / f.rowPitch) * f.columns + (c - f.left) / f.columnPitch
                return 0.85 * fieldVigour[index] + 0.15 * fine.value(row: r, column: c)
            default:
                return 0.75 * smooth.value(row: r, column: c) + 0.25 * fine.value(row: r, column: c)
            }
        }

        let problems = layoutProblems(base: base)
        precondition(problems.isEmpty, "fixture layout of seed \(seed) is invalid: \(problems.joined(separator: "; "))")
    }

    /// The land type of (`row`, `column`) before any patch is planted.
    private static func baseType(row r: Int, column c: Int, duneEdge: [Int]) -> LandType {
        if r >= duneEdge[c] { return .duneSand }
        let f = fields
        let fieldBottom = f.top + f.rows * f.rowPitch - 1, fieldRight = f.left + f.columns * f.columnPitch - 1
        if (f.top...fieldBottom).contains(r) && (f.left...fieldRight).contains(c) {
            let inRow = (r - f.top) % f.rowPitch, inColumn = (c - f.left) % f.columnPitch
            return inRow == f.rowPitch - 1 || inColumn == f.columnPitch - 1 ? .farmTrack : .cropland
        }
        if shelterbeltRows.contains(r) && (f.left...fieldRight).contains(c) { return .shelterbelt }
        let dy = r - reservoir.row, dx = c - reservoir.column
        if dx * dx + dy * dy <= reservoir.radius * reservoir.radius { return .water }
        if (village.top...village.bottom).contains(r) && (village.left...village.right).contains(c) { return .settlement }
        return .steppe
    }

    /// Everything wrong with the layout (empty when valid): a patch off its
    /// land type, two patches closer than 3 pixels, a cloud over a patch or off
    /// the steppe, a patch in the fill corner.
    private func layoutProblems(base: PixelPlane<LandType>) -> [String] {
        var problems: [String] = []
        let margin = 3
        for p in patches {
            let b = p.bounds
            if b.row < 0 || b.column < 0 || b.row + b.height > Self.height || b.column + b.width > Self.width {
                problems.append("\(p.name) leaves the grid")
                continue
            }
            for r in b.row..<(b.row + b.height) {
                for c in b.column..<(b.column + b.width) where p.contains(row: r, column: c) {
                    let expected: LandType = p.kind == .restoration ? .duneSand : .steppe
                    if base[r, c] != expected { problems.append("\(p.name) covers \(base[r, c]) at \(r),\(c)") }
                    if Self.isScanEdgeFill(row: r, column: c) { problems.append("\(p.name) is in the fill corner") }
                }
            }
            // Margins around patches, and the stressed region's own margin to the edge of the steppe.
            for r in (b.row - margin)..<(b.row + b.height + margin) {
                for c in (b.column - margin)..<(b.column + b.width + margin) where base.contains(row: r, column: c) {
                    if cloud.pixel(row: r, column: c) != .clear { problems.append("cloud within \(margin) px of \(p.name)") }
                }
            }
        }
        for (i, p) in patches.enumerated() {
            for q in patches[(i + 1)...] {
                let a = p.bounds, b = q.bounds
                if a.column < b.column + b.width + margin && b.column < a.column + a.width + margin
                    && a.row < b.row + b.height + margin && b.row < a.row + a.height + margin {
                    problems.append("\(p.name) and \(q.name) are closer than \(margin) px")
                }
            }
        }
        let f = cloud.footprint
        for r in f.top...f.bottom {
            for c in f.left...f.right where base.contains(row: r, column: c) {
                if cloud.pixel(row: r, column: c) != .clear && base[r, c] != .steppe {
                    problems.append("cloud over \(base[r, c]) at \(r),\(c)")
                }
            }
        }
        if f.top < 0 || f.left < 0 || f.bottom >= Self.height || f.right >= Self.width { problems.append("cloud leaves the grid") }
        return Array(Set(problems)).sorted()
    }

    /// Whether (`row`, `column`) is fill (no data) in the later Landsat scene:
    /// a small staircase at the west edge of the bottom rows, as where a
    /// scene's tilted swath edge cuts the grid.
    public static func isScanEdgeFill(row: Int, column: Int) -> Bool {
        row >= 232 && column < (row - 228) / 4
    }

    /// How far the planted changes have gone in `year`: 0 up to 2013, rising
    /// linearly to 1 in 2023, 1 after.
    public static func changeProgress(year: Int) -> Double {
        if year <= changeStartYear { return 0 }
        if year >= changeEndYear { return 1 }
        return Double(year - changeStartYear) / Double(changeEndYear - changeStartYear)
    }

    /// The endmember mix of (`row`, `column`) when the planted change has gone `progress` (0...1) of the way.
    public func composition(row: Int, column: Int, progress: Double) -> Composition {
        let t = texture[row, column]
        let a = before[row, column], b = after[row, column]
        let start = a.composition(texture: t)
        if a == b || progress == 0 { return start }
        let end = b.composition(texture: t)
        return progress == 1 ? end : start.interpolated(to: end, progress: progress)
    }

    /// The patch with `id`, nil when there is none.
    public func patch(id: Int) -> PlantedPatch? { patches.first { $0.id == id } }

    /// Map x of the centre of `column`.
    public static func centreX(column: Int) -> Double { originX + (Double(column) + 0.5) * pixelSize }
    /// Map y of the centre of `row`.
    public static func centreY(row: Int) -> Double { originY - (Double(row) + 0.5) * pixelSize }
}
