/// The meaning of each land cover transition between the seven UNCCD classes:
/// degraded (−1), stable (0) or improved (1).
///
/// The default is the UNCCD default matrix as Trends.Earth ships it
/// (`LDMP/data/land_cover_transition_matrix_unccd.json`, "UNCCD default land
/// cover degradation transition matrix"; the SEPAL SDG 15.3.1 module carries
/// the same matrix in `component/parameter/matrix.py`). Rows are the
/// baseline class, columns the target class:
///
/// | from \ to | Tree | Grass | Crop | Wetland | Artificial | Other | Water |
/// |---|---|---|---|---|---|---|---|
/// | Tree-covered | 0 | −1 | −1 | −1 | −1 | −1 | 0 |
/// | Grassland | +1 | 0 | +1 | −1 | −1 | −1 | 0 |
/// | Cropland | +1 | −1 | 0 | −1 | −1 | −1 | 0 |
/// | Wetland | −1 | −1 | −1 | 0 | −1 | −1 | 0 |
/// | Artificial | +1 | +1 | +1 | +1 | 0 | +1 | 0 |
/// | Other land | +1 | +1 | +1 | +1 | −1 | 0 | 0 |
/// | Water body | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
///
/// The guidance expects countries to adapt it to their context; any cell can
/// be changed with `overriding(_:)` or a whole matrix given to
/// `init(meanings:)`.
public struct TransitionMatrix: Sendable, Hashable, Codable {
    /// Number of classes (rows and columns).
    public static let classCount = 7

    /// Source of the default matrix, for reports and metadata.
    public static let citation =
        "UNCCD default land cover degradation transition matrix, as in Trends.Earth "
        + "LDMP/data/land_cover_transition_matrix_unccd.json (GPG for SDG 15.3.1 v2, land cover sub-indicator)"

    /// The 49 meanings, row-major: index `(from − 1) * 7 + (to − 1)`.
    public let meanings: [Int16]

    /// The UNCCD default matrix described above.
    public static let unccdDefault = TransitionMatrix(meanings: [
        // to: tree, grass, crop, wetland, artificial, other, water
        0, -1, -1, -1, -1, -1, 0,  // from tree-covered
        1, 0, 1, -1, -1, -1, 0,  // from grassland
        1, -1, 0, -1, -1, -1, 0,  // from cropland
        -1, -1, -1, 0, -1, -1, 0,  // from wetland
        1, 1, 1, 1, 0, 1, 0,  // from artificial
        1, 1, 1, 1, -1, 0, 0,  // from other land
        0, 0, 0, 0, 0, 0, 0,  // from water body
    ])

    /// A matrix from 49 meanings −1/0/1, row-major (from, to).
    public init(meanings: [Int16]) {
        precondition(meanings.count == 49 && meanings.allSatisfy { (-1...1).contains($0) }, "49 meanings -1/0/1")
        self.meanings = meanings
    }

    /// The meaning of the transition `from` → `to` (classes 1...7), or
    /// nodata when either is not a class.
    public func meaning(from: Int16, to: Int16) -> Int16 {
        guard (1...7).contains(from), (1...7).contains(to) else { return DegradationStatus.nodata }
        return meanings[Int(from - 1) * 7 + Int(to - 1)]
    }

    /// This matrix with some cells changed: `changes[from][to] = meaning`.
    public func overriding(_ changes: [Int16: [Int16: Int16]]) -> TransitionMatrix {
        var m = meanings
        for (from, row) in changes {
            for (to, meaning) in row {
                precondition((1...7).contains(from) && (1...7).contains(to) && (-1...1).contains(meaning),
                             "classes 1...7, meanings -1/0/1")
                m[Int(from - 1) * 7 + Int(to - 1)] = meaning
            }
        }
        return TransitionMatrix(meanings: m)
    }

    /// The land cover sub-indicator of every pixel from its baseline and
    /// target classes (1...7; anything else gives nodata).
    public func status(
        initial: UnsafeBufferPointer<Int16>, final: UnsafeBufferPointer<Int16>, into out: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(initial.count >= out.count && final.count >= out.count, "input buffers are shorter than the output")
        for i in 0..<out.count { out[i] = meaning(from: initial[i], to: final[i]) }
    }
}
