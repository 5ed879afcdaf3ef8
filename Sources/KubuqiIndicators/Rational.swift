/// An exact fraction of 128-bit integers, for the comparisons of the
/// indicator rules that must not depend on floating-point rounding: a slope
/// exactly equal to the minimum slope, a mean exactly on a percentile, a SOC
/// change of exactly −10 % (docs/ldn-method.md, "Exact comparisons").
///
/// Always reduced, with a positive denominator. Products of the few small
/// numbers the rules combine (raw integer productivity values, year counts,
/// decimal parameters) stay far below 2^127.
public struct Rational: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The numerator.
    public let numerator: Int128
    /// The denominator, > 0.
    public let denominator: Int128

    /// `numerator / denominator`, reduced (denominator ≠ 0).
    public init(_ numerator: Int128, _ denominator: Int128 = 1) {
        precondition(denominator != 0, "a fraction needs a non-zero denominator")
        let g = Self.gcd(numerator.magnitude, denominator.magnitude)
        let sign: Int128 = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / Int128(g)
        self.denominator = sign * denominator / Int128(g)
    }

    /// An integer.
    public init(_ value: Int) { self.init(Int128(value), 1) }

    /// The exact value of the shortest decimal that reads back as `value`
    /// (0.0001 is 1/10000, not the binary double nearest to it): parameters
    /// written as decimals in a config or in metadata are compared as written.
    /// Nil for NaN, infinities and decimals beyond 30 digits.
    public init?(decimal value: Double) {
        guard value.isFinite else { return nil }
        guard let r = Rational(decimalString: "\(value)") else { return nil }
        self = r
    }

    /// Parses "-12.5e-3"-style decimal text exactly.
    public init?(decimalString text: String) {
        var s = Substring(text.lowercased())
        var exponent = 0
        if let e = s.firstIndex(of: "e") {
            guard let x = Int(s[s.index(after: e)...]) else { return nil }
            exponent = x
            s = s[..<e]
        }
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        var digits = Substring(s)
        if let dot = s.firstIndex(of: ".") {
            let fraction = s[s.index(after: dot)...]
            exponent -= fraction.count
            digits = s[..<dot] + fraction
        }
        guard !digits.isEmpty, digits.count <= 30, digits.allSatisfy(\.isASCII), let m = Int128(String(digits)) else { return nil }
        guard abs(exponent) <= 30 else { return nil }
        var p: Int128 = 1
        for _ in 0..<abs(exponent) { p *= 10 }
        let signed = negative ? -m : m
        self = exponent >= 0 ? Rational(signed * p, 1) : Rational(signed, p)
    }

    /// The nearest Double.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The sign: −1, 0 or 1.
    public var signum: Int { numerator == 0 ? 0 : (numerator < 0 ? -1 : 1) }

    /// |self|.
    public var magnitude: Rational { Rational(numerator < 0 ? -numerator : numerator, denominator) }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    public static func < (a: Rational, b: Rational) -> Bool { a.numerator * b.denominator < b.numerator * a.denominator }
    public static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }
    public static func - (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
    }
    public static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }
    public static func / (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }
    public static prefix func - (a: Rational) -> Rational { Rational(-a.numerator, a.denominator) }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }
}
