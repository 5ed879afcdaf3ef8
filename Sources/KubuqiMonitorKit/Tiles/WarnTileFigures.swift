import KubuqiRaster

/// `warn`'s mergeable figures of one tile: the exact area sums per alert
/// level and the metric's area-weighted sums per history step, per zone and
/// over the whole tile (``WarnTally``). Merged, they are the region's sums
/// bit for bit (``ExactSum``), which the merge turns into zones.csv and the
/// bulletin's shares; the hotspots are found at the merge on the whole map.
public struct WarnTileFigures: TileFigures {
    public static let kind = "warn"

    /// One zone's sums.
    struct Zone: Codable, Sendable {
        var key: WarnTally.Key
        var sums: WarnTally.Sums
    }

    /// By zone key, sorted.
    var zones: [Zone]

    init(_ sums: [WarnTally.Key: WarnTally.Sums]) {
        zones = sums.keys.sorted().map { Zone(key: $0, sums: sums[$0]!) }
    }

    /// The sums by zone key.
    var sums: [WarnTally.Key: WarnTally.Sums] {
        Dictionary(uniqueKeysWithValues: zones.map { ($0.key, $0.sums) })
    }

    /// Adds another tile's sums, zone by zone.
    public mutating func merge(_ other: WarnTileFigures) throws {
        var all = sums
        for z in other.zones {
            if all[z.key] == nil { all[z.key] = z.sums } else { try all[z.key]!.merge(z.sums) }
        }
        self = WarnTileFigures(all)
    }
}
