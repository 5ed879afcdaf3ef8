/// The fractions of each ``Endmember`` in one pixel (they sum to 1).
public struct Composition: Sendable, Hashable {
    /// Fractions indexed by ``Endmember/rawValue``.
    public var fractions: [Double]

    /// A composition from the fractions of the named endmembers (the rest 0).
    public init(_ parts: [Endmember: Double]) {
        var f = [Double](repeating: 0, count: Endmember.allCases.count)
        for (m, v) in parts { f[m.rawValue] = v }
        fractions = f
    }

    /// `fractions` of `main` plus the given others, `main` taking what is left to reach 1.
    public init(rest main: Endmember, _ others: [Endmember: Double]) {
        // Summed in endmember order, not dictionary order (which changes from
        // run to run), so the result is the same to the last bit every time.
        var used = 0.0
        for m in Endmember.allCases where m != main { used += others[m] ?? 0 }
        var parts = others
        parts[main] = 1 - used
        self.init(parts)
    }

    /// The fraction of `endmember`.
    public subscript(endmember: Endmember) -> Double { fractions[endmember.rawValue] }

    /// The mixture's reflectance: the fraction-weighted sum of the endmember spectra.
    public var reflectance: SurfaceReflectance {
        var out = [Double](repeating: 0, count: OLIBand.allCases.count)
        for m in Endmember.allCases {
            let f = fractions[m.rawValue]
            if f == 0 { continue }
            let s = m.spectrum.values
            for b in 0..<out.count { out[b] += f * s[b] }
        }
        return SurfaceReflectance(out)
    }

    /// NDVI of the mixture (from its red and NIR reflectance).
    public var ndvi: Double { reflectance.ndvi }

    /// The composition a fraction `progress` (0...1) of the way from `self` to `other`.
    public func interpolated(to other: Composition, progress: Double) -> Composition {
        var c = self
        for i in 0..<fractions.count { c.fractions[i] = fractions[i] + (other.fractions[i] - fractions[i]) * progress }
        return c
    }
}
