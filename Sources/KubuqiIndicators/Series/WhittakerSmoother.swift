/// The Whittaker smoother (Eilers 2003, "A perfect smoother", Analytical
/// Chemistry 75, 3631-3636) with second-order differences: the series z
/// minimising
///
///     sum_i w_i (y_i - z_i)^2 + lambda sum_i (z_{i+2} - 2 z_{i+1} + z_i)^2
///
/// i.e. the solution of (W + lambda D'D) z = W y, D the second-difference
/// matrix. Weights 0 mark gaps, which the solution fills (interpolation by
/// the penalty). The observations are taken as equally spaced (Eilers'
/// basic form, suited to composites at a fixed step). The system is
/// pentadiagonal and symmetric positive definite when at least two
/// observations have weight: a banded Cholesky factorisation solves it in
/// O(n).
public struct WhittakerSmoother: Sendable, Hashable {
    /// The penalty weight lambda (> 0): larger is smoother.
    public var lambda: Double

    /// Creates a smoother.
    public init(lambda: Double) {
        precondition(lambda > 0 && lambda.isFinite, "lambda must be positive")
        self.lambda = lambda
    }

    /// Smooths `y` (weights `w`, 0 for a gap) into `z`; returns false (and
    /// leaves `z` untouched) when fewer than two weights are positive or the
    /// series is shorter than three values.
    public func smooth(_ y: UnsafeBufferPointer<Double>, weights w: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) -> Bool {
        let n = y.count
        guard n >= 3, w.lazy.filter({ $0 > 0 }).count >= 2 else { return false }
        // The band of A = W + lambda D'D: a[i][0] = A(i,i), a[i][1] = A(i,i-1), a[i][2] = A(i,i-2).
        var a = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n { a[i][0] = w[i] }
        let c: [Double] = [1, -2, 1]
        for r in 0..<(n - 2) {
            for p in 0..<3 {
                for q in 0...p { a[r + p][p - q] += lambda * c[p] * c[q] }
            }
        }
        // Banded Cholesky A = L L', L with the same band.
        var l = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n {
            for d in stride(from: min(i, 2), through: 0, by: -1) {
                let j = i - d
                var s = a[i][d]
                for m in max(0, i - 2)..<j where j - m <= 2 { s -= l[i][i - m] * l[j][j - m] }
                if d == 0 {
                    guard s > 0 else { return false }
                    l[i][0] = s.squareRoot()
                } else {
                    l[i][d] = s / l[j][0]
                }
            }
        }
        // L u = W y, then L' z = u.
        var u = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = w[i] > 0 ? w[i] * y[i] : 0
            for d in 1...2 where i - d >= 0 { s -= l[i][d] * u[i - d] }
            u[i] = s / l[i][0]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = u[i]
            for d in 1...2 where i + d < n { s -= l[i + d][d] * z[i + d] }
            z[i] = s / l[i][0]
        }
        return true
    }
}
