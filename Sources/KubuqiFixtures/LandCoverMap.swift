/// A land-cover map in ESA CCI LCCS codes (Byte), for 2000 (the land types
/// before the planted changes) or 2024 (after them). 0 would be no data; no
/// pixel uses it.
public struct LandCoverMap: Sendable {
    /// The nodata value of the ESA CCI maps.
    public static let nodata: UInt8 = 0

    /// The year the map stands for.
    public let year: Int
    /// The LCCS code of every pixel.
    public let codes: PixelPlane<UInt8>

    /// The map of `area` in `year` (the "before" land types up to 2013, the "after" ones from 2023).
    public init(area: StudyArea, year: Int) {
        self.year = year
        let types = StudyArea.changeProgress(year: year) < 1 ? area.before : area.after
        codes = types.map { $0.lccsCode }
    }

    /// Pixels per LCCS code, by code.
    public var histogram: [(code: UInt8, pixels: Int)] {
        var counts = [Int](repeating: 0, count: 256)
        for v in codes.values { counts[Int(v)] += 1 }
        return (0..<256).filter { counts[$0] > 0 }.map { (UInt8($0), counts[$0]) }
    }

    /// The ESA CCI name of an LCCS code the fixtures use.
    public static func name(of code: UInt8) -> String {
        switch code {
        case 10: return "Cropland, rainfed"
        case 60: return "Tree cover, broadleaved, deciduous"
        case 61: return "Tree cover, broadleaved, deciduous, closed (>40%)"
        case 120: return "Shrubland"
        case 130: return "Grassland"
        case 190: return "Urban areas"
        case 200: return "Bare areas"
        case 210: return "Water bodies"
        default: return "LCCS \(code)"
        }
    }
}
