/// The mergeable figures of one tile of a tiled command (or, merged, of the
/// whole region): the per-command data half of the tiling protocol
/// (docs/scale-out.md, "Adding a command").
///
/// A tile's figures are written under the key ``kind`` of its `tile.json`,
/// the stats pass's merged figures under the same key of `reduced.json`.
/// Merging must be exact and associative (integer counts, exact sums), so the
/// region's figures do not depend on the split or the merge order.
public protocol TileFigures: Codable, Sendable {
    /// The command's name (`index`, `change`, `ldn`, `stack`): the job kind in
    /// the manifests and the key of its figures there.
    static var kind: String { get }
    /// Adds another tile's figures; an input error when they cannot belong to one job.
    mutating func merge(_ other: Self) throws
}

extension TileFigures {
    /// The figures of `list` merged in order; nil when the list is empty.
    public static func merged(_ list: [Self]) throws -> Self? {
        guard var out = list.first else { return nil }
        for f in list.dropFirst() { try out.merge(f) }
        return out
    }
}

/// Every tiled command's figures type, found by its kind when a manifest or
/// `reduced.json` is read. A command joining the tiling mechanism adds its
/// type here (one line).
public enum TiledKinds {
    /// The registered figures types.
    public static let all: [any TileFigures.Type] = [
        IndexTileFigures.self, ChangeTileFigures.self, LDNTileFigures.self, StackTileFigures.self,
        WarnTileFigures.self,
    ]

    /// The figures type of `kind`, nil when no command registered it.
    public static func figures(_ kind: String) -> (any TileFigures.Type)? {
        all.first { $0.kind == kind }
    }
}

/// A JSON key chosen at run time (the figures' kind).
struct FiguresKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where K == FiguresKey {
    /// Encodes `figures` (of any tiled command) under its kind.
    mutating func encodeFigures(_ figures: (any TileFigures)?) throws {
        guard let figures else { return }
        try encodeOne(figures)
    }

    private mutating func encodeOne<F: TileFigures>(_ f: F) throws {
        try encode(f, forKey: FiguresKey(F.kind))
    }
}

extension KeyedDecodingContainer where K == FiguresKey {
    /// The figures stored under `kind`, decoded as the registered type; nil when absent.
    func decodeFigures(kind: String) throws -> (any TileFigures)? {
        guard let type = TiledKinds.figures(kind) else { return nil }
        return try decodeOne(type, kind: kind)
    }

    private func decodeOne<F: TileFigures>(_ type: F.Type, kind: String) throws -> (any TileFigures)? {
        try decodeIfPresent(F.self, forKey: FiguresKey(kind))
    }
}
