import KubuqiIndicators

/// One assessment period of the LDN run and the inputs chosen for it.
struct LDNPeriod: Sendable {
    /// `baseline` or `reporting-2016-2019`.
    let name: String
    /// The years.
    let years: ClosedRange<Int>
    /// True for the baseline period.
    let isBaseline: Bool
    /// Land-cover map years used as the start and the end of the period.
    let landCoverStart: Int
    let landCoverEnd: Int
    /// The land-cover map year of performance's land units (`[productivity] land_units`).
    var landUnitsYear: Int
    /// The analysis windows of the productivity metrics (docs/ldn-method.md, "Analysis windows").
    var windows: LDNWindows

    /// Every productivity year the period reads.
    var productivityYears: [Int] {
        Array(Set(Array(windows.trajectory) + Array(windows.performance) + Array(windows.stateBaseline) + Array(windows.stateRecent))).sorted()
    }

    /// The layers written for a period, in output order.
    enum Layer: Int, CaseIterable {
        case trajectory, state, performance, lpd, productivity, landCover, soc, sdg, comparison
        /// `[climate]` (docs/climate.md): the plain trend's trajectory class, the decline explained by
        /// rainfall, and RESTREND's per-pixel fallback flag.
        case plainTrajectory, rainfallExplained, climateFallback

        /// File name stem.
        var file: String {
            ["trajectory", "state", "performance", "lpd", "productivity-status", "landcover-status", "soc-status",
             "sdg-15-3-1", "status-vs-baseline", "trajectory-uncorrected", "decline-explained-by-rainfall", "restrend-fallback"][rawValue]
        }

        /// Whether the layer is one of `[climate]`'s.
        var isClimate: Bool { [.plainTrajectory, .rainfallExplained, .climateFallback].contains(self) }

        /// The layers a period writes.
        static func written(isBaseline: Bool, externalLPD: Bool, climate: ClimateCorrection?) -> [Layer] {
            var layers = allCases.filter { ($0 != .comparison || !isBaseline) && !$0.isClimate }
            if externalLPD { layers.removeAll { [.trajectory, .state, .performance].contains($0) } }
            if let climate, !externalLPD {
                layers += [.plainTrajectory, .rainfallExplained] + (climate.method == .rue ? [] : [.climateFallback])
            }
            return layers
        }

        /// Band description.
        var title: String {
            ["productivity trajectory class (-3..3)", "productivity state (-1, 0, 1)", "productivity performance (-1, 0)",
             "land productivity dynamics (1 declining .. 5 increasing)", "land productivity sub-indicator (-1, 0, 1)",
             "land cover sub-indicator (-1, 0, 1)", "soil organic carbon sub-indicator (-1, 0, 1)",
             "SDG 15.3.1 one-out-all-out (-1 degraded, 0 stable, 1 improved)",
             "status vs baseline (GPG v2 addendum, 1..7)",
             "productivity trajectory class of the uncorrected trend (-3..3)",
             "decline explained by rainfall (1: the uncorrected trend declines at 95 %, the climate-corrected one does not; 0: otherwise)",
             "RESTREND fallback (1: productivity-precipitation fit not significant, plain trend used; 0: residual trend)"][rawValue]
        }
    }

    /// The land-cover map year to use for `year`: the latest map not after it, else the earliest map.
    static func mapYear(for year: Int, in maps: [Int]) -> Int {
        maps.filter { $0 <= year }.max() ?? maps.min()!
    }
}

/// Legends of the LDN layers (value, name, colour), for the rasters' attribute tables and the report.
enum LDNLegend {
    static let status: [ClassLegend.Entry] = [
        .init(value: -1, name: "degraded", rgb: (171, 35, 40)), .init(value: 0, name: "stable", rgb: (246, 240, 211)),
        .init(value: 1, name: "improved", rgb: (69, 133, 48))]
    static let lpd: [ClassLegend.Entry] = [
        .init(value: 1, name: "declining", rgb: (171, 35, 40)), .init(value: 2, name: "early signs of decline", rgb: (237, 125, 70)),
        .init(value: 3, name: "stable but stressed", rgb: (255, 225, 120)), .init(value: 4, name: "stable", rgb: (190, 220, 160)),
        .init(value: 5, name: "increasing", rgb: (69, 133, 48))]
    static let trajectory: [ClassLegend.Entry] = (-3...3).map { v in
        let names = [-3: "decline, 99 % significant", -2: "decline, 95 %", -1: "decline, 90 %", 0: "no significant trend",
                     1: "increase, 90 %", 2: "increase, 95 %", 3: "increase, 99 %"]
        let colors: [Int: (UInt8, UInt8, UInt8)] = [-3: (140, 20, 25), -2: (200, 60, 50), -1: (240, 150, 120), 0: (240, 240, 225),
                                                    1: (180, 220, 160), 2: (100, 170, 80), 3: (30, 110, 40)]
        return .init(value: v, name: names[v]!, rgb: colors[v]!)
    }
    static let comparison: [ClassLegend.Entry] = [
        .init(value: 1, name: "persistent degradation", rgb: (120, 0, 20)), .init(value: 2, name: "recent degradation", rgb: (220, 60, 50)),
        .init(value: 3, name: "baseline degradation, now stable", rgb: (240, 160, 110)), .init(value: 4, name: "stable", rgb: (246, 240, 211)),
        .init(value: 5, name: "baseline improvement, now stable", rgb: (190, 220, 160)), .init(value: 6, name: "recent improvement", rgb: (100, 170, 80)),
        .init(value: 7, name: "persistent improvement", rgb: (30, 110, 40))]

    static let rainfallExplained: [ClassLegend.Entry] = [
        .init(value: 0, name: "not a decline explained by rainfall", rgb: (240, 240, 225)),
        .init(value: 1, name: "decline explained by rainfall", rgb: (70, 130, 200))]
    static let climateFallback: [ClassLegend.Entry] = [
        .init(value: 0, name: "residual trend (fit significant)", rgb: (240, 240, 225)),
        .init(value: 1, name: "plain trend (fit not significant)", rgb: (200, 160, 60))]

    static func entries(_ layer: LDNPeriod.Layer) -> [ClassLegend.Entry] {
        switch layer {
        case .trajectory, .plainTrajectory: return trajectory
        case .rainfallExplained: return rainfallExplained
        case .climateFallback: return climateFallback
        case .lpd: return lpd
        case .comparison: return comparison
        case .performance: return Array(status.prefix(2))
        default: return status
        }
    }
}
