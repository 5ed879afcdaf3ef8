import KubuqiIndicators
import KubuqiRaster

/// What `sample` is asked to do: parsed once by the command line, checked here.
public struct SampleOptions: Sendable {
    /// How many points to draw in all.
    public enum Size: Sendable, Equatable {
        /// Exactly this many (before minimums per stratum).
        case fixed(Int)
        /// Enough for this standard error of the overall accuracy (Olofsson et al. 2014, eq. 13).
        case overallAccuracySE(Double)
        /// Enough for this standard error of one class's area proportion (Cochran 1977, eq. 4.2).
        case classAreaSE(code: Int, se: Double)
    }

    /// The class map (`FILE[:BAND]`).
    public var map: BandSelection
    /// The output folder.
    public var outputFolder: String
    /// The sample size rule (default: overall accuracy to a standard error of 0.01).
    public var size: Size = .overallAccuracySE(0.01)
    /// Expected user's accuracy per class, for the size; classes not named get the default.
    public var expectedUsersAccuracy: [Int: Double] = [:]
    /// How points are shared between strata (default: at least 50 per class, the rest by area).
    public var allocation: SampleAllocation = .compromise(minimum: 50)
    /// The random seed.
    public var seed: UInt64 = 1
    /// The most pixels the map may declare (``defaultMaximumPixels`` unless raised): a larger map is refused
    /// before any pixel is read, as its two passes would run for hours.
    public var maximumPixels = Self.defaultMaximumPixels
    /// No progress bar.
    public var quiet = false

    /// Creates options for `map` and `outputFolder`, the rest at their defaults.
    public init(map: BandSelection, outputFolder: String) {
        self.map = map
        self.outputFolder = outputFolder
    }

    /// The user's accuracy the size is planned with for a class of area share `weight`: the
    /// value given, else 0.7 for classes under 10 % of the map and 0.9 for the others (the
    /// values of Olofsson et al. 2014's worked example: 0.6-0.7 for change, 0.9-0.95 stable).
    public func expectedAccuracy(code: Int, weight: Double) -> Double {
        expectedUsersAccuracy[code] ?? (weight < 0.1 ? 0.7 : 0.9)
    }

    /// A usage error for values that cannot be used.
    public func validate() throws {
        switch size {
        case .fixed(let n) where n < 1 || n > Self.maximumPoints:
            throw KubuqiError(.usage, "--size must be a whole number from 1 to \(Self.maximumPoints)")
        case .overallAccuracySE(let se) where !(se > 0 && se < 0.5):
            throw KubuqiError(.usage, "--target-se must be a standard error between 0 and 0.5 (e.g. 0.01)")
        case .classAreaSE(_, let se) where !(se > 0 && se < 0.5):
            throw KubuqiError(.usage, "--target-class-se must be a standard error between 0 and 0.5 (e.g. -1=0.005)")
        default: break
        }
        for (code, u) in expectedUsersAccuracy where !(u > 0 && u < 1) {
            throw KubuqiError(.usage, "--expected-accuracy \(code)=\(u): a user's accuracy must lie strictly between 0 and 1")
        }
        if maximumPixels < 1 {
            throw KubuqiError(.usage, "--max-pixels must be a whole number of at least 1")
        }
        if case .compromise(let m) = allocation, m < 2 || m > Self.maximumPoints {
            throw KubuqiError(.usage, "--min-per-class must be a whole number from 2 to \(Self.maximumPoints)")
        }
    }

    /// The most points one sample may hold (a labelling campaign, not a census).
    public static let maximumPoints = 1_000_000
    /// The default of ``maximumPixels``: 2^34 (17,179,869,184) pixels, about a 30 m map of a
    /// 15-million-km2 region; each of `sample`'s two passes reads every pixel (about 20 ns a pixel on one
    /// core, so some 6 CPU minutes a pass at the limit, hours for a declared 10^6 x 10^6 grid).
    public static let defaultMaximumPixels = 1 << 34

    /// The most classes a class map may have.
    public static let maximumClasses = 1000
}
