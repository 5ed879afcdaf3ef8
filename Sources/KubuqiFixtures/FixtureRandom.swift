import KubuqiRaster

/// The deterministic random generator of the fixtures: SplitMix64
/// (Steele, Lea and Flood 2014). The same seed gives the same bytes on every
/// machine, so committed fixtures can be checked against a fresh generation.
public struct FixtureRandom: Sendable {
    private var core: SplitMix64

    /// A generator started from `seed`.
    public init(seed: UInt64) { core = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

    /// A uniform value in `0..<1`.
    public mutating func unit() -> Double { core.unit() }

    /// An independent generator for one purpose (`salt`) of the fixture
    /// seeded with `seed`: the layout, each scene's noise and the NDVI stack
    /// each draw from their own stream, so changing one leaves the others alone.
    public static func stream(seed: UInt64, salt: UInt64) -> FixtureRandom {
        var mixer = FixtureRandom(seed: seed ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        return FixtureRandom(seed: mixer.next())
    }

    /// A uniform integer in `range` (the modulo bias is below 1e-17 for the
    /// small ranges the fixtures use).
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// A value in `-halfWidth...halfWidth` with a triangular distribution
    /// (the sum of two uniforms): noise that is bounded, so a change larger
    /// than twice the bound can never be noise.
    public mutating func triangular(_ halfWidth: Double) -> Double {
        halfWidth * (unit() + unit() - 1)
    }
}
