import Foundation

/// The Standardized Precipitation Index (McKee, Doesken & Kleist 1993) of
/// monthly precipitation series, per pixel, at one accumulation scale.
///
/// For each pixel:
/// 1. the k-month sums X(t) = P(t − k + 1) + ... + P(t) (undefined for the
///    first k − 1 months and wherever one of the k months is missing);
/// 2. per calendar month, over the calibration months with a defined sum: the
///    share of zero sums q = m / n and a two-parameter gamma G fitted to the
///    positive sums (``GammaFit``, Thom's approximation or the exact MLE);
/// 3. the mixed distribution H(x) = q + (1 − q) G(x) (Thom 1966; Guttman 1999)
///    mapped to the standard normal, SPI = Φ⁻¹(H(x)) (``NormalDistribution/quantile(_:)``),
///    bounded to ±3.09 as climate-indices bounds it (H within 0.001 of 0 or 1).
///
/// Documented special cases (no NaN beyond missing data):
/// - fewer than ``minimumFitValues`` defined sums of a calendar month in the
///   calibration: that pixel's SPI is nodata (NaN) for that calendar month;
/// - a calendar month whose calibration has fewer than two distinct positive
///   sums (never any rain, or always the same amount), so that no gamma can
///   be fitted: SPI = 0 for every sum up to the calibration's largest and
///   +3.09 above it (no spread, no departure to measure).
///
/// Pure Swift over buffers, one pixel at a time: `values` and `output` hold
/// month t of pixel p at `t * stride + p`.
public struct SPICalculator: Sendable {
    /// The accumulation scale k in months (≥ 1).
    public let scale: Int
    /// The number of months of the series.
    public let months: Int
    /// The calendar month (1-12) of the series' first month.
    public let firstMonth: Int
    /// The months (indices into the series) of the calibration period.
    public let calibration: Range<Int>
    /// The gamma estimator.
    public let estimator: GammaFit.Estimator

    /// The SPI's bound: |SPI| ≤ 3.09 (climate-indices' clip; Φ(−3.09) ≈ 0.001).
    public static let bound = 3.09
    /// The fewest defined sums per calendar month and pixel in the calibration for a fit.
    public static let minimumFitValues = 10

    /// A calculator; `calibration` must lie within `0..<months`.
    public init(scale: Int, months: Int, firstMonth: Int, calibration: Range<Int>, estimator: GammaFit.Estimator = .thom) {
        precondition(scale >= 1 && months >= 1 && (1...12).contains(firstMonth))
        precondition(calibration.lowerBound >= 0 && calibration.upperBound <= months)
        self.scale = scale
        self.months = months
        self.firstMonth = firstMonth
        self.calibration = calibration
        self.estimator = estimator
    }

    /// What a run met besides ordinary values.
    public struct Tally: Sendable, Hashable {
        /// Pixel-months with a defined sum but no fit (too few calibration values): nodata.
        public var unfitted = 0
        /// Pixel-calendar-months whose calibration allowed no gamma (no rain ever, or no spread).
        public var degenerateMonths = 0
        /// Pixel-months computed (defined SPI).
        public var computed = 0

        /// An empty tally.
        public init() {}

        /// Adds another tally.
        public mutating func add(_ o: Tally) {
            unfitted += o.unfitted
            degenerateMonths += o.degenerateMonths
            computed += o.computed
        }
    }

    /// The SPI of `pixels` (columns of the `stride`-wide layout) into `output`.
    /// Values must be ≥ 0 or NaN (missing).
    public func run(values: UnsafeBufferPointer<Float>, stride: Int, pixels: Range<Int>,
                    output: UnsafeMutableBufferPointer<Float>) -> Tally {
        var tally = Tally()
        let series = UnsafeMutableBufferPointer<Double>.allocate(capacity: months)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: months)
        defer { series.deallocate(); sums.deallocate() }
        for p in pixels {
            for t in 0..<months { series[t] = Double(values[t * stride + p]) }
            accumulate(series, into: sums)
            for m in 0..<min(12, months) {
                transform(sums, from: m, pixel: p, stride: stride, output: output, tally: &tally)
            }
        }
        return tally
    }

    /// The k-month sums (NaN where undefined), each summed directly so that k zeros give exactly 0.
    func accumulate(_ series: UnsafeMutableBufferPointer<Double>, into sums: UnsafeMutableBufferPointer<Double>) {
        for t in 0..<months {
            guard t >= scale - 1 else { sums[t] = .nan; continue }
            var s = 0.0
            for i in (t - scale + 1)...t { s += series[i] }
            sums[t] = s
        }
    }

    /// Fits the calendar month of series month `start` (< 12) and writes its SPI.
    private func transform(_ sums: UnsafeMutableBufferPointer<Double>, from start: Int, pixel p: Int, stride: Int,
                           output: UnsafeMutableBufferPointer<Float>, tally: inout Tally) {
        var n = 0, zeros = 0, positives = 0
        var sum = 0.0, logs = 0.0, largest = 0.0, smallestPositive = Double.infinity
        var t = start
        while t < months {
            if calibration.contains(t) {
                let x = sums[t]
                if !x.isNaN {
                    n += 1
                    if x == 0 { zeros += 1 } else {
                        positives += 1
                        sum += x
                        logs += log(x)
                        largest = max(largest, x)
                        smallestPositive = min(smallestPositive, x)
                    }
                }
            }
            t += 12
        }
        let fitted = n >= Self.minimumFitValues
        let fit = fitted && smallestPositive < largest ? GammaFit(count: positives, sum: sum, sumOfLogs: logs, estimator: estimator) : nil
        if fitted && fit == nil { tally.degenerateMonths += 1 }
        let q = n > 0 ? Double(zeros) / Double(n) : 0
        t = start
        while t < months {
            let x = sums[t]
            var spi = Double.nan
            if x.isNaN {
            } else if !fitted {
                tally.unfitted += 1
            } else {
                if let fit {
                    let h = q + (1 - q) * fit.cdf(x)
                    spi = min(Self.bound, max(-Self.bound, NormalDistribution.quantile(h)))
                } else {
                    spi = x <= largest ? 0 : Self.bound
                }
                tally.computed += 1
            }
            output[t * stride + p] = Float(spi)
            t += 12
        }
    }
}
