/// A SOC model's 49 transitions in each of the five climate zones for one number of years after the transition,
/// worked out once: each transition's stock multiplier 1 − min(years, D)/D · (1 − F) and its exact status
/// (``SoilOrganicCarbon/exactStatus(from:to:years:climate:)``), so that ``run(initialStock:stockNodata:initialLandCover:finalLandCover:climate:climateZoneCodes:finalStock:percentChange:status:)``
/// looks a pixel's transition up by index instead of deciding it in exact fractions per call and finding its
/// climate's row in a dictionary per pixel. Every value is the one ``SoilOrganicCarbon/stock(initial:from:to:years:climate:)``
/// and ``SoilOrganicCarbon/exactStatus(from:to:years:climate:)`` give, to the bit.
public struct SOCTransitions: Sendable {
    /// The model the table was worked out from.
    public let model: SoilOrganicCarbon
    /// Years between the baseline and target land cover.
    public let years: Double
    /// The stock multiplier of transition `from → to` in zone `z` at `z · 49 + (from − 1) · 7 + (to − 1)`.
    private let multipliers: [Double]
    /// The exact status at the same index; nil where a parameter is not a finite decimal (then the percent change decides).
    private let statuses: [Int16?]

    /// The table of `model` after `years`.
    public init(_ model: SoilOrganicCarbon, years: Double) {
        self.model = model
        self.years = years
        let progress = min(max(years, 0), model.transitionYears) / model.transitionYears
        var m = [Double](repeating: .nan, count: 5 * 49), s = [Int16?](repeating: nil, count: 5 * 49)
        for zone in SOCClimateZone.allCases {
            for from: Int16 in 1...7 {
                for to: Int16 in 1...7 {
                    let k = Self.index(zone, from, to)
                    m[k] = 1 - progress * (1 - model.factor(from: from, to: to, climate: zone)!)
                    s[k] = model.exactStatus(from: from, to: to, years: years, climate: zone)
                }
            }
        }
        multipliers = m
        statuses = s
    }

    /// The zone's row (its place in `SOCClimateZone.allCases`, which a test checks).
    @inline(__always) static func row(_ zone: SOCClimateZone) -> Int {
        switch zone {
        case .temperateDry: 0
        case .temperateMoist: 1
        case .tropicalDry: 2
        case .tropicalMoist: 3
        case .tropicalMontane: 4
        }
    }

    @inline(__always) static func index(_ zone: SOCClimateZone, _ from: Int16, _ to: Int16) -> Int {
        row(zone) * 49 + Int(from - 1) * 7 + Int(to - 1)
    }

    /// The stock `years` after `from → to` from `initial`; nil when a class is not 1...7 or the stock is not a
    /// positive number (``SoilOrganicCarbon/stock(initial:from:to:years:climate:)``).
    public func stock(initial: Double, from: Int16, to: Int16, climate: SOCClimateZone) -> Double? {
        guard initial.isFinite, initial > 0, (1...7).contains(from), (1...7).contains(to) else { return nil }
        return initial * multipliers[Self.index(climate, from, to)]
    }

    /// The exact status of `from → to` (``SoilOrganicCarbon/exactStatus(from:to:years:climate:)``); nil when a
    /// class is not 1...7 or a parameter is not a finite decimal.
    public func exactStatus(from: Int16, to: Int16, climate: SOCClimateZone) -> Int16? {
        guard (1...7).contains(from), (1...7).contains(to) else { return nil }
        return statuses[Self.index(climate, from, to)]
    }

    /// Computes every pixel of a window as ``SoilOrganicCarbon/run(initialStock:stockNodata:initialLandCover:finalLandCover:years:climate:climateZoneCodes:finalStock:percentChange:status:)``
    /// does with this table's years (the same parameters and results).
    public func run(
        initialStock: UnsafeBufferPointer<Float>, stockNodata: Float? = nil,
        initialLandCover: UnsafeBufferPointer<Int16>, finalLandCover: UnsafeBufferPointer<Int16>,
        climate: SOCClimateZone = .temperateDry, climateZoneCodes: UnsafeBufferPointer<Int16>? = nil,
        finalStock: UnsafeMutableBufferPointer<Float>? = nil, percentChange: UnsafeMutableBufferPointer<Float>? = nil,
        status: UnsafeMutableBufferPointer<Int16>
    ) {
        let n = status.count
        precondition(initialStock.count >= n && initialLandCover.count >= n && finalLandCover.count >= n
                     && (climateZoneCodes?.count ?? n) >= n && (finalStock?.count ?? n) >= n
                     && (percentChange?.count ?? n) >= n, "buffers are shorter than the output")
        let nd = stockNodata ?? .nan
        let water = LandCoverClass.water.rawValue, excludeWater = model.excludeWater
        let fixedRow = Self.row(climate) * 49
        multipliers.withUnsafeBufferPointer { mult in
            statuses.withUnsafeBufferPointer { exact in
                for i in 0..<n {
                    let row: Int
                    if let codes = climateZoneCodes {
                        guard let zone = SOCClimateZone(ipccZoneCode: Int(codes[i])) else { Self.nodata(i, finalStock, percentChange, status); continue }
                        row = Self.row(zone) * 49
                    } else {
                        row = fixedRow
                    }
                    let s0 = initialStock[i], from = initialLandCover[i], to = finalLandCover[i]
                    let initial = Double(s0)
                    guard s0 != nd, !(excludeWater && from == water), initial.isFinite, initial > 0,
                          (1...7).contains(from), (1...7).contains(to) else {
                        Self.nodata(i, finalStock, percentChange, status)
                        continue
                    }
                    let k = row + Int(from - 1) * 7 + Int(to - 1)
                    let s1 = initial * mult[k]
                    let pc = (s1 - initial) / initial * 100
                    finalStock?[i] = Float(s1)
                    percentChange?[i] = Float(pc)
                    status[i] = exact[k] ?? model.status(percentChange: pc)
                }
            }
        }
    }

    @inline(__always) private static func nodata(_ i: Int, _ finalStock: UnsafeMutableBufferPointer<Float>?,
                                                 _ percentChange: UnsafeMutableBufferPointer<Float>?, _ status: UnsafeMutableBufferPointer<Int16>) {
        finalStock?[i] = .nan
        percentChange?[i] = .nan
        status[i] = DegradationStatus.nodata
    }
}
