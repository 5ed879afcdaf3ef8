/// Baseline soil organic carbon stock, 0-30 cm, t/ha (Int16), for the year
/// 2000: a value per land type (dune sand 14, steppe 33, stressed steppe 26,
/// fields 41, village 24, shelterbelt 46) with up to +-2 of local variation
/// and +-1 of noise. The reservoir is nodata (-32768).
public struct SOCBaseline: Sendable {
    /// The nodata value.
    public static let nodata: Int16 = -32768

    /// The SOC of every pixel, t/ha.
    public let values: PixelPlane<Int16>

    /// The SOC baseline of `area`.
    public init(area: StudyArea) {
        var random = FixtureRandom.stream(seed: area.seed, salt: 3)
        values = PixelPlane<Int16>(width: StudyArea.width, height: StudyArea.height) { r, c in
            guard let base = area.before[r, c].socBaseline else { return Self.nodata }
            let local = Int((4 * (area.texture[r, c] - 0.5)).rounded())
            return Int16(base + local + random.integer(in: -1...1))
        }
    }
}
