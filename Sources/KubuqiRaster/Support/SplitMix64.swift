/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, deterministic
/// random generator. The same seed gives the same sequence on every machine,
/// which the fixtures, the benchmarks and the randomised tests rely on.
public struct SplitMix64: Sendable {
    /// The generator's state.
    public private(set) var state: UInt64

    /// A generator started from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<1` (53 random bits).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
