/// Surface reflectance (0-1) in the six OLI bands B2..B7.
public struct SurfaceReflectance: Sendable, Hashable {
    /// Reflectances in band order blue, green, red, NIR, SWIR1, SWIR2.
    public var values: [Double]

    /// Reflectances in band order blue, green, red, NIR, SWIR1, SWIR2.
    public init(_ values: [Double]) {
        precondition(values.count == OLIBand.allCases.count, "one reflectance per OLI band B2..B7")
        self.values = values
    }

    /// All six bands zero.
    public static let zero = SurfaceReflectance([0, 0, 0, 0, 0, 0])

    /// The reflectance in `band`.
    public subscript(band: OLIBand) -> Double {
        get { values[band.offset] }
        set { values[band.offset] = newValue }
    }

    /// NDVI = (NIR - red) / (NIR + red); 0 when both are zero.
    public var ndvi: Double {
        let n = self[.nir], r = self[.red]
        return n + r == 0 ? 0 : (n - r) / (n + r)
    }

    /// `self` x `weight` + `other` x (1 - `weight`), band by band.
    public func blended(with other: SurfaceReflectance, weight: Double) -> SurfaceReflectance {
        SurfaceReflectance((0..<values.count).map { values[$0] * weight + other.values[$0] * (1 - weight) })
    }

    /// Each band multiplied by the matching factor.
    public func scaled(by factors: [Double]) -> SurfaceReflectance {
        SurfaceReflectance((0..<values.count).map { values[$0] * factors[$0] })
    }
}
