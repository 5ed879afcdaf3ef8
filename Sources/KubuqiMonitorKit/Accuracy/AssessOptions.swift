/// What `assess` is asked to do.
public struct AssessOptions: Sendable {
    /// The design `sample` wrote (`design.json`).
    public var design: String
    /// The labelled points (the `points.csv` or `points.gpkg` of `sample`, reference filled in).
    public var points: String
    /// The output folder.
    public var outputFolder: String
    /// The column holding the reference class.
    public var referenceField = "reference"
    /// The map's HTML report (e.g. `ldn`'s report.html): written again as `report.html` in the
    /// output folder with the assessment as a section. The original is not touched.
    public var mapReport: String?
    /// No progress output.
    public var quiet = false

    /// Creates options; the reference column defaults to `reference`.
    public init(design: String, points: String, outputFolder: String) {
        self.design = design
        self.points = points
        self.outputFolder = outputFolder
    }
}
