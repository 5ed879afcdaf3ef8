import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// `drought`'s output folder as a STAC catalogue: the SPI layers and the yearly drought
/// classes as Cloud Optimized GeoTIFFs, each an Item over the record (docs/publishing.md).
enum DroughtPublication {
    /// The record's period, from its first month's first day to its last month's last day.
    static func time(_ series: DroughtSeries) -> STACProduct.Time {
        let lastIndex = series.first.year * 12 + series.first.month - 1 + series.months - 1
        let (y, m) = (lastIndex / 12, lastIndex % 12 + 1)
        let days = CalendarDate.daysInMonth(year: y, month: m)
        return .period(start: String(format: "%04d-%02d-01T00:00:00Z", series.first.year, series.first.month),
                       end: String(format: "%04d-%02d-%02dT23:59:59Z", y, m, days))
    }

    /// Rewrites the rasters as Cloud Optimized GeoTIFFs, then writes `catalog.json` and the Items.
    static func publish(_ o: DroughtOptions, series: DroughtSeries, folder: OutputFolder) throws {
        let time = time(series)
        var products: [STACProduct] = []
        let common = ["calibration": "\(series.calibrationYears.lowerBound)-\(series.calibrationYears.upperBound)"]
        for k in o.scales {
            let path = folder.file("spi-\(k).tif")
            try CloudOptimizedOutput.rewrite(path, userOptions: o.creationOptions)
            products.append(STACProduct(path: path, id: "drought-spi-\(k)", title: "SPI-\(k), one band per month", time: time, properties: common))
        }
        let classes = folder.file("drought-class.tif")
        try CloudOptimizedOutput.rewrite(classes, userOptions: o.creationOptions)
        products.append(STACProduct(path: classes, id: "drought-class", title: "Drought class per year (UNCCD SO3-1, from the year's lowest SPI-12)",
                                    time: time, properties: common))
        let related = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { $0.hasSuffix(".csv") || $0 == "drought.json" }
            .map { (folder.file($0), $0.hasSuffix(".csv") ? "text/csv" : "application/json", $0) }
        try STACCatalog.write(folder: folder.path, id: "kubuqi-drought", title: "Drought hazard, exposure and vulnerability (SO3)",
                              description: "SPI and drought classes by \(ToolVersion.nameAndVersion).", products: products, related: related)
    }
}
