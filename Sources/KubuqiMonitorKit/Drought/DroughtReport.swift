import Foundation
import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// The SO3 tables of a drought run: SO3-1 hazard (area per class and year),
/// SO3-2 exposure (people per class and year), SO3-3 vulnerability (mean per
/// zone), as CSV (``CSVTable``) and one JSON record, and the summary line.
public struct DroughtReport {
    /// A zone's vulnerability mean.
    public struct ZoneMean: Sendable, Hashable {
        /// Zone id (0: the whole area).
        public var id: Int
        /// Zone name.
        public var name: String
        /// Mean vulnerability index over its valid pixels (NaN when none).
        public var mean: Double
        /// Valid pixels.
        public var pixels: Int
    }

    /// The table files written.
    static let fileNames = ["so3-1-drought-hazard.csv", "so3-2-drought-exposure.csv", "so3-3-drought-vulnerability.csv", "drought.json"]

    let options: DroughtOptions
    let series: DroughtSeries
    let grid: Grid
    let pass: DroughtJob.Pass
    let zoneNames: [Int: String]
    /// Named zones that cover no pixel of the grid (``ZoneLayer/uncovered``): listed in the JSON record.
    var uncoveredZones: Set<Int> = []

    /// Vulnerability means by zone id (every named zone, also those without pixels).
    var zoneMeans: [ZoneMean] {
        guard options.vulnerability != nil else { return [] }
        let ids = options.zones == nil ? [0] : Array(Set(zoneNames.keys).union(pass.zoneSums.keys)).sorted()
        return ids.map { id in
            let s = pass.zoneSums[id] ?? (0, 0)
            return ZoneMean(id: id, name: options.zones == nil ? "whole area" : zoneNames[id] ?? "zone \(id)",
                            mean: s.pixels > 0 ? s.sum / Double(s.pixels) : .nan, pixels: s.pixels)
        }
    }

