import Foundation

/// Leaflet, the map library of the reports' interactive maps, vendored from Debian's
/// `libjs-leaflet` (installed by Scripts/setup.sh) and copied beside each report at run time,
/// so the report works offline from its folder.
enum LeafletAssets {
    /// Where Debian installs Leaflet; `KUBUQI_LEAFLET_DIR` overrides it.
    static var source: String {
        ProcessInfo.processInfo.environment["KUBUQI_LEAFLET_DIR"] ?? "/usr/share/javascript/leaflet"
    }

    /// The files copied (relative to `source`).
    static let files = ["leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png"]

    /// The folder of the copy inside an output folder.
    static let folder = "report-assets/leaflet"

    /// Fails with one line naming the missing file and the package when Leaflet is absent.
    static func check() throws {
        for f in files.prefix(2) where !FileManager.default.isReadableFile(atPath: "\(source)/\(f)") {
            throw KubuqiError(.input, "\(source)/\(f): Leaflet is missing; the report's map needs it "
                              + "(install Debian's libjs-leaflet: apt-get install libjs-leaflet, or run Scripts/setup.sh)")
        }
    }

    /// Copies Leaflet into `out/report-assets/leaflet/`.
    static func copy(into out: OutputFolder) throws {
        try check()
        try SafeFiles.makeFolders("report-assets/leaflet/images", under: out.path)
        for f in files {
            guard let data = FileManager.default.contents(atPath: "\(source)/\(f)") else {
                if f.hasPrefix("images/") { continue }   // icons are optional (no markers are used)
                throw KubuqiError(.input, "\(source)/\(f): cannot read Leaflet's file")
            }
            try atomicWrite(data, to: out.file("\(folder)/\(f)"))
        }
    }
}
