import ArgumentParser
import KubuqiGDAL
import KubuqiMonitorKit

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "No progress bar.")
    var quiet = false

    @Option(name: .customLong("gdal-config"), help: ArgumentHelp(
        "A GDAL configuration option, as KEY=VALUE (repeatable), e.g. GDAL_CACHEMAX=512.",
        valueName: "KEY=VALUE"))
    var config: [String] = []

    /// Applies the `--gdal-config` options to GDAL.
    func apply() throws {
        if let twice = ListValidation.firstRepeated(config, key: { String($0.prefix { $0 != "=" }).uppercased() }) {
            throw ValidationError("--gdal-config \(twice.prefix { $0 != "=" }) is given twice; give each option once")
        }
        for item in config {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("--gdal-config expects KEY=VALUE, got '\(item)'")
            }
            GDALEnvironment.setConfig(String(item[..<eq]), String(item[item.index(after: eq)...]))
        }
    }
}

/// Options of every command that writes a raster.
struct RasterOutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The output GeoTIFF.", valueName: "OUT.tif"))
    var output: String?

    @Option(name: .customLong("ot"), help: ArgumentHelp(
        "Output type: Float32 (nodata NaN) or Int16 (value x 10000, nodata -32768).", valueName: "TYPE"))
    var outputType: String = "Float32"

    @Option(name: .customLong("co"), help: ArgumentHelp(
        "A GDAL creation option, as KEY=VALUE (repeatable), over the defaults TILED=YES, 256x256 blocks, "
        + "COMPRESS=DEFLATE, PREDICTOR=3 (Float32) or 2 (Int16), NUM_THREADS=ALL_CPUS, BIGTIFF=IF_SAFER; "
        + "the result is a Cloud Optimized GeoTIFF unless COG=NO.",
        valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    /// The output spec these options describe.
    func spec() throws -> RasterOutputSpec {
        guard let output else { throw ValidationError("missing the output: give -o OUT.tif") }
        let encoding = try EnumeratedValue.parse(outputType, option: "--ot", choices: [IndexEncoding.float32, .int16].map { ($0.rawValue, $0) })
        return RasterOutputSpec(path: output, encoding: encoding, creationOptions: try Self.parseCreationOptions(creationOptions))
    }

    /// Parses `KEY=VALUE` creation options, as a usage error when malformed or
    /// when the GeoTIFF or COG drivers cannot take them (``CreationOptionsCheck``).
    static func parseCreationOptions(_ items: [String]) throws -> CreationOptions {
        let options: CreationOptions
        do { options = try CreationOptions(parsing: items) } catch let e as GDALError {
            throw ValidationError(e.context)
        }
        try CreationOptionsCheck.validate(options)
        return options
    }
}
