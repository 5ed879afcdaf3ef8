/// A per-pixel spectral index: its name, formula, the band roles it needs
/// and the kernel that computes it over buffers.
public struct SpectralIndex: Sendable {
    /// Computes the index over one window: `inputs[k]` holds the band of
    /// `roles[k]`, `nodata[k]` its nodata value; the result goes to `output`
    /// with NaN for nodata.
    public typealias Kernel = @Sendable (
        _ inputs: [UnsafeBufferPointer<Float>], _ nodata: [Float?], _ output: UnsafeMutableBufferPointer<Float>
    ) -> Void

    /// Short lower-case name used on the command line, e.g. `ndvi`.
    public let name: String
    /// Full name, e.g. `Normalized Difference Vegetation Index`.
    public let title: String
    /// The formula in terms of the roles.
    public let formula: String
    /// The bands the formula needs, in kernel order.
    public let roles: [BandRole]
    /// The range of valid results, for documentation and checks.
    public let validRange: ClosedRange<Float>
    /// Where the index comes from.
    public let citation: String
    /// The kernel.
    public let kernel: Kernel

    /// Creates an index definition.
    public init(name: String, title: String, formula: String, roles: [BandRole],
                validRange: ClosedRange<Float>, citation: String, kernel: @escaping Kernel) {
        self.name = name
        self.title = title
        self.formula = formula
        self.roles = roles
        self.validRange = validRange
        self.citation = citation
        self.kernel = kernel
    }
}

extension SpectralIndex {
    /// Every index kubuqi-monitor computes, in the order `index --list` prints
    /// them: vegetation, then soil and sand, then water and moisture.
    public static let catalogue: [SpectralIndex] = [
        ndvi, savi, msavi2, evi, evi2,
        bsi, tgsi, albedo,
        ndwi, mndwi, ndmi, nbr,
    ]

    /// The index called `name` (case-insensitive), nil when there is none.
    public static func named(_ name: String) -> SpectralIndex? {
        catalogue.first { $0.name == name.lowercased() }
    }

    /// A normalized difference `(A - B) / (A + B)` of the two bands `roles`
    /// (A first), computed by ``NormalizedDifference``: NDVI, NDWI, MNDWI,
    /// NDMI and NBR are catalogue entries of this one kernel.
    public static func normalizedDifference(
        name: String, title: String, formula: String, roles: [BandRole], citation: String
    ) -> SpectralIndex {
        precondition(roles.count == 2, "a normalized difference has two bands")
        return SpectralIndex(name: name, title: title, formula: formula, roles: roles, validRange: -1...1, citation: citation,
                             kernel: { inputs, nodata, out in
                                 NormalizedDifference.apply(inputs[0], nodata: nodata[0], inputs[1], nodata: nodata[1], into: out)
                             })
    }

    /// NDVI (Rouse et al. 1974).
    public static let ndvi = normalizedDifference(
        name: "ndvi", title: "Normalized Difference Vegetation Index",
        formula: "(NIR - Red) / (NIR + Red)", roles: [.nir, .red],
        citation: "Rouse, J.W. et al. (1974) Monitoring vegetation systems in the Great Plains with ERTS. NASA SP-351, 309-317.")
}
