import ArgumentParser
import Foundation
import KubuqiMonitorKit

extension KubuqiMonitor {
    /// `info`: size, bands, CRS, pixel size, extent, blocks and overviews of rasters.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe rasters: size, bands, data types, nodata, CRS, pixel size, extent, blocks, overviews.",
            discussion: """
            Examples:
              kubuqi-monitor info B04.tif
              kubuqi-monitor info --json scene/*.tif
              kubuqi-monitor info /vsizip/bands.zip/red.tif
            """ + ExitCodesHelp.section)

        @Argument(help: ArgumentHelp("Rasters to describe (any GDAL-readable path).", valueName: "RASTER"))
        var rasters: [String]

        @Flag(help: "Print JSON (a list, one object per raster, with the CRS as WKT2).")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.apply()
            let descriptions = try InfoJob.describe(rasters)
            if json {
                print(try InfoJob.json(descriptions))
            } else {
                print(descriptions.map(InfoJob.text).joined(separator: "\n\n"))
            }
        }
    }
}
