import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The periods of a warning series, the assessed one, and which observations
/// make every value the kernel needs (the same period of each baseline year).
struct WarnPlan {
    /// A period: a span of days and the observations in it.
    struct Period {
        var label: String
        var first: CalendarDate
        var last: CalendarDate
        /// The day the period stands for (an observation's date; a period's first day).
        var anchor: CalendarDate
        var rows: [Int]
    }

    /// One series: its observations (sorted) and how they are cut.
    struct Series {
        var observations: [StackObservation]
        var periods: WarnOptions.Periods
        /// Half the nominal step, in days: how far the same day of another year may be.
        var tolerance: Int

        init(_ observations: [StackObservation], periods: WarnOptions.Periods) {
            self.observations = observations
            self.periods = periods
            tolerance = max(1, Int(CompletenessRule.nominalStep(observations.map(\.date.dayNumber))) / 2)
        }

        /// The periods from the first observation to the last.
        func cut() -> [Period] {
            switch periods {
            case .observation:
                return observations.enumerated().map { Period(label: $0.element.date.description, first: $0.element.date, last: $0.element.date, anchor: $0.element.date, rows: [$0.offset]) }
            case .scheme(let scheme):
                return scheme.periods(from: observations.first!.date, to: observations.last!.date).map { p in
                    Period(label: p.label, first: p.first, last: p.last, anchor: p.first,
                           rows: observations.indices.filter { p.contains(observations[$0].date) })
                }
            }
        }

        /// The rows of `period` moved by `years` years: the observation on the same
        /// day of the year (nearest within the tolerance), or the observations in
        /// the shifted period.
        func rows(of period: Period, shiftedBy years: Int) -> [Int] {
            switch periods {
            case .observation:
                let y = period.anchor.year + years
                let doy = min(period.anchor.dayOfYear, CalendarDate.daysInYear(y))
                guard let target = CalendarDate(year: y, dayOfYear: doy) else { return [] }
                var best: (Int, Int)? = nil
                for (i, o) in observations.enumerated() where o.date.year == y {
                    let d = abs(o.date.dayOfYear - doy)
                    if d <= tolerance, best == nil || d < best!.1 { best = (i, d) }
                }
                _ = target
                return best.map { [$0.0] } ?? []
            case .scheme:
                guard let first = Self.shift(period.first, years), let last = Self.shift(period.last, years) else { return [] }
                return observations.indices.filter { first <= observations[$0].date && observations[$0].date <= last }
            }
        }

        static func shift(_ d: CalendarDate, _ years: Int) -> CalendarDate? {
            CalendarDate(year: d.year + years, month: d.month, day: min(d.day, CalendarDate.daysInMonth(year: d.year + years, month: d.month)))
        }
    }

    var series: Series
    var temperature: Series?
    var periods: [Period]
    /// Index of the assessed period.
    var assessed: Int
    /// Baseline years (the assessed year left out).
    var years: [Int]
    /// Baseline years holding the assessed period's counterparts.
    var yearsCovering: [Int]
    /// Distinct observations read, as (series 0 = index, 1 = temperature, observation index), in row order.
    var rows: [(series: Int, observation: Int)]
    var layout: WarningLayout

