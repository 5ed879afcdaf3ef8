import KubuqiIndicators
import KubuqiRaster

/// The mergeable figures of one tile of `ldn` (or, merged, of the region), per period.
public struct LDNTileFigures: TileFigures {
    /// `ldn`.
    public static let kind = "ldn"
    /// One period's figures.
    public struct Period: Sendable, Codable {
        /// `baseline` or `reporting-Y0-Y1`.
        public var name: String
        /// Mean productivity per land unit, for the performance maxima (stats pass).
        public var performance: PerformanceAccumulator?
        /// Productivity statistics per year (stats pass), keyed by the year.
        public var annual: [String: ExactStatistics]?
        /// Area tables per layer file stem (final pass).
        public var areas: [String: AreaTable]?
        /// With zones: area tables per layer file stem and zone, each zone with its full area (final pass).
        public var zoneAreas: [String: AreaTable]?
        /// Land-cover transitions (final pass).
        public var transitions: TransitionTable?
        /// The UNCCD reporting tables' figures (final pass).
        var unccd: UNCCDFigures?

        /// An empty period.
        public init(name: String) { self.name = name }

        /// Adds another tile's figures of the same period.
        mutating func merge(_ o: Period) {
            if let p = o.performance { var m = performance ?? PerformanceAccumulator(); m.merge(p); performance = m }
            if let a = o.annual {
                var m = annual ?? [:]
                for (y, s) in a { m[y, default: ExactStatistics()].merge(s) }
                annual = m
            }
            if let a = o.areas {
                var m = areas ?? [:]
                for (k, t) in a { m[k, default: AreaTable()].merge(t) }
                areas = m
            }
            if let a = o.zoneAreas {
                var m = zoneAreas ?? [:]
                for (k, t) in a { m[k, default: AreaTable()].merge(t) }
                zoneAreas = m
            }
            if let t = o.transitions { var m = transitions ?? TransitionTable(); m.merge(t); transitions = m }
            if let u = o.unccd { var m = unccd ?? UNCCDFigures(); m.merge(u); unccd = m }
        }
    }

    /// The periods, baseline first.
    public var periods: [Period]

    /// Adds another tile's figures.
    public mutating func merge(_ other: LDNTileFigures) throws {
        guard other.periods.map(\.name) == periods.map(\.name) else {
            throw KubuqiError(.input, "tiles disagree on the periods (\(periods.map(\.name)) vs \(other.periods.map(\.name)))")
        }
        for i in periods.indices { periods[i].merge(other.periods[i]) }
    }
}
