import KubuqiGDAL
import KubuqiRaster

/// How one observation's window is read: a band scaled to physical values,
/// or a scene's bands scaled, masked by its quality band and combined by an
/// index kernel (as `index --scene` does), into one row of values (NaN for nodata).
struct StackReader: @unchecked Sendable {
    /// The band read, or the index's bands in kernel order.
    var inputs: [PixelInput]
    /// The scene's quality mask, nil when none.
    var mask: PixelMask?
    /// The index kernel for a scene, nil for a plain band.
    var kernel: SpectralIndex.Kernel?
    /// A same-day mosaic's readers (then `inputs` is empty): per pixel, the mean of their valid values.
    var parts: [StackReader] = []
    /// A plain tiled 16-bit GeoTIFF band's windows decoded by us (``DirectTileReader``), nil when GDAL reads them;
    /// a file or tile the fast path does not take is read through GDAL, with the same values.
    var direct: DirectTileReader?

    /// A plain band or a scene.
    init(inputs: [PixelInput], mask: PixelMask? = nil, kernel: SpectralIndex.Kernel? = nil) {
        self.inputs = inputs
        self.mask = mask
        self.kernel = kernel
    }

    /// A same-day mosaic of `parts`.
    init(mosaic parts: [StackReader]) {
        inputs = []
        self.parts = parts
    }

    /// The first band (its dataset groups the reads by thread).
    var band: RasterBand { parts.first?.band ?? inputs[0].band }
    /// Every band read.
    var allBands: [RasterBand] { parts.isEmpty ? inputs.map(\.band) + (mask.map { [$0.band] } ?? []) : parts.flatMap(\.allBands) }

    /// Reads window `w` into `row` (at least `w.pixelCount` long).
    func read(_ w: Window, into row: UnsafeMutableBufferPointer<Float>) throws {
        let n = w.pixelCount
        if !parts.isEmpty { return try readMosaic(w, into: row) }
        guard let kernel else {
            if let unsigned = Self.sixteenBit(inputs[0]) { return try Self.read16(inputs[0], unsigned: unsigned, direct: direct, w, into: row) }
            try inputs[0].band.read(w, into: row)
            inputs[0].prepare(row)
            Self.nanForNonFinite(UnsafeMutableBufferPointer(rebasing: row[0..<n]))
            return
        }
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: n * (inputs.count + (mask == nil ? 0 : 1)))
        defer { scratch.deallocate() }
        let parts = (0..<(inputs.count + (mask == nil ? 0 : 1))).map { UnsafeMutableBufferPointer(rebasing: scratch[($0 * n)..<(($0 + 1) * n)]) }
        for (i, input) in inputs.enumerated() {
            try input.band.read(w, into: parts[i])
            input.prepare(parts[i])
        }
        if let mask {
            let q = parts[inputs.count]
            try mask.band.read(w, into: q)
            for p in 0..<n where mask.excludes(q[p]) {
                for i in inputs.indices { parts[i][p] = .nan }
            }
        }
        let out = UnsafeMutableBufferPointer(rebasing: row[0..<n])
        kernel(inputs.indices.map { UnsafeBufferPointer(parts[$0]) }, inputs.map { _ in nil }, out)
        for p in 0..<n where !out[p].isFinite { out[p] = .nan }
    }

    /// Every non-finite value of `row` (±infinity, any NaN) made the one NaN that marks nodata,
    /// eight lanes at a time (the scalar loop was 2.5 % of a 230-date run).
    static func nanForNonFinite(_ row: UnsafeMutableBufferPointer<Float>) {
        let n = row.count
        guard n > 0 else { return }
        let base = UnsafeMutableRawPointer(row.baseAddress!)
        let nan = Lanes(repeating: .nan), low = Lanes(repeating: -.infinity), high = Lanes(repeating: .infinity)
        var i = 0
        while i + Lanes.scalarCount <= n {
            let p = base + i * MemoryLayout<Float>.stride
            var v = p.loadUnaligned(as: Lanes.self)
            v.replace(with: nan, where: .!((v .> low) .& (v .< high)))
            p.storeBytes(of: v, as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < n {
            if !row[i].isFinite { row[i] = .nan }
            i += 1
        }
    }

    /// A mosaic's window: each part read in turn, the valid values averaged (NaN where none is valid).
    private func readMosaic(_ w: Window, into row: UnsafeMutableBufferPointer<Float>) throws {
        let n = w.pixelCount
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        let valid = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        defer { scratch.deallocate(); valid.deallocate() }
        for p in 0..<n { row[p] = 0; valid[p] = 0 }
        for part in parts {
            try part.read(w, into: scratch)
            for p in 0..<n where !scratch[p].isNaN {
                row[p] += scratch[p]
                valid[p] += 1
            }
        }
        for p in 0..<n { row[p] = valid[p] > 0 ? row[p] / valid[p] : .nan }
    }
}
