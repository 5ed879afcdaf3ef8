import Foundation
import KubuqiGDAL
import KubuqiRaster

/// The minimum mapping unit on a change class raster.
///
/// A degraded patch is often a strong core with a rim of plain degradation;
/// sieving the five classes directly would count core and rim as separate
/// patches and eat the rim. So the sieve runs on the *sign* of the change
/// (degradation / stable / improvement, 8-connected): a patch of one sign
/// smaller than the unit takes its largest neighbour's sign; pixels whose
/// sign survives keep their class (strong or not), and pixels whose sign
/// changed become stable (0) or plain degradation/improvement (-1/+1).
public enum ChangeSieve {
    /// Applies a minimum mapping unit of `threshold` pixels to the class raster at `path`, in place;
    /// `observer` sees the final class codes (results[0]) as they are written. Returns false
    /// when there was nothing to do (a unit of 0 or 1 pixel: the raster is left as it is and
    /// `observer` sees nothing).
    @discardableResult
    public static func apply(_ path: String, threshold: Int, creationOptions: CreationOptions = CreationOptions(),
                             observer: ChunkObserver? = nil) throws -> Bool {
        guard threshold > 1 else { return false }
        let folder = PathNames.parent(path), name = (path as NSString).lastPathComponent
        let signPath = "\(folder)/.\(name).sign.tif", finalPath = "\(folder)/.\(name).sieved.tif"
        Interruption.register(signPath)
        defer { RunStagingLedger.removeScratch(signPath); Interruption.unregister(signPath) }
        let classes = try Dataset.open(path).band(1)
        let sign: SpectralIndex.Kernel = { ins, _, out in
            for i in 0..<out.count { let c = ins[0][i]; out[i] = c.isNaN ? .nan : (c < 0 ? -1 : (c > 0 ? 1 : 0)) }
        }
        _ = try StreamedCalculation.run(inputs: [PixelInput(band: classes)], outputs: [
            PixelOutput(kernel: sign, inputs: [0], spec: RasterOutputSpec(path: signPath, encoding: .classes, creationOptions: creationOptions,
                                                                         storage: .scratch))])
        do {
            let ds = try Dataset.open(signPath, update: true)
            try ds.band(1).sieve(threshold: threshold, eightConnected: true)
            try ds.close()
        } catch let e as GDALError {
            throw KubuqiError.output(path, e.description)
        }
        let combine: SpectralIndex.Kernel = { ins, _, out in
            for i in 0..<out.count {
                let c = ins[0][i], s = ins[1][i]
                if c.isNaN || s.isNaN { out[i] = c; continue }
                let own: Float = c < 0 ? -1 : (c > 0 ? 1 : 0)
                out[i] = own == s ? c : s
            }
        }
        let signs = try Dataset.open(signPath).band(1)
        _ = try StreamedCalculation.run(inputs: [PixelInput(band: classes), PixelInput(band: signs)], outputs: [
            PixelOutput(kernel: combine, inputs: [0, 1], spec: RasterOutputSpec(path: finalPath, encoding: .classes, creationOptions: creationOptions,
                                                                                bandDescription: classes.bandDescription, storage: .stagedForCOG))],
            observer: observer)
        // Keep the class raster's metadata (thresholds, inputs) on the sieved one.
        let source = try Dataset.open(path)
        let target = try Dataset.open(finalPath, update: true)
        for key in ["KUBUQI_METHOD", "KUBUQI_INDICES", "KUBUQI_BEFORE", "KUBUQI_AFTER", "KUBUQI_THRESHOLDS"] {
            if let v = source.metadataItem(key) { target.setMetadataItem(key, v) }
        }
        target.setMetadataItem("KUBUQI_MMU_PIXELS", String(threshold))
        try target.close()
        guard rename(finalPath, path) == 0 else {
            unlink(finalPath)
            throw KubuqiError.output(path, "cannot move the sieved class raster into place (\(String(cString: strerror(errno))))")
        }
        return true
    }
}
