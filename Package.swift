// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kubuqi-monitor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kubuqi-monitor", targets: ["kubuqi-monitor"]),
        .library(name: "KubuqiRaster", targets: ["KubuqiRaster"]),
        .library(name: "KubuqiGDAL", targets: ["KubuqiGDAL"]),
        .library(name: "KubuqiMonitorKit", targets: ["KubuqiMonitorKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The C API of GDAL, found through pkg-config (Debian: libgdal-dev).
        .systemLibrary(
            name: "CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev"])]
        ),
        // OpenSSL's libcrypto (Debian: libssl-dev): SHA-256 of inputs and outputs.
        .systemLibrary(
            name: "CLibCrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // FreeType (Debian: libfreetype-dev): the text of PNG quicklooks, in DejaVu Sans (fonts-dejavu-core).
        .systemLibrary(
            name: "CFreeType",
            pkgConfig: "freetype2",
            providers: [.apt(["libfreetype-dev", "fonts-dejavu-core"])]
        ),
        // SQLite (Debian: libsqlite3-dev), which GDAL's GeoPackage driver links: the patch layers' spatial index in one go.
        .systemLibrary(
            name: "CSQLite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libtiff (Debian: libtiff-dev) and libdeflate (libdeflate-dev): COGs assembled from tiles the workers
        // compressed while a raster was computed (CloudOptimizedTileWriter, docs/publishing.md).
        .systemLibrary(
            name: "CTIFF",
            pkgConfig: "libtiff-4",
            providers: [.apt(["libtiff-dev"])]
        ),
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // Pure Swift: windows, buffers, kernels, mergeable statistics. No GDAL here.
        .target(
            name: "KubuqiRaster",
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // The only module that talks to GDAL.
        .target(name: "KubuqiGDAL", dependencies: ["CGDAL", "CSQLite3", "CTIFF", "CDeflate", "KubuqiRaster"]),
        // The library functions behind each command (read window -> kernel -> write window).
        .target(
            name: "KubuqiMonitorKit",
            dependencies: [
                "CLibCrypto", "CFreeType", "KubuqiGDAL", "KubuqiRaster", "KubuqiIndicators", "KubuqiFixtures",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // SDG 15.3.1 sub-indicators (LPD, land cover, SOC, one-out-all-out) over buffers. No GDAL here.
        .target(name: "KubuqiIndicators", dependencies: ["KubuqiRaster"]),
        // Deterministic synthetic study area with planted truth (Fixtures/, the course, demo).
        .target(name: "KubuqiFixtures", dependencies: ["KubuqiGDAL", "KubuqiRaster"]),
        // The thin command-line shell.
        .executableTarget(
            name: "kubuqi-monitor",
            dependencies: [
                "KubuqiMonitorKit",
                "KubuqiFixtures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmark helper (not part of the tests): synthetic inputs, kernel throughput.
        .executableTarget(name: "kubuqi-bench", dependencies: ["KubuqiGDAL", "KubuqiRaster", "KubuqiIndicators"]),
        // Shared by the test targets: real-data paths, temporary folders, small rasters.
        .target(name: "TestSupport", dependencies: ["KubuqiGDAL", "KubuqiRaster"], path: "Tests/TestSupport"),
        .testTarget(name: "KubuqiRasterTests", dependencies: ["KubuqiRaster"]),
        .testTarget(name: "KubuqiGDALTests", dependencies: ["KubuqiGDAL", "KubuqiRaster", "TestSupport"]),
        .testTarget(name: "KubuqiMonitorKitTests", dependencies: ["KubuqiMonitorKit", "KubuqiGDAL", "KubuqiIndicators", "TestSupport"],
                    exclude: ["ldn_reference.py"]),
        .testTarget(name: "KubuqiIndicatorsTests", dependencies: ["KubuqiIndicators", "KubuqiRaster", "TestSupport"]),
        .testTarget(name: "KubuqiFixturesTests", dependencies: ["KubuqiFixtures", "KubuqiGDAL", "KubuqiRaster", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["KubuqiGDAL", "KubuqiIndicators", "KubuqiRaster", "TestSupport"]),
    ]
)
