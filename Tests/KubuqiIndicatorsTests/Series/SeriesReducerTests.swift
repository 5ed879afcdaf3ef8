import KubuqiIndicators
import XCTest

/// The reducers on hand-worked series.
final class SeriesReducerTests: XCTestCase {
    private func reduce(_ r: SeriesReducer, _ values: [Float], _ days: [Int32]) -> Float {
        var v = values
        return v.withUnsafeMutableBufferPointer { vb in days.withUnsafeBufferPointer { r.reduce(vb, days: $0, count: values.count) } }
    }

    /// Trapezoid by hand: days 0, 10, 30 with 0.2, 0.4, 0.1 ->
    /// 10 x (0.2 + 0.4) / 2 + 20 x (0.4 + 0.1) / 2 = 3 + 5 = 8.
    func testIntegralIsTheTrapezoidOverDays() {
        XCTAssertEqual(reduce(.integral, [0.2, 0.4, 0.1], [100, 110, 130]), 8, accuracy: 1e-6)
        // A constant 0.5 over a 16-day year of 23 composites (days 0..352): 0.5 x 352 = 176.
        XCTAssertEqual(reduce(.integral, [Float](repeating: 0.5, count: 23), (0..<23).map { Int32($0 * 16) }), 176, accuracy: 1e-4)
        XCTAssertTrue(reduce(.integral, [0.3], [5]).isNaN, "one observation has no integral")
    }

    /// Order statistics as numpy's default (linear) interpolation, by hand:
    /// sorted 1, 2, 4, 8: median (2 + 4) / 2 = 3; p90: h = 3 x 0.9 = 2.7 -> 4 + 0.7 x 4 = 6.8; p0 = 1; p100 = 8.
    func testPercentilesInterpolateLinearly() {
        XCTAssertEqual(reduce(.median, [8, 1, 4, 2], [1, 2, 3, 4]), 3)
        XCTAssertEqual(reduce(.percentile(90), [8, 1, 4, 2], [1, 2, 3, 4]), 6.8, accuracy: 1e-6)
        XCTAssertEqual(reduce(.percentile(0), [8, 1, 4, 2], [1, 2, 3, 4]), 1)
        XCTAssertEqual(reduce(.percentile(100), [8, 1, 4, 2], [1, 2, 3, 4]), 8)
        XCTAssertEqual(reduce(.mean, [8, 1, 4, 2], [1, 2, 3, 4]), 3.75)
        XCTAssertEqual(reduce(.max, [8, 1, 4, 2], [1, 2, 3, 4]), 8)
        XCTAssertEqual(reduce(.min, [8, 1, 4, 2], [1, 2, 3, 4]), 1)
        XCTAssertEqual(reduce(.count, [8, 1, 4, 2], [1, 2, 3, 4]), 4)
    }

    func testReducerNames() {
        XCTAssertEqual(SeriesReducer(name: "p90"), .percentile(90))
        XCTAssertEqual(SeriesReducer(name: "P2.5"), .percentile(2.5))
        XCTAssertNil(SeriesReducer(name: "p101"))
        XCTAssertNil(SeriesReducer(name: "average"))
        XCTAssertEqual(SeriesReducer.percentile(90).description, "p90")
    }

    /// Coverage by hand (see CompletenessRule's documentation): Somalia's 2000,
    /// 18 Feb (day 49) to 18 Dec (day 353) of a 366-day year, step 16:
    /// (304 + 16) / 366 = 0.874 < 0.9; 2001 from 1 Jan to 19 Dec: (352 + 16) / 365 -> 1.
    func testCoverageRule() {
        let rule = CompletenessRule(minimumObservations: 3, minimumCoverage: 0.9, stepDays: 16)
        XCTAssertEqual(rule.coverage(first: 48, last: 352, periodDays: 366), 320.0 / 366, accuracy: 1e-12)
        XCTAssertFalse(rule.isMet(count: 20, first: 48, last: 352, periodDays: 366))
        XCTAssertTrue(rule.isMet(count: 23, first: 0, last: 352, periodDays: 365))
        XCTAssertFalse(rule.isMet(count: 2, first: 0, last: 352, periodDays: 365), "fewer than --min-obs")
        XCTAssertEqual(CompletenessRule.nominalStep([0, 16, 32, 48, 60]), 16)
        XCTAssertEqual(CompletenessRule.nominalStep([0, 8, 16, 32]), 8)
        XCTAssertEqual(CompletenessRule.nominalStep([5]), 1)
    }