    static func number(_ x: Double, _ digits: Int = 4) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : ""
    }

    /// The hazard table: year, class, area in km² and its share of the classified area.
    var hazard: CSVTable {
        var t = CSVTable(header: ["year", "class_code", "class", "spi_range", "area_km2", "area_percent"])
        for (yi, year) in series.classYears.enumerated() {
            let total = DroughtClass.allCases.reduce(0.0) { $0 + pass.tally.area(year: yi, $1) }
            for c in DroughtClass.allCases {
                let a = pass.tally.area(year: yi, c)
                t.append([String(year), String(c.rawValue), c.name, c.range, Self.number(a / 1e6), Self.number(total > 0 ? 100 * a / total : .nan, 2)])
            }
        }
        return t
    }

    /// The exposure table: year, class, people per population raster and their share.
    var exposure: CSVTable {
        let labels = options.populations.map(\.label)
        var t = CSVTable(header: ["year", "class_code", "class"] + labels.flatMap { ["population_\($0)", "population_\($0)_percent"] })
        for (yi, year) in series.classYears.enumerated() {
            let totals = labels.indices.map { l in DroughtClass.allCases.reduce(0.0) { $0 + pass.tally.people(year: yi, $1, layer: l) } }
            for c in DroughtClass.allCases {
                t.append([String(year), String(c.rawValue), c.name] + labels.indices.flatMap { l -> [String] in
                    let p = pass.tally.people(year: yi, c, layer: l)
                    return [Self.number(p, 2), Self.number(totals[l] > 0 ? 100 * p / totals[l] : .nan, 2)]
                })
            }
        }
        return t
    }

    /// The vulnerability table: zone, mean, pixels.
    var vulnerabilityTable: CSVTable {
        var t = CSVTable(header: ["zone_id", "zone", "mean_vulnerability", "pixels"])
        for z in zoneMeans { t.append([String(z.id), z.name, Self.number(z.mean, 6), String(z.pixels)]) }
        return t
    }

    /// Writes the tables present and the JSON record; their paths by role.
    func write(into out: OutputFolder) throws -> [String: String] {
        var files = ["hazard": out.file(Self.fileNames[0]), "json": out.file(Self.fileNames[3])]
        var tables = [(files["hazard"]!, hazard)]
        if !options.populations.isEmpty { files["exposure"] = out.file(Self.fileNames[1]); tables.append((files["exposure"]!, exposure)) }
        if options.vulnerability != nil { files["vulnerability"] = out.file(Self.fileNames[2]); tables.append((files["vulnerability"]!, vulnerabilityTable)) }
        for (path, table) in tables {
            do { try table.text.write(toFile: path, atomically: false, encoding: .utf8) } catch {
                throw KubuqiError.output(path, "cannot be written (\(error.localizedDescription))")
            }
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        do { try data.write(to: URL(fileURLWithPath: files["json"]!)) } catch {
            throw KubuqiError.output(files["json"]!, "cannot be written (\(error.localizedDescription))")
        }
        return files
    }

    /// The JSON record: method, parameters, SPI special cases and the three tables.
    var json: [String: Any] {
        func rows(_ t: CSVTable) -> [[String: String]] { t.records.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0).map { ($0, $1) }) } }
        var out: [String: Any] = [
            "tool": "kubuqi-monitor \(ToolVersion.version) drought",
            "record": ["first": series.label(0), "last": series.label(series.months - 1), "months": series.months, "fullYears": series.years, "classifiedYears": series.classYears],
            "calibration": ["first": series.calibrationYears.lowerBound, "last": series.calibrationYears.upperBound,
                            "minimumYears": DroughtOptions.minimumCalibrationYears, "minimumValuesPerCalendarMonth": SPICalculator.minimumFitValues],
            "spi": ["scalesWritten": options.scales, "scalesComputed": options.computedScales,
                    "gammaEstimator": options.estimator == .thom ? "Thom (1958) approximation of the maximum-likelihood shape (as climate-indices)" : "exact maximum likelihood (Newton on ln a - digamma(a) = A)",
                    "bound": SPICalculator.bound,
                    "specialCases": Dictionary(uniqueKeysWithValues: pass.spi.map { (String($0.key), ["computedPixelMonths": $0.value.computed,
                        "pixelMonthsWithoutFit": $0.value.unfitted, "pixelCalendarMonthsWithoutSpread": $0.value.degenerateMonths]) })],
            "classes": DroughtClass.allCases.map { ["code": Int($0.rawValue), "name": $0.name, "range": $0.range] },
            "grid": ["width": grid.width, "height": grid.height],
            "memory": ["windowPixels": pass.windowPixels, "bufferBytes": pass.windowPixels * pass.bytesPerPixel,
                       "budgetBytes": options.memoryBudget],
            "so3_1_hazard": rows(hazard),
            "unclassifiedAreaKm2": Dictionary(uniqueKeysWithValues: series.classYears.enumerated().map { (String($1), pass.tally.unclassifiedArea[$0] / 1e6) }),
        ]
        if !options.populations.isEmpty { out["so3_2_exposure"] = rows(exposure) }
        if options.vulnerability != nil { out["so3_3_vulnerability"] = rows(vulnerabilityTable) }
        // Zones with no pixel at all (their vulnerability rows read 0 pixels because there is nothing to count).
        if !uncoveredZones.isEmpty {
            out["zonesCoveringNoPixel"] = uncoveredZones.sorted().map { ["zone_id": String($0), "zone": zoneNames[$0] ?? "zone \($0)"] }
        }
        return out
    }

    /// One line: the record, the calibration and the last year's drought area (and people).
    func summary(folder: String) -> String {
        let yi = series.classYears.count - 1, year = series.classYears[yi]
        let total = DroughtClass.allCases.reduce(0.0) { $0 + pass.tally.area(year: yi, $1) }
        let dry = DroughtClass.allCases.filter { $0 != .none }.reduce(0.0) { $0 + pass.tally.area(year: yi, $1) }
        let severe = [DroughtClass.severe, .extreme].reduce(0.0) { $0 + pass.tally.area(year: yi, $1) }
        var line = "drought: SPI-\(options.scales.map(String.init).joined(separator: ",")) of \(series.months) months (\(series.label(0))..\(series.label(series.months - 1))), "
            + "calibration \(series.calibrationYears.lowerBound)..\(series.calibrationYears.upperBound); "
            + "\(year): \(Self.number(dry / 1e6, 1)) km2 in drought (\(Self.number(total > 0 ? 100 * dry / total : 0, 1)) %), "
            + "\(Self.number(severe / 1e6, 1)) km2 severe or extreme"
        if let l = options.populations.indices.first {
            let people = DroughtClass.allCases.filter { $0 != .none }.reduce(0.0) { $0 + pass.tally.people(year: yi, $1, layer: l) }
            line += ", \(Self.number(people, 0)) people exposed (\(options.populations[l].label))"
        }
        return line + "; written to \(folder)"
    }
}