    init(series: Series, temperature: Series?, options o: WarnOptions) throws {
        self.series = series
        self.temperature = temperature
        periods = series.cut()
        let input = o.inputs[0]
        // The assessed period.
        let assessedIndex: Int
        let periods = self.periods
        if let at = o.at {
            let found: Int?
            switch series.periods {
            case .observation:
                found = periods.indices.filter { abs(periods[$0].anchor.dayNumber - at.dayNumber) <= series.tolerance }
                    .min { abs(periods[$0].anchor.dayNumber - at.dayNumber) < abs(periods[$1].anchor.dayNumber - at.dayNumber) }
            case .scheme:
                found = periods.firstIndex { $0.first <= at && at <= $0.last && !$0.rows.isEmpty }
            }
            guard let found else {
                let near = periods.filter { !$0.rows.isEmpty }.min { abs($0.anchor.dayNumber - at.dayNumber) < abs($1.anchor.dayNumber - at.dayNumber) }
                throw KubuqiError.input(input, "the series has no period at \(at) to assess (missing from the series"
                    + (near.map { "; the nearest is \($0.label)" } ?? "") + ")")
            }
            assessedIndex = found
        } else {
            assessedIndex = periods.lastIndex { !$0.rows.isEmpty }!
        }
        assessed = assessedIndex
        let year = periods[assessedIndex].anchor.year
        years = o.baseline.filter { $0 != year }
        guard years.count >= o.rule.minimumYears else {
            throw KubuqiError(.usage, "--baseline \(o.baseline.lowerBound)-\(o.baseline.upperBound) leaves \(years.count) years once the assessed year \(year) is left out; "
                + "\(o.rule.metric.rawValue) needs at least \(o.rule.minimumYears) baseline years")
        }
        // Offsets back from the assessed period, and their rows.
        let offsets = o.history + o.accumulation - 1
        var rowOf: [String: Int] = [:]
        var rows: [(series: Int, observation: Int)] = []
        func row(_ s: Int, _ i: Int) -> Int {
            let key = "\(s):\(i)"
            if let r = rowOf[key] { return r }
            rows.append((s, i)); rowOf[key] = rows.count - 1
            return rows.count - 1
        }
        var current: [[Int]] = [], baseline: [[[Int]]] = []
        var tCurrent: [[Int]] = [], tBaseline: [[[Int]]] = []
        for q in 0..<offsets {
            let t = assessedIndex - q
            guard t >= 0 else {
                current.append([]); baseline.append(years.map { _ in [] })
                tCurrent.append([]); tBaseline.append(years.map { _ in [] })
                continue
            }
            let p = periods[t]
            current.append(p.rows.map { row(0, $0) })
            baseline.append(years.map { y in series.rows(of: p, shiftedBy: y - year).map { row(0, $0) } })
            if let temperature {
                tCurrent.append(temperature.rows(of: p, shiftedBy: 0).map { row(1, $0) })
                tBaseline.append(years.map { y in temperature.rows(of: p, shiftedBy: y - year).map { row(1, $0) } })
            }
        }
        // The baseline must hold the assessed period (every accumulated period) in enough years.
        let years = self.years
        let covering = years.indices.filter { y in (0..<o.accumulation).allSatisfy { !baseline[$0][y].isEmpty } }.map { years[$0] }
        yearsCovering = covering
        guard covering.count >= o.rule.minimumYears else {
            let what = o.accumulation == 1 ? "the assessed period \(periods[assessedIndex].label)"
                : "the \(o.accumulation) periods accumulated up to \(periods[assessedIndex].label)"
            throw KubuqiError.input(input, "the baseline \(o.baseline.lowerBound)-\(o.baseline.upperBound) holds \(what) in only \(covering.count) year\(covering.count == 1 ? "" : "s")"
                + (covering.isEmpty ? "" : " (\(covering.map(String.init).joined(separator: ", ")))")
                + "; \(o.rule.metric.rawValue) needs at least \(o.rule.minimumYears): the series does not cover that season in the baseline")
        }
        if temperature != nil, tCurrent.prefix(o.accumulation).contains(where: \.isEmpty) {
            throw KubuqiError.input(o.temperatureInputs[0], "the temperature series has no observation for the assessed period \(periods[assessedIndex].label)")
        }
        self.rows = rows
        layout = WarningLayout(current: current, baseline: baseline,
                               temperatureCurrent: temperature == nil ? nil : tCurrent, temperatureBaseline: temperature == nil ? nil : tBaseline,
                               accumulation: o.accumulation, history: o.history)
    }

    /// The label of the period `back` periods before the assessed one.
    func label(back: Int) -> String { assessed - back >= 0 ? periods[assessed - back].label : "before \(periods[0].label)" }
}
