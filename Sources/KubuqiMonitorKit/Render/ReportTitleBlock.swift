import Foundation
import KubuqiGDAL

/// The title block of a report a ministry can sign (`ldn`'s report, `change`'s tables and
/// quicklook): what, where, when, by whom, from which data and with which parameters. The one
/// definition of its fields: the JSON documents carry it as it is, and the HTML and Markdown
/// renderings print ``rows`` then ``parameters``.
struct ReportTitleBlock: Codable, Sendable {
    /// The report's title (nil where the document has its own, e.g. `change`).
    var title: String?
    var area: String?
    var period: String
    var producer: String?
    var date: String
    var sources: [String]
    var crs: String
    /// "30 m" (projected) or "0.00025 degrees".
    var pixel: String
    /// Name and value of every parameter of the method.
    var parameters: [[String]]

    /// The settings' area, producer, date and sources (given sources first, then the input files' names)
    /// with the grid's CRS and pixel size.
    init(title: String? = nil, settings s: ReportTitleSettings, area placeholder: String? = nil, period: String, inputs: [String],
         grid: Grid, parameters: [[String]]) {
        self.title = title
        area = s.area ?? placeholder
        self.period = period
        producer = s.producer
        date = s.effectiveDate
        sources = (s.sources.map { [$0] } ?? []) + ["inputs: " + inputs.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")]
        crs = grid.crsName
        pixel = grid.pixelSizeText
        self.parameters = parameters
    }

    /// The block's lines before the parameters, as (label, value), in print order; `missing` says
    /// what to do about an absent area or producer.
    func rows(missing: (String) -> String) -> [(String, String)] {
        [("Area", area ?? missing("area")), ("Period", period), ("Producer", producer ?? missing("producer")), ("Date", date)]
            + sources.map { ("Sources", $0) } + [("Grid", "\(crs), pixel \(pixel)")]
    }

    /// One line for a quicklook: area, producer, date.
    var line: String {
        [area ?? "(no area name: --area)", producer ?? "(no producer: --producer)", date].joined(separator: " | ")
    }
}
