/// The five land productivity dynamics (LPD) classes, with the codes of the
/// JRC/UNCCD LPD datasets and of Trends.Earth (1 = declining ... 5 =
/// increasing; nodata −32768, and 0 in some distributed datasets).
public enum LPDClass: Int16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 1: declining productivity.
    case declining = 1
    /// 2: early signs of decline (also called moderate decline).
    case earlySignsOfDecline = 2
    /// 3: stable but stressed.
    case stableButStressed = 3
    /// 4: stable.
    case stable = 4
    /// 5: increasing productivity.
    case increasing = 5

    /// The class name as Trends.Earth writes it.
    public var description: String {
        switch self {
        case .declining: "Declining"
        case .earlySignsOfDecline: "Early signs of decline"
        case .stableButStressed: "Stable but stressed"
        case .stable: "Stable"
        case .increasing: "Increasing"
        }
    }
}
