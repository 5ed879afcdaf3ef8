/// Combines the three productivity metrics (trajectory, state, performance)
/// into the five LPD classes, and LPD classes into the productivity
/// sub-indicator status.
///
/// Inputs per pixel are statuses: trajectory and state −1/0/1 (see
/// `TrajectoryClass.status(ofClass:)` and `ProductivityState`), performance
/// −1/0 (`ProductivityPerformance`). Any other code, nodata included, makes
/// the pixel nodata (−32768).
///
/// ## The default table (the only copy in the sources)
///
/// Trends.Earth's `calc_prod5` (`te_algorithms/gdal/land_deg/land_deg_numba.py`,
/// the same rules in `te_algorithms/gee/productivity.py`), which Trends.Earth
/// publishes as its implementation of the productivity combination of the
/// UNCCD Good Practice Guidance for SDG indicator 15.3.1, version 2
/// (Sims et al. 2021, §4.2.5, "combining the productivity metrics"):
///
/// | trajectory | state | performance | LPD class |
/// |---|---|---|---|
/// | −1 | any | any | 1 declining |
/// | 0 | −1 | −1 | 1 declining |
/// | 0 | −1 | 0 | 2 early signs of decline |
/// | 0 | 0 | −1 | 3 stable but stressed |
/// | 0 | 0 | 0 | 4 stable |
/// | 0 | 1 | −1 or 0 | 4 stable |
/// | 1 | −1 | −1 | 2 early signs of decline |
/// | 1 | −1 | 0 | 5 increasing |
/// | 1 | 0 or 1 | −1 or 0 | 5 increasing |
///
/// The sub-indicator status of a class is Trends.Earth's `prod5_to_prod3`:
/// classes 1 and 2 degraded (−1), 3 and 4 stable (0), 5 improved (1).
/// "Stable but stressed" is therefore not degraded by default; set
/// `statusByClass[2]` to −1 to count it as degraded.
///
/// Both tables can be replaced through `init(table:statusByClass:)`.
public struct LPDCombination: Sendable, Hashable, Codable {
    /// Source of the default tables, for reports and metadata.
    public static let citation =
        "Trends.Earth te_algorithms calc_prod5 / prod5_to_prod3 (land_deg_numba.py), "
        + "implementing UNCCD GPG for SDG 15.3.1 v2 (Sims et al. 2021) section 4.2.5"

    /// The LPD class (1...5) of each combination, 18 entries, at index
    /// `(trajectory + 1) * 6 + (state + 1) * 2 + (performance + 1)`.
    public let table: [Int16]
    /// The status (−1/0/1) of LPD classes 1...5, at index `class − 1`.
    public let statusByClass: [Int16]

    /// The Trends.Earth / GPG v2 tables described above.
    public static let trendsEarth = LPDCombination(
        table: [
            // trajectory −1: state −1, 0, 1 × performance −1, 0
            1, 1, 1, 1, 1, 1,
            // trajectory 0
            1, 2, 3, 4, 4, 4,
            // trajectory 1
            2, 5, 5, 5, 5, 5,
        ],
        statusByClass: [-1, -1, 0, 0, 1]
    )

    /// A combination with the given tables (18 LPD classes 1...5; 5
    /// statuses −1/0/1).
    public init(table: [Int16], statusByClass: [Int16]) {
        precondition(table.count == 18 && table.allSatisfy { (1...5).contains($0) }, "18 LPD classes 1...5")
        precondition(statusByClass.count == 5 && statusByClass.allSatisfy { (-1...1).contains($0) }, "5 statuses")
        self.table = table
        self.statusByClass = statusByClass
    }

    /// The LPD class of one pixel, or `DegradationStatus.nodata`.
    public func lpdClass(trajectory: Int16, state: Int16, performance: Int16) -> Int16 {
        guard (-1...1).contains(trajectory), (-1...1).contains(state), (-1...0).contains(performance) else {
            return DegradationStatus.nodata
        }
        return table[Int(trajectory + 1) * 6 + Int(state + 1) * 2 + Int(performance + 1)]
    }

    /// The LPD class of every pixel.
    public func lpdClass(
        trajectory: UnsafeBufferPointer<Int16>, state: UnsafeBufferPointer<Int16>,
        performance: UnsafeBufferPointer<Int16>, into out: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(trajectory.count >= out.count && state.count >= out.count && performance.count >= out.count,
                     "input buffers are shorter than the output")
        for i in 0..<out.count {
            out[i] = lpdClass(trajectory: trajectory[i], state: state[i], performance: performance[i])
        }
    }

    /// The sub-indicator status of an LPD class 1...5; nodata otherwise.
    public func status(lpdClass c: Int16) -> Int16 {
        (1...5).contains(c) ? statusByClass[Int(c) - 1] : DegradationStatus.nodata
    }

    /// The GPG v2 look-up table that combines the three metrics straight into
    /// the productivity sub-indicator (−1 degraded, 0 stable, 1 improved), all
    /// 18 rows, at index `(trajectory + 1) * 6 + (state + 1) * 2 + (performance + 1)`,
    /// as the SEPAL SDG 15.3.1 module documents it (`doc/en.rst`, "Look-up table
    /// to combine productivity metrics", column "GPG Version 2"; UNCCD GPG for
    /// SDG 15.3.1 v2, Sims et al. 2021, §4.2.5). It differs from Trends.Earth's
    /// 5-class table followed by `prod5_to_prod3` in three rows: declining
    /// trajectory + stable state + good performance is stable (Trends.Earth:
    /// degraded), stable trajectory + declining state + good performance is
    /// stable (Trends.Earth: degraded), stable trajectory and state + poor
    /// performance is degraded (Trends.Earth: stable).
    public static let gpgV2StatusTable: [Int16] = [
        // trajectory −1: state −1, 0, 1 × performance −1 (poor), 0 (not degraded)
        -1, -1, -1, 0, -1, -1,
        // trajectory 0
        -1, 0, -1, 0, 0, 0,
        // trajectory 1
        -1, 1, 1, 1, 1, 1,
    ]

    /// The productivity sub-indicator of one pixel by `gpgV2StatusTable`, or
    /// `DegradationStatus.nodata` (codes out of range, nodata included).
    public static func gpgStatus(trajectory t: Int16, state s: Int16, performance p: Int16) -> Int16 {
        guard (-1...1).contains(t), (-1...1).contains(s), (-1...0).contains(p) else { return DegradationStatus.nodata }
        return gpgV2StatusTable[Int(t + 1) * 6 + Int(s + 1) * 2 + Int(p + 1)]
    }

    /// The sub-indicator status of every pixel of an LPD class buffer.
    public func status(lpdClasses: UnsafeBufferPointer<Int16>, into out: UnsafeMutableBufferPointer<Int16>) {
        precondition(lpdClasses.count >= out.count, "input buffer is shorter than the output")
        for i in 0..<out.count { out[i] = status(lpdClass: lpdClasses[i]) }
    }

    /// A value of an external 5-class LPD raster (the UNCCD/JRC default data
    /// or a national product): 1...5 are kept, anything else (0, −32768,
    /// other codes, fractions, NaN) becomes nodata.
    public static func acceptExternal(_ value: Float) -> Int16 {
        guard value.isFinite, value == value.rounded(), value >= 1, value <= 5 else { return DegradationStatus.nodata }
        return Int16(value)
    }

    /// `acceptExternal` over a buffer (GDAL reads any band type as Float).
    public static func acceptExternal(_ values: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Int16>) {
        precondition(values.count >= out.count, "input buffer is shorter than the output")
        for i in 0..<out.count { out[i] = acceptExternal(values[i]) }
    }
}
