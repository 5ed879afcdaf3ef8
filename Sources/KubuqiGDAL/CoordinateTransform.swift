import CGDAL

/// Transforms coordinates between two CRSs through PROJ (`OCTTransform`), in the traditional
/// GIS axis order (x/easting or longitude first).
public final class CoordinateTransform: @unchecked Sendable {
    private let handle: OGRCoordinateTransformationH
    private let source: SpatialReference, target: SpatialReference

    /// A transformation from `source` to `target`; nil when PROJ has none between them.
    public init?(from source: SpatialReference, to target: SpatialReference) {
        GDALEnvironment.initialize()
        let (h, _) = GDALErrors.capture { OCTNewCoordinateTransformation(source.handle, target.handle) }
        guard let h else { return nil }
        handle = h
        self.source = source
        self.target = target
    }

    /// A transformation from `source` to geographic WGS 84 (EPSG:4326): longitude, latitude.
    public static func toWGS84(from source: SpatialReference) -> CoordinateTransform? {
        guard let wgs84 = SpatialReference(epsg: 4326) else { return nil }
        return CoordinateTransform(from: source, to: wgs84)
    }

    deinit { OCTDestroyCoordinateTransformation(handle) }

    /// Transforms points in place; false for a point PROJ could not transform (left as it was).
    public func transform(x: inout [Double], y: inout [Double]) -> [Bool] {
        precondition(x.count == y.count)
        var ok = [Int32](repeating: 0, count: x.count)
        guard !x.isEmpty else { return [] }
        _ = GDALErrors.capture(echoWarnings: false) {
            OCTTransformEx(handle, Int32(x.count), &x, &y, nil, &ok)
        }
        return ok.map { $0 != 0 }
    }
}
