/// The tool's name and version, recorded in every report.
public enum ToolVersion {
    /// Semantic version of kubuqi-monitor.
    public static let version = "0.2.0"
    /// `kubuqi-monitor 0.2.0`.
    public static let nameAndVersion = "kubuqi-monitor \(version)"
}
