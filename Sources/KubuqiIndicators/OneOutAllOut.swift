/// The "one out, all out" rule that combines the sub-indicators (land cover,
/// land productivity, soil organic carbon) into SDG indicator 15.3.1: a pixel
/// degraded in any sub-indicator is degraded; otherwise improved in any is
/// improved; otherwise stable. Improvement in one sub-indicator never
/// offsets degradation in another (UNCCD GPG for SDG 15.3.1 v2; the rule of
/// Trends.Earth's `calc_deg_sdg`, `te_algorithms/gdal/land_deg/land_deg_numba.py`).
///
/// Nodata: Trends.Earth makes the pixel nodata when any sub-indicator is
/// nodata (`NodataRule.anyMissingIsNodata`, the default). `ignoreMissing`
/// combines the sub-indicators that are present and gives nodata only when
/// none is. A code other than −1, 0, 1 counts as nodata.
public enum OneOutAllOut {
    /// What a missing sub-indicator does to the pixel.
    public enum NodataRule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nodata in any sub-indicator makes the pixel nodata (Trends.Earth).
        case anyMissingIsNodata
        /// Missing sub-indicators are left out; nodata only if all are missing.
        case ignoreMissing
    }

    /// Combines the statuses of one pixel.
    public static func combine(_ statuses: [Int16], rule: NodataRule = .anyMissingIsNodata) -> Int16 {
        var degraded = false, improved = false, present = 0, missing = 0
        for s in statuses {
            switch s {
            case -1: degraded = true; present += 1
            case 1: improved = true; present += 1
            case 0: present += 1
            default: missing += 1
            }
        }
        if present == 0 || (rule == .anyMissingIsNodata && missing > 0) { return DegradationStatus.nodata }
        return degraded ? -1 : (improved ? 1 : 0)
    }

    /// Combines three sub-indicators pixel by pixel (the usual case: land
    /// cover, productivity, SOC).
    public static func combine(
        _ a: UnsafeBufferPointer<Int16>, _ b: UnsafeBufferPointer<Int16>, _ c: UnsafeBufferPointer<Int16>,
        rule: NodataRule = .anyMissingIsNodata, into out: UnsafeMutableBufferPointer<Int16>
    ) {
        combine([a, b, c], rule: rule, into: out)
    }

    /// Combines any number of sub-indicators pixel by pixel.
    public static func combine(
        _ inputs: [UnsafeBufferPointer<Int16>], rule: NodataRule = .anyMissingIsNodata,
        into out: UnsafeMutableBufferPointer<Int16>
    ) {
        precondition(!inputs.isEmpty && inputs.allSatisfy { $0.count >= out.count }, "input buffers are shorter than the output")
        for i in 0..<out.count {
            var degraded = false, improved = false, present = 0, missing = 0
            for input in inputs {
                switch input[i] {
                case -1: degraded = true; present += 1
                case 1: improved = true; present += 1
                case 0: present += 1
                default: missing += 1
                }
            }
            if present == 0 || (rule == .anyMissingIsNodata && missing > 0) {
                out[i] = DegradationStatus.nodata
            } else {
                out[i] = degraded ? -1 : (improved ? 1 : 0)
            }
        }
    }
}
