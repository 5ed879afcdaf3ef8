import ArgumentParser
import KubuqiMonitorKit
import KubuqiRaster

/// `--mask FILE[:BAND] --mask-rule RULE` of `index` and `change`, checked before any work.
enum MaskOptions {
    /// The mask option, nil when no --mask; usage errors for a rule without a file and the reverse.
    static func parse(mask: String?, rule: String?, maskWater: Bool, noMask: Bool) throws -> MaskOption? {
        guard let mask else {
            if rule != nil { throw ValidationError("--mask-rule needs --mask FILE[:BAND]") }
            return nil
        }
        guard let rule else {
            throw ValidationError("--mask needs --mask-rule (\(MaskRule.names.joined(separator: ", ")))")
        }
        if noMask { throw ValidationError("--mask and --no-mask contradict each other") }
        do {
            return MaskOption(selection: BandSelection(parsing: mask), rule: try MaskRule.parse(rule, maskWater: maskWater))
        } catch let e as KubuqiError {
            throw ValidationError(e.message)
        }
    }
}
