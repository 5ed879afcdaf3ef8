/// Smooth spatial variation in 0...1: random values on a coarse lattice,
/// blended with a smoothstep between lattice points. Only additions and
/// multiplications are used (no transcendental functions), so every
/// platform computes the same bits.
public struct SmoothNoise: Sendable {
    private let spacing: Int
    private let columns: Int
    private let lattice: [Double]

    /// Noise over `width` x `height` pixels with lattice points every `spacing` pixels.
    public init(width: Int, height: Int, spacing: Int, random: inout FixtureRandom) {
        precondition(spacing > 0)
        self.spacing = spacing
        columns = width / spacing + 2
        let rows = height / spacing + 2
        lattice = (0..<(columns * rows)).map { _ in random.unit() }
    }

    /// The value at pixel (`row`, `column`).
    public func value(row: Int, column: Int) -> Double {
        let gy = row / spacing, gx = column / spacing
        let fy = Self.smoothstep(Double(row % spacing) / Double(spacing))
        let fx = Self.smoothstep(Double(column % spacing) / Double(spacing))
        let a = lattice[gy * columns + gx], b = lattice[gy * columns + gx + 1]
        let c = lattice[(gy + 1) * columns + gx], d = lattice[(gy + 1) * columns + gx + 1]
        let top = a + (b - a) * fx, bottom = c + (d - c) * fx
        return top + (bottom - top) * fy
    }

    private static func smoothstep(_ t: Double) -> Double { t * t * (3 - 2 * t) }
}
