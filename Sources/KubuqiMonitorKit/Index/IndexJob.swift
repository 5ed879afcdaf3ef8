import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The result of an `index` run.
public struct IndexResult: Sendable {
    /// The output path.
    public var path: String
    /// Size of the output grid.
    public var width: Int, height: Int
    /// Statistics of the computed index (before Int16 encoding).
    public var statistics: SummaryStatistics
}

/// `index NAME`: computes a spectral index from band files into a GeoTIFF.
public enum IndexJob {
    /// Runs the job described by `options`.
    public static func run(_ options: IndexOptions, progress: ((Double) -> Void)? = nil) throws -> IndexResult {
        let index = options.index
        for role in index.roles where options.bands[role] == nil {
            throw KubuqiError(.usage, "\(index.name) needs the \(role) band: give --\(role) FILE[:BAND]")
        }
        let inputs = InputRasters()
        let selections = index.roles.map { options.bands[$0]! }
        let bands = try selections.map { try inputs.band($0) }
        try inputs.requireSameGrid(bands)
        let nodata = bands.map { $0.nodata.map(Float.init) }

        var spec = options.output
        if spec.bandDescription.isEmpty { spec.bandDescription = index.name.uppercased() }
        spec.metadata += [("KUBUQI_INDEX", index.name.uppercased()),
                          ("KUBUQI_FORMULA", index.formula)]
        spec.metadata += zip(index.roles, selections).map { ("KUBUQI_BAND_\($0.rawValue.uppercased())", $1.description) }
        if spec.encoding == .int16 { spec.metadata.append(("KUBUQI_SCALE", "0.0001")) }

        let bar = ProgressBar(index.name.uppercased(), quiet: options.quiet)
        let stats = try StreamedCalculation.run(
            inputs: bands, nodata: nodata, kernel: index.kernel, output: spec,
            progress: { f in bar.update(f); progress?(f) })
        return IndexResult(path: spec.path, width: bands[0].dataset.width, height: bands[0].dataset.height,
                           statistics: stats)
    }
}
