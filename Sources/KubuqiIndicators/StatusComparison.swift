/// The status of land at the end of a reporting period, from its status in
/// the baseline and its status (change) in the reporting period, for SDG
/// indicator 15.3.1 or any sub-indicator.
///
/// Land degraded in the baseline stays degraded unless it improves; land
/// improved in the baseline stays improved unless it degrades. The default
/// table is the "expanded status matrix" of the addendum to the UNCCD GPG
/// for SDG 15.3.1 v2, as coded in Trends.Earth's `sdg_status_expanded` and
/// `sdg_status_expanded_to_simple` (`te_algorithms/gdal/land_deg/land_deg_numba.py`):
///
/// | baseline \ reporting | degraded | stable | improved |
/// |---|---|---|---|
/// | degraded | 1 persistent degradation (−1) | 3 baseline degradation (−1) | 6 recent improvement (+1) |
/// | stable | 2 recent degradation (−1) | 4 stable (0) | 6 recent improvement (+1) |
/// | improved | 2 recent degradation (−1) | 5 baseline improvement (+1) | 7 persistent improvement (+1) |
///
/// In brackets, the simple status: expanded classes 1–3 are degraded, 4
/// stable, 5–7 improved. Any input other than −1/0/1 gives nodata.
public struct StatusComparison: Sendable, Hashable, Codable {
    /// Source of the default tables, for reports and metadata.
    public static let citation =
        "Expanded status matrix, addendum to UNCCD GPG for SDG 15.3.1 v2, as in Trends.Earth "
        + "sdg_status_expanded / sdg_status_expanded_to_simple (land_deg_numba.py)"

    /// The expanded class (1...7) of each pair, index `(baseline + 1) * 3 + (reporting + 1)`.
    public let table: [Int16]
    /// The simple status (−1/0/1) of expanded classes 1...7, index `class − 1`.
    public let simpleByExpanded: [Int16]

    /// The GPG addendum / Trends.Earth tables above.
    public static let gpgAddendum = StatusComparison(
        table: [
            // reporting: degraded, stable, improved
            1, 3, 6,  // baseline degraded
            2, 4, 6,  // baseline stable
            2, 5, 7,  // baseline improved
        ],
        simpleByExpanded: [-1, -1, -1, 0, 1, 1, 1]
    )

    /// A comparison with the given tables.
    public init(table: [Int16], simpleByExpanded: [Int16]) {
        precondition(table.count == 9 && table.allSatisfy { (1...7).contains($0) }, "9 expanded classes 1...7")
        precondition(simpleByExpanded.count == 7 && simpleByExpanded.allSatisfy { (-1...1).contains($0) }, "7 statuses")
        self.table = table
        self.simpleByExpanded = simpleByExpanded
    }

    /// The expanded class 1...7 of one pixel, or nodata.
    public func expanded(baseline: Int16, reporting: Int16) -> Int16 {
        guard (-1...1).contains(baseline), (-1...1).contains(reporting) else { return DegradationStatus.nodata }
        return table[Int(baseline + 1) * 3 + Int(reporting + 1)]
    }

    /// The simple status −1/0/1 of one pixel, or nodata.
    public func status(baseline: Int16, reporting: Int16) -> Int16 {
        let e = expanded(baseline: baseline, reporting: reporting)
        return e == DegradationStatus.nodata ? e : simpleByExpanded[Int(e) - 1]
    }

    /// Both, for every pixel; either output may be nil.
    public func run(
        baseline: UnsafeBufferPointer<Int16>, reporting: UnsafeBufferPointer<Int16>,
        expanded: UnsafeMutableBufferPointer<Int16>?, status: UnsafeMutableBufferPointer<Int16>?
    ) {
        let n = min(baseline.count, reporting.count)
        precondition((expanded?.count ?? n) >= n && (status?.count ?? n) >= n, "outputs are shorter than the inputs")
        for i in 0..<n {
            let e = self.expanded(baseline: baseline[i], reporting: reporting[i])
            expanded?[i] = e
            status?[i] = e == DegradationStatus.nodata ? e : simpleByExpanded[Int(e) - 1]
        }
    }
}
