import CGDAL
import Foundation

/// Writes RGBA pixels as a PNG through GDAL's PNG driver.
public enum ImageWriter {
    /// Writes `rgba` (width x height x 4 bytes, row-major) to `path` as PNG.
    public static func writePNG(_ path: String, width: Int, height: Int, rgba: [UInt8]) throws {
        GDALEnvironment.initialize()
        precondition(rgba.count == width * height * 4, "RGBA buffer size")
        guard let mem = GDALGetDriverByName("MEM"), let png = GDALGetDriverByName("PNG") else {
            throw GDALError("cannot write \(path)", messages: ["GDAL lacks the MEM or PNG driver"])
        }
        let ds = try GDALErrors.check("cannot create an image buffer") {
            GDALCreate(mem, "", Int32(width), Int32(height), 4, GDT_Byte, nil)
        }
        defer { GDALClose(ds) }
        var bands: [Int32] = [1, 2, 3, 4]
        var data = rgba
        try GDALErrors.check("cannot fill the image buffer") {
            GDALDatasetRasterIO(ds, GF_Write, 0, 0, Int32(width), Int32(height), &data, Int32(width), Int32(height),
                                GDT_Byte, 4, &bands, 4, Int32(width * 4), 1)
        }
        let out = try GDALErrors.check("cannot write \(path)") {
            CStringList.withList(["ZLEVEL=6"]) { GDALCreateCopy(png, path, ds, 0, $0, nil, nil) }
        }
        GDALClose(out)
    }

    /// The PNG encoding of `rgba` (width x height x 4 bytes, row-major), made in GDAL's memory file
    /// system: the caller writes the bytes, so a full disk is reported as the system says it.
    public static func pngData(width: Int, height: Int, rgba: [UInt8]) throws -> Data {
        let path = "/vsimem/kubuqi-\(UUID().uuidString).png"
        defer { VSIUnlink(path) }
        try writePNG(path, width: width, height: height, rgba: rgba)
        var length: vsi_l_offset = 0
        guard let buffer = VSIGetMemFileBuffer(path, &length, 0) else {
            throw GDALError("cannot encode a PNG", messages: ["GDAL kept no memory file"])
        }
        return Data(bytes: buffer, count: Int(length))
    }
}
