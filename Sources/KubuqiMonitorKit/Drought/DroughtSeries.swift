import KubuqiGDAL
import KubuqiIndicators

/// The monthly precipitation series of `drought`: one observation per
/// calendar month, none missing, from the first month to the last; the
/// calendar years it covers completely and the calibration months.
struct DroughtSeries {
    /// The observations, one per month, in order.
    let observations: [StackObservation]
    /// Year and month of the first observation.
    let first: (year: Int, month: Int)
    /// The full calendar years of the record (every month present).
    let years: [Int]
    /// The years classified: full years whose every month has a 12-month sum
    /// (the record's first year only when it starts 11 months earlier).
    var classYears: [Int] { years.filter { index(year: $0) >= 11 } }
    /// The calibration years.
    let calibrationYears: ClosedRange<Int>
    /// The calibration as month indices into the series.
    let calibration: Range<Int>

    /// The number of months.
    var months: Int { observations.count }

    /// The month index of January of `year` (may be negative or beyond the record).
    func index(year: Int, month: Int = 1) -> Int { (year - first.year) * 12 + (month - first.month) }

    /// `YYYY-MM` of month index `t`.
    func label(_ t: Int) -> String {
        let m = first.month - 1 + t
        let y = first.year + m / 12, mm = m % 12 + 1
        return "\(y)-\(mm < 10 ? "0" : "")\(mm)"
    }

    /// Orders and checks the observations (input errors name the file or the month).
    init(_ observations: [StackObservation], calibration requested: ClosedRange<Int>?, source: String) throws {
        guard let f = observations.first else { throw KubuqiError.input(source, "holds no dated precipitation") }
        first = (f.date.year, f.date.month)
        var byMonth: [Int: StackObservation] = [:]
        for ob in observations {
            let t = (ob.date.year - f.date.year) * 12 + ob.date.month - f.date.month
            if let other = byMonth[t] {
                throw KubuqiError.input(ob.path, "two precipitation rasters for \(ob.date.year)-\(ob.date.month) (\(other.path)\(other.band > 1 ? ":\(other.band)" : "") and this one\(ob.band > 1 ? ", band \(ob.band)" : "")); drought takes monthly totals, one per month")
            }
            byMonth[t] = ob
        }
        let count = byMonth.keys.max()! + 1
        let missing = (0..<count).filter { byMonth[$0] == nil }
        self.observations = (0..<count).compactMap { byMonth[$0] }
        years = (f.date.year...observations.last!.date.year).filter { y in
            (y - f.date.year) * 12 + 1 - f.date.month >= 0 && (y - f.date.year) * 12 + 12 - f.date.month < count
        }
        if !missing.isEmpty {
            let labels = missing.prefix(6).map { Self.label(first: (f.date.year, f.date.month), $0) }
            throw KubuqiError.input(source, "the monthly precipitation misses \(missing.count) month\(missing.count == 1 ? "" : "s") between "
                + "\(Self.label(first: (f.date.year, f.date.month), 0)) and \(Self.label(first: (f.date.year, f.date.month), count - 1)): "
                + labels.joined(separator: ", ") + (missing.count > 6 ? ", ..." : "") + "; the SPI needs an unbroken monthly series")
        }
        let minimum = DroughtOptions.minimumCalibrationYears
        guard let y0 = years.first, let y1 = years.last, years.count >= minimum else {
            throw KubuqiError.input(source, "the record holds \(years.count) full calendar year\(years.count == 1 ? "" : "s") "
                + "(\(Self.label(first: first, 0))..\(Self.label(first: first, count - 1))); the SPI's calibration needs at least \(minimum) (WMO 2012)")
        }
        let cal = requested ?? (y0...y1)
        guard cal.lowerBound >= y0, cal.upperBound <= y1 else {
            throw KubuqiError.input(source, "the calibration \(cal.lowerBound)..\(cal.upperBound) is not within the record's full years \(y0)..\(y1)")
        }
        calibrationYears = cal
        let a = (cal.lowerBound - first.year) * 12 + (1 - first.month)
        calibration = a..<(a + cal.count * 12)
    }

    private static func label(first: (year: Int, month: Int), _ t: Int) -> String {
        let m = first.month - 1 + t
        let y = first.year + m / 12, mm = m % 12 + 1
        return "\(y)-\(mm < 10 ? "0" : "")\(mm)"
    }
}
