/// The soil organic carbon (SOC) sub-indicator: the SOC stock after a land
/// cover transition, estimated from a baseline stock with IPCC stock change
/// factors, and its percent change.
///
/// Following the Tier 1 approach of the IPCC 2006 Guidelines (Vol. 4, Ch. 2,
/// Eq. 2.25) as Trends.Earth implements it (`te_algorithms/gee/soc.py`):
/// a transition from class i to class j multiplies the stock by the factor
/// F = F_LU(i → j) × F_MG × F_I (management and input factors are 1, since
/// they are not mapped), reached linearly over D = 20 years:
///
///     SOC(t) = SOC₀ · (1 − min(t, D) / D · (1 − F))
///     change = (SOC(t) − SOC₀) / SOC₀ · 100 %
///
/// The transition is taken to happen at the start of the period (only the
/// baseline and target maps are known). A change of −10 % or less is
/// degraded, +10 % or more improved, anything between stable — the
/// thresholds of Trends.Earth's `calc_deg_soc`/`recode_deg_soc`
/// (`land_deg_numba.py`), where exactly ±10 % counts as a change. The
/// comparison is made in exact fractions (`exactStatus`), in which the stock
/// cancels: a change of exactly −10 % is degraded whatever the stock. Pixels that
/// are water in the baseline are nodata (Trends.Earth does not count SOC in
/// water).
///
/// ## The default factor matrix (the only copy in the sources)
///
/// Trends.Earth's `soc_change_factor_for_land_use` (rows from, columns to;
/// f = `SOCClimateZone.croplandFactor`):
///
/// | from \ to | Tree | Grass | Crop | Wetland | Artificial | Other | Water |
/// |---|---|---|---|---|---|---|---|
/// | Tree-covered | 1 | 1 | f | 1 | 0.1 | 0.1 | 1 |
/// | Grassland | 1 | 1 | f | 1 | 0.1 | 0.1 | 1 |
/// | Cropland | 1/f | 1/f | 1 | 1/0.71 | 0.1 | 0.1 | 1 |
/// | Wetland | 1 | 1 | 0.71 | 1 | 0.1 | 0.1 | 1 |
/// | Artificial | 2 | 2 | 2 | 2 | 1 | 1 | 1 |
/// | Other land | 2 | 2 | 2 | 2 | 1 | 1 | 1 |
/// | Water body | 1 | 1 | 1 | 1 | 1 | 1 | 1 |
public struct SoilOrganicCarbon: Sendable, Hashable, Codable {
    /// Source of the defaults, for reports and metadata.
    public static let citation =
        "IPCC 2006 Vol. 4 Ch. 5 Table 5.5 (F_LU, long-term cultivated); factor matrix, 20-year "
        + "transition and +-10 % thresholds of Trends.Earth te_algorithms soc.py / land_deg_numba.py"

    /// The 49 factors, row-major: index `(from − 1) * 7 + (to − 1)`.
    public let factors: [SOCFactor]
    /// Years over which a transition's full effect is reached (D).
    public var transitionYears: Double
    /// Changes of at least this percentage (in magnitude) are degraded or improved.
    public var thresholdPercent: Double
    /// Whether pixels that are water in the baseline are nodata.
    public var excludeWater: Bool

    /// The Trends.Earth matrix, D = 20 years, ±10 %.
    public static let trendsEarth = SoilOrganicCarbon(factors: [
        // to: tree, grass, crop, wetland, artificial, other, water
        .constant(1), .constant(1), .cropland, .constant(1), .constant(0.1), .constant(0.1), .constant(1),
        .constant(1), .constant(1), .cropland, .constant(1), .constant(0.1), .constant(0.1), .constant(1),
        .inverseCropland, .inverseCropland, .constant(1), .inverseConstant(0.71), .constant(0.1), .constant(0.1), .constant(1),
        .constant(1), .constant(1), .constant(0.71), .constant(1), .constant(0.1), .constant(0.1), .constant(1),
        .constant(2), .constant(2), .constant(2), .constant(2), .constant(1), .constant(1), .constant(1),
        .constant(2), .constant(2), .constant(2), .constant(2), .constant(1), .constant(1), .constant(1),
        .constant(1), .constant(1), .constant(1), .constant(1), .constant(1), .constant(1), .constant(1),
    ])

    /// A model with 49 factors (row-major, from × to).
    public init(factors: [SOCFactor], transitionYears: Double = 20, thresholdPercent: Double = 10, excludeWater: Bool = true) {
        precondition(factors.count == 49, "49 factors")
        precondition(transitionYears > 0 && thresholdPercent > 0)
        self.factors = factors
        self.transitionYears = transitionYears
        self.thresholdPercent = thresholdPercent
        self.excludeWater = excludeWater
    }

