import Foundation
import TestSupport

/// A 60 x 60 synthetic NDVI pair with planted change patches of known size and sign.
enum PlantedChangePair {
    static let size = 60
    /// Planted patches: (column, row, width, height, NDVI change).
    static let patches: [(Int, Int, Int, Int, Float)] = [
        (2, 2, 10, 10, -0.30),   // 100 px strong degradation
        (20, 3, 8, 5, -0.12),    // 40 px degradation
        (35, 30, 6, 6, 0.30),    // 36 px strong improvement
        (5, 40, 7, 3, 0.12),     // 21 px improvement
        (50, 50, 2, 2, -0.30),   // 4 px strong degradation (below a 5 px MMU)
        (45, 10, 1, 1, 0.30),    // 1 px strong improvement (below a 5 px MMU)
    ]

    static func make(_ tmp: TemporaryFolder, nodataPixels: Int = 0) throws -> (String, String, [Float], [Float]) {
        var before = [Float](), after = [Float]()
        for r in 0..<size {
            for c in 0..<size {
                // Small deterministic texture, far below the thresholds used.
                let v = 0.3 + 0.004 * Float((r * 7 + c * 3) % 5 - 2)
                before.append(v)
                var d: Float = 0
                for p in patches where c >= p.0 && c < p.0 + p.2 && r >= p.1 && r < p.1 + p.3 { d = p.4 }
                after.append(v + d + 0.001 * Float((r + c) % 3 - 1))
            }
        }
        for i in 0..<nodataPixels { after[size * size - 1 - i] = .nan }
        let b = try TestRaster.write(tmp.file("before.tif"), width: size, height: size, values: before, nodata: .nan)
        let a = try TestRaster.write(tmp.file("after.tif"), width: size, height: size, values: after, nodata: .nan)
        return (b, a, before, after)
    }

    static func classCounts(_ json: [String: Any], zone: [String: Any]? = nil) -> [Int: Int] {
        let classes = (zone ?? json)["classes"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: classes.map { ($0["code"] as! Int, $0["pixels"] as! Int) })
    }

    static func readJSON(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

}