    /// Day numbers from Python's `datetime.date` (days since 1970-01-01).
    func testDayNumbersMatchPython() {
        let cases: [((Int, Int, Int), Int)] = [((2000, 2, 18), 11005), ((1970, 1, 1), 0), ((1969, 12, 31), -1), ((2024, 2, 29), 19782), ((2012, 1, 17), 15356)]
        for ((y, m, d), n) in cases {
            let date = CalendarDate(year: y, month: m, day: d)!
            XCTAssertEqual(date.dayNumber, n, "\(date)")
            XCTAssertEqual(CalendarDate(dayNumber: n), date)
        }
        XCTAssertNil(CalendarDate(year: 2001, month: 2, day: 29))
        XCTAssertEqual(CalendarDate(year: 2000, dayOfYear: 49)?.description, "2000-02-18")
        XCTAssertEqual(CalendarDate(year: 2011, dayOfYear: 250)?.description, "2011-09-07")
        XCTAssertNil(CalendarDate(year: 2001, dayOfYear: 366))
    }

    func testDatesInNames() throws {
        func date(_ s: String) -> String? { try? DateInText.find(s).get().description }
        XCTAssertEqual(date("slovenia.EVI.MOD13Q1.A2000049.tif"), "2000-02-18")
        XCTAssertEqual(date("MOD13A1.A2020153.h30v10.061.2020170020526.hdf"), "2020-06-01")
        XCTAssertEqual(date("LC09_L2SP_128032_20230820_20230826_02_T1_SR_B4.TIF"), "2023-08-20")
        XCTAssertEqual(date("LE70230282011250EDC00_sr_ndvi.tif"), "2011-09-07")
        XCTAssertEqual(date("S2B_MSIL2A_20200219T112141_N0214_R037_T29RKH_20200219T122411.tif"), "2020-02-19")
        XCTAssertEqual(date("T29RKH_20200219T112141_B04_10m.jp2"), "2020-02-19")
        XCTAssertEqual(date("ndvi_2001-04-01.tif"), "2001-04-01")
        XCTAssertEqual(date("X2000.02.18"), "2000-02-18")
        XCTAssertEqual(date("X2000.02.18_mega_drought"), "2000-02-18")
        XCTAssertEqual(date("2001_04_01_2001_04_01.tif"), "2001-04-01", "the same date twice is not ambiguous")
        XCTAssertEqual(DateInText.find("ndvi.tif"), .failure(.none))
        XCTAssertEqual(DateInText.find("x.A2001400.tif"), .failure(.invalid("A2001400")))
        XCTAssertEqual(DateInText.find("ndvi_2001-02-30.tif"), .failure(.invalid("2001-02-30")))
        XCTAssertEqual(DateInText.find("ndvi_2001-04-01_2002-04-01.tif"), .failure(.ambiguous("2001-04-01", "2002-04-01")))
        XCTAssertEqual(DateInText.cell("18/02/2000")?.description, "2000-02-18")
        XCTAssertEqual(DateInText.cell("2000-02-18")?.description, "2000-02-18")
        XCTAssertNil(DateInText.cell("02/18/2000"), "day first: month 18 does not exist")
        XCTAssertNil(DateInText.cell("2000/02"))
    }

    /// A season across the new year: 2000-11-01..2001-02-28 and 2001-11-01..2002-02-28
    /// for dates from January 2001 to January 2002; labels carry both ends.
    func testSeasonsAcrossTheNewYear() throws {
        let s = try XCTUnwrap(PeriodScheme.season(parsing: "11-01..02-28"))
        XCTAssertTrue(s.crossesNewYear)
        let p = s.periods(from: CalendarDate(year: 2001, month: 1, day: 10)!, to: CalendarDate(year: 2002, month: 1, day: 5)!)
        XCTAssertEqual(p.map(\.label), ["2000-11-01..2001-02-28", "2001-11-01..2002-02-28"])
        XCTAssertEqual(p[0].days, 30 + 31 + 31 + 28)
        XCTAssertNil(PeriodScheme.season(parsing: "02-29..03-31"))
        XCTAssertNil(PeriodScheme.season(parsing: "04-31..05-01"))
        XCTAssertNil(PeriodScheme.season(parsing: "04-01"))
        let months = PeriodScheme.month.periods(from: CalendarDate(year: 2000, month: 12, day: 5)!, to: CalendarDate(year: 2001, month: 2, day: 1)!)
        XCTAssertEqual(months.map(\.label), ["2000-12", "2001-01", "2001-02"])
        XCTAssertEqual(months[2].days, 28)
    }
}