    /// This model with some factors changed: `changes[from][to] = factor`.
    public func overriding(_ changes: [Int16: [Int16: SOCFactor]]) -> SoilOrganicCarbon {
        var f = factors
        for (from, row) in changes {
            for (to, factor) in row {
                precondition((1...7).contains(from) && (1...7).contains(to), "classes 1...7")
                f[Int(from - 1) * 7 + Int(to - 1)] = factor
            }
        }
        return SoilOrganicCarbon(factors: f, transitionYears: transitionYears, thresholdPercent: thresholdPercent,
                                 excludeWater: excludeWater)
    }

    /// The stock change factor of `from` → `to` (classes 1...7) in a climate;
    /// nil when either class is not 1...7.
    public func factor(from: Int16, to: Int16, climate: SOCClimateZone) -> Double? {
        guard (1...7).contains(from), (1...7).contains(to) else { return nil }
        return factors[Int(from - 1) * 7 + Int(to - 1)].value(in: climate)
    }

    /// The stock `years` after the transition `from` → `to`; nil when a class
    /// is not 1...7 or the baseline stock is not a positive number.
    public func stock(initial: Double, from: Int16, to: Int16, years: Double, climate: SOCClimateZone) -> Double? {
        guard initial.isFinite, initial > 0, let f = factor(from: from, to: to, climate: climate) else { return nil }
        let progress = min(max(years, 0), transitionYears) / transitionYears
        return initial * (1 - progress * (1 - f))
    }

    /// The status of the transition `from` → `to` after `years`, decided in
    /// exact arithmetic: the stock cancels out of the percent change,
    /// 100 · min(years, D)/D · (F − 1), which is compared with ±`thresholdPercent`
    /// as fractions of the decimals F, D and the threshold are written with,
    /// so that exactly −10 % is degraded for every stock value. Nil when a
    /// class is not 1...7 or a parameter is not a finite decimal.
    public func exactStatus(from: Int16, to: Int16, years: Double, climate: SOCClimateZone) -> Int16? {
        guard (1...7).contains(from), (1...7).contains(to),
              let f = factors[Int(from - 1) * 7 + Int(to - 1)].exactValue(in: climate),
              let d = Rational(decimal: transitionYears), let y = Rational(decimal: min(max(years, 0), transitionYears)),
              let t = Rational(decimal: thresholdPercent) else { return nil }
        let percent = Rational(100) * (y / d) * (f - Rational(1))
        if percent <= -t { return DegradationStatus.degraded.rawValue }
        if percent >= t { return DegradationStatus.improved.rawValue }
        return DegradationStatus.stable.rawValue
    }

    /// The status of a percent change: −1, 0 or 1 (nodata when not finite).
    public func status(percentChange pc: Double) -> Int16 {
        guard pc.isFinite else { return DegradationStatus.nodata }
        if pc <= -thresholdPercent { return DegradationStatus.degraded.rawValue }
        if pc >= thresholdPercent { return DegradationStatus.improved.rawValue }
        return DegradationStatus.stable.rawValue
    }

    /// Computes every pixel of a window (through ``SOCTransitions``: a caller running many windows with the
    /// same years builds that table once and runs it).
    ///
    /// - Parameters:
    ///   - initialStock: baseline SOC stock (any unit, e.g. t C/ha for 0–30 cm);
    ///     NaN, `stockNodata` and values ≤ 0 give nodata.
    ///   - initialLandCover, finalLandCover: UNCCD classes 1...7 of the
    ///     baseline and target years (anything else gives nodata).
    ///   - years: years between baseline and target.
    ///   - climate: the climate of every pixel, unless `climateZoneCodes` is
    ///     given: one IPCC zone code per pixel (see `SOCClimateZone.init(ipccZoneCode:)`;
    ///     unknown codes give nodata).
    ///   - finalStock: estimated stock at the target year (NaN for nodata); may be nil.
    ///   - percentChange: change in % (NaN for nodata); may be nil.
    ///   - status: −1/0/1 or nodata.
    public func run(
        initialStock: UnsafeBufferPointer<Float>, stockNodata: Float? = nil,
        initialLandCover: UnsafeBufferPointer<Int16>, finalLandCover: UnsafeBufferPointer<Int16>, years: Double,
        climate: SOCClimateZone = .temperateDry, climateZoneCodes: UnsafeBufferPointer<Int16>? = nil,
        finalStock: UnsafeMutableBufferPointer<Float>? = nil, percentChange: UnsafeMutableBufferPointer<Float>? = nil,
        status: UnsafeMutableBufferPointer<Int16>
    ) {
        SOCTransitions(self, years: years).run(initialStock: initialStock, stockNodata: stockNodata, initialLandCover: initialLandCover,
                                               finalLandCover: finalLandCover, climate: climate, climateZoneCodes: climateZoneCodes,
                                               finalStock: finalStock, percentChange: percentChange, status: status)
    }
}
