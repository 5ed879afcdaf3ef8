/// One synthetic Landsat 8/9 Collection 2 Level-2 scene of the study area:
/// six surface-reflectance bands as UInt16 DN and the QA_PIXEL band.
///
/// DN = round((reflectance + 0.2) / 0.0000275), so reflectance = DN x
/// 0.0000275 - 0.2 (the Collection 2 scale and offset); DN 0 is fill. Each
/// band of each pixel carries its own multiplicative noise of at most 1.5 %
/// (triangular), independent between the dates.
public struct LandsatScene: Sendable {
    /// Reflectance per DN (REFLECTANCE_MULT_BAND_n).
    public static let reflectanceMultiplier = 2.75e-5
    /// Reflectance at DN 0 (REFLECTANCE_ADD_BAND_n).
    public static let reflectanceOffset = -0.2
    /// Largest relative noise on a band's reflectance.
    public static let noiseBound = 0.015
    /// Reflectance of the opaque cloud in B2..B7.
    public static let cloudSpectrum = SurfaceReflectance([0.42, 0.41, 0.40, 0.43, 0.33, 0.24])
    /// Fraction of the cloud's reflectance in a pixel under the opaque cloud.
    public static let cloudOpacity = 0.85
    /// Fraction of the cloud's reflectance in the thin-cloud ring.
    public static let ringOpacity = 0.30
    /// Factors applied to the ground's reflectance in the shadow (only
    /// skylight reaches it, bluer than the sun's direct beam).
    public static let shadowFactors = [0.45, 0.38, 0.33, 0.25, 0.22, 0.20]

    /// The acquisition this scene stands for.
    public let acquisition: LandsatAcquisition
    /// DN of bands B2..B7, in ``OLIBand`` order.
    public let bands: [PixelPlane<UInt16>]
    /// The reflectance each DN encodes before rounding (0 at fill), in ``OLIBand`` order.
    public let reflectance: [PixelPlane<Double>]
    /// The QA_PIXEL band.
    public let qa: PixelPlane<UInt16>
    /// What the cloud did to each pixel (all ``CloudPixel/clear`` in a scene without cloud).
    public let cloudPixels: PixelPlane<CloudPixel>

    /// Synthesizes the scene of `acquisition` over `area`.
    public init(area: StudyArea, acquisition: LandsatAcquisition) {
        self.acquisition = acquisition
        let w = StudyArea.width, h = StudyArea.height
        let progress = StudyArea.changeProgress(year: acquisition.year)
        var random = FixtureRandom.stream(seed: area.seed, salt: UInt64(10 + acquisition.year))
        let bandCount = OLIBand.allCases.count
        var dn = [PixelPlane<UInt16>](repeating: PixelPlane(width: w, height: h, repeating: 0), count: bandCount)
        var rho = [PixelPlane<Double>](repeating: PixelPlane(width: w, height: h, repeating: 0), count: bandCount)
        var qa = PixelPlane<UInt16>(width: w, height: h, repeating: 0)
        var clouds = PixelPlane<CloudPixel>(width: w, height: h, repeating: .clear)

        for r in 0..<h {
            for c in 0..<w {
                if acquisition.hasFill && StudyArea.isScanEdgeFill(row: r, column: c) {
                    qa[r, c] = QAPixel.fillValue.rawValue
                    continue  // DN 0 in every band
                }
                var surface = area.composition(row: r, column: c, progress: progress).reflectance
                let sky = acquisition.hasCloud ? area.cloud.pixel(row: r, column: c) : .clear
                clouds[r, c] = sky
                switch sky {
                case .clear: break
                case .cloud: surface = Self.cloudSpectrum.blended(with: surface, weight: Self.cloudOpacity)
                case .dilatedCloud: surface = Self.cloudSpectrum.blended(with: surface, weight: Self.ringOpacity)
                case .shadow: surface = surface.scaled(by: Self.shadowFactors)
                }
                for b in 0..<bandCount {
                    let value = surface.values[b] * (1 + random.triangular(Self.noiseBound))
                    rho[b][r, c] = value
                    dn[b][r, c] = Self.dn(reflectance: value)
                }
                let land = progress < 1 ? area.before[r, c] : area.after[r, c]
                let flags: QAPixel
                switch sky {
                case .cloud: flags = .highConfidenceCloud
                case .dilatedCloud: flags = .dilatedCloudValue
                case .shadow: flags = .highConfidenceShadow
                case .clear: flags = land == .water ? .clearWater : .clearLand
                }
                qa[r, c] = flags.rawValue
            }
        }
        bands = dn
        reflectance = rho
        self.qa = qa
        cloudPixels = clouds
    }

    /// The DN that encodes `reflectance` (rounded to nearest, clamped to 1...65535).
    public static func dn(reflectance: Double) -> UInt16 {
        let v = ((reflectance - reflectanceOffset) / reflectanceMultiplier).rounded()
        return UInt16(min(max(v, 1), 65535))
    }

    /// The reflectance a DN encodes; nil for fill (DN 0).
    public static func reflectance(dn: UInt16) -> Double? {
        dn == 0 ? nil : Double(dn) * reflectanceMultiplier + reflectanceOffset
    }

    /// The DN plane of `band`.
    public func band(_ band: OLIBand) -> PixelPlane<UInt16> { bands[band.offset] }

    /// NDVI of (`row`, `column`) from its DN, as an analysis of the files computes it; nil at fill.
    public func ndvi(row: Int, column: Int) -> Double? {
        guard let red = Self.reflectance(dn: band(.red)[row, column]),
              let nir = Self.reflectance(dn: band(.nir)[row, column]), red + nir != 0 else { return nil }
        return (nir - red) / (nir + red)
    }

    /// Number of pixels of each cloud kind (fill excluded).
    public func count(_ kind: CloudPixel) -> Int {
        var n = 0
        for i in 0..<qa.values.count where qa.values[i] != QAPixel.fillValue.rawValue && cloudPixels.values[i] == kind { n += 1 }
        return n
    }

    /// Number of fill pixels.
    public var fillCount: Int { qa.count { $0 == QAPixel.fillValue.rawValue } }
}
