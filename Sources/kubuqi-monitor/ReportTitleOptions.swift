import ArgumentParser
import KubuqiMonitorKit

/// The title block of a report (`ldn`, `change`): who, where, when, from what. The help is the same in both commands;
/// `ldn`'s help says that the options win over its config's `[report]` keys.
struct ReportTitleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The area the report covers, for its title block.", valueName: "NAME"))
    var area: String?

    @Option(help: ArgumentHelp("Who produced the report.", valueName: "NAME"))
    var producer: String?

    @Option(help: ArgumentHelp("The report's date (default SOURCE_DATE_EPOCH or today, UTC).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Sensors and data sources in words, for the title block.", valueName: "TEXT"))
    var sources: String?

    /// The settings, the date validated.
    func settings() throws -> ReportTitleSettings {
        if let d = date, !ReportTitleSettings.isDate(d) { throw ValidationError("--date: expected a date YYYY-MM-DD, got '\(d)'") }
        return ReportTitleSettings(area: area, producer: producer, date: date, sources: sources)
    }
}
