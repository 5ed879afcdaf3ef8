import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The labelled points of a sample, checked against its design: the usable points' map and
/// reference classes, and a count (with examples) of every point left out and why.
struct LabelledSample {
    /// Why a point is left out.
    enum Exclusion: String, CaseIterable, Codable {
        case unlabelled = "no reference class"
        case unknownReference = "reference is not one of the map's classes"
        case unknownStratum = "stratum is not one of the design's"
        case outsideMap = "outside the map"
        case noLocation = "no coordinates"
        case duplicate = "duplicate id or pixel (the first is kept)"
    }

    /// Usable points: stratum index and reference class index.
    var pairs: [(stratum: Int, reference: Int)] = []
    /// Points left out, by reason.
    var excluded: [Exclusion: Int] = [:]
    /// The ids of a few left-out points per reason, for the message.
    var examples: [Exclusion: [String]] = [:]
    /// Points read.
    var read = 0

    /// Reads `path` (any vector format OGR reads: CSV, GeoPackage...) and checks every point.
    static func read(_ path: String, design: SampleDesign, referenceField: String) throws -> LabelledSample {
        try InputFile.requireRegular(path)
        let table: (columns: [String], crsWKT: String, rows: [(cells: [String], point: (x: Double, y: Double)?)])
        do {
            table = try VectorTable.read(path: path)
        } catch let e as GDALError {
            throw KubuqiError.input(path, "not a table of points (\(e.messages.last ?? e.description))")
        }
        func column(_ name: String) -> Int? { table.columns.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame } }
        guard let ref = column(referenceField) else {
            throw KubuqiError.input(path, "has no '\(referenceField)' column (columns: \(table.columns.joined(separator: ", ")))")
        }
        guard let stratumColumn = column("stratum") else { throw KubuqiError.input(path, "has no 'stratum' column: is it the points file 'sample' wrote?") }
        let idColumn = column("id"), xColumn = column("x"), yColumn = column("y")
        let codes = design.strata.map(\.code)
        let transform = GeoTransform(design.geoTransform)

        var sample = LabelledSample()
        var seenIDs = Set<String>(), seenPixels = Set<Int>()
        for (n, row) in table.rows.enumerated() {
            sample.read += 1
            let id = idColumn.map { row.cells[$0] } ?? String(n + 1)
            func leaveOut(_ why: Exclusion) {
                sample.excluded[why, default: 0] += 1
                if sample.examples[why, default: []].count < 3 { sample.examples[why, default: []].append(id) }
            }
            // Location: the point's geometry, else its x and y columns.
            var location = row.point
            if location == nil, let xc = xColumn, let yc = yColumn, let x = Double(row.cells[xc]), let y = Double(row.cells[yc]) { location = (x, y) }
            guard let (x, y) = location, x.isFinite, y.isFinite else { leaveOut(.noLocation); continue }
            guard let (c, r) = transform.pixel(x: x, y: y), c >= 0, r >= 0, c < Double(design.width), r < Double(design.height) else { leaveOut(.outsideMap); continue }
            guard let stratumCode = Int(row.cells[stratumColumn].trimmingCharacters(in: .whitespaces)),
                  let s = codes.firstIndex(of: stratumCode) else { leaveOut(.unknownStratum); continue }
            let label = row.cells[ref].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { leaveOut(.unlabelled); continue }
            guard let refCode = Self.code(label), let j = codes.firstIndex(of: refCode) else { leaveOut(.unknownReference); continue }
            let pixel = Int(r) * design.width + Int(c)
            guard seenIDs.insert(id).inserted, seenPixels.insert(pixel).inserted else { leaveOut(.duplicate); continue }
            sample.pairs.append((s, j))
        }
        return sample
    }

    /// An integer class code from a label ("-1", "2", "2.0").
    static func code(_ label: String) -> Int? {
        if let i = Int(label) { return i }
        if let d = Double(label), d.isFinite, d == d.rounded(), abs(d) < 1e9 { return Int(d) }
        return nil
    }
}
