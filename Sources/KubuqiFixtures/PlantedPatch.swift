import KubuqiRaster

/// One planted patch: a simple shape at a known place with a known change.
public struct PlantedPatch: Sendable, Hashable {
    /// Identifier, 1-based, as in `truth/patch_ids.tif` and `truth/patches.csv`.
    public var id: Int
    /// A short name: `D1`.. for degradation, `R1`.. for restoration, `S1` for stressed.
    public var name: String
    /// Why the patch was planted.
    public var kind: PatchKind
    /// The shape.
    public var shape: PatchShape
    /// The bounding box in pixels (column, row of the top-left pixel; width, height).
    public var bounds: Window
    /// Land type of the patch in 2000-2013.
    public var before: LandType
    /// Land type of the patch in 2023-2024.
    public var after: LandType

    /// A patch of `shape` whose bounding box starts at (`row`, `column`).
    public init(id: Int, name: String, kind: PatchKind, shape: PatchShape, row: Int, column: Int,
                before: LandType, after: LandType) {
        self.id = id
        self.name = name
        self.kind = kind
        self.shape = shape
        self.bounds = Window(column: column, row: row, width: shape.width, height: shape.height)
        self.before = before
        self.after = after
    }

    /// Whether the pixel (`row`, `column`) of the study area is in the patch.
    public func contains(row: Int, column: Int) -> Bool {
        shape.contains(dx: column - bounds.column, dy: row - bounds.row)
    }

    /// Number of pixels in the patch.
    public var pixelCount: Int { shape.pixelCount }

    /// Area in hundredths of a hectare (a 30 m pixel is 0.09 ha = 9 hundredths), exact.
    public var hectareHundredths: Int { pixelCount * 9 }

    /// Area in hectares (0.09 ha per pixel).
    public var hectares: Double { Double(hectareHundredths) / 100 }
}
