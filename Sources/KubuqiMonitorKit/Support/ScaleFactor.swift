/// The one check of a multiplicative scale read from the user (`--scale`,
/// `--lst-scale`): a value that multiplies every pixel must be a positive,
/// normal 32-bit float. Zero, negatives (they flip every index), infinities,
/// NaN and subnormals (1e-45 turns every value into 0) are usage errors.
public enum ScaleFactor {
    /// Throws a usage error naming `option` unless `value` is a usable scale.
    public static func validate(_ value: Float, option: String = "--scale") throws {
        guard value.isNormal, value > 0 else {
            throw KubuqiError(.usage, "\(option) must be a positive number between about 1.2e-38 and 3.4e38, got \(value)")
        }
    }
}
