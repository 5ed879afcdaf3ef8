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

    /// NDVI (Rouse et al. 1974).
    public static let ndvi = SpectralIndex(
        name: "ndvi", title: "Normalized Difference Vegetation Index",
        formula: "(NIR - Red) / (NIR + Red)", roles: [.nir, .red], validRange: -1...1,
        citation: "Rouse, J.W. et al. (1974) Monitoring vegetation systems in the Great Plains with ERTS. NASA SP-351, 309-317.",
        kernel: { inputs, nodata, out in
            NDVI.apply(nir: inputs[0], nirNodata: nodata[0], red: inputs[1], redNodata: nodata[1], into: out)
        })
}
