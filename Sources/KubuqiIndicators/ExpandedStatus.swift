/// The seven classes of the comparison of a reporting period with the
/// baseline ("expanded status matrix" of the addendum to the UNCCD GPG for
/// SDG 15.3.1 v2, with the codes of Trends.Earth's `sdg_status_expanded`).
public enum ExpandedStatus: Int16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1: degraded at baseline and degraded in the reporting period.
    case persistentDegradation = 1
    /// 2: stable or improved at baseline, degraded in the reporting period.
    case recentDegradation = 2
    /// 3: degraded at baseline, stable in the reporting period (still degraded).
    case baselineDegradation = 3
    /// 4: stable in both.
    case stable = 4
    /// 5: improved at baseline, stable in the reporting period (still improved).
    case baselineImprovement = 5
    /// 6: degraded or stable at baseline, improved in the reporting period.
    case recentImprovement = 6
    /// 7: improved in both.
    case persistentImprovement = 7

    /// A short English label.
    public var description: String {
        switch self {
        case .persistentDegradation: "Persistent degradation"
        case .recentDegradation: "Recent degradation"
        case .baselineDegradation: "Baseline degradation"
        case .stable: "Stable"
        case .baselineImprovement: "Baseline improvement"
        case .recentImprovement: "Recent improvement"
        case .persistentImprovement: "Persistent improvement"
        }
    }
}
