import Foundation
import KubuqiFixtures
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// One generation of the fixtures (default seed) shared by the tests of this
/// target, and helpers to read it.
final class FixtureFiles: @unchecked Sendable {
    /// The shared generation, made on first use.
    nonisolated(unsafe) private static var cached: FixtureFiles?
    private static let lock = NSLock()

    let folder: TemporaryFolder
    let written: [String]
    let truth: FixtureTruth

    private init() throws {
        folder = try TemporaryFolder()
        written = try FixtureGenerator.generate(into: folder.path)
        truth = try FixtureTruth.read(folder.file(FixtureGenerator.truthPath))
    }

    /// The shared generation.
    static func shared() throws -> FixtureFiles {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let made = try FixtureFiles()
        cached = made
        return made
    }

    /// The absolute path of `relative`.
    func path(_ relative: String) -> String { folder.file(relative) }

    /// Band `band` of `relative`, whole grid, as Float.
    func read(_ relative: String, band: Int = 1) throws -> [Float] {
        let ds = try Dataset.open(path(relative))
        return try ds.band(band).read(Window(column: 0, row: 0, width: ds.width, height: ds.height))
    }

    /// The folder of scene `index` (0 earlier, 1 later), relative.
    func sceneFolder(_ index: Int) -> String { truth.scenes[index].folder }

    /// A scene's file of `suffix` (e.g. `SR_B4.TIF`), relative.
    func sceneFile(_ index: Int, _ suffix: String) -> String {
        sceneFolder(index) + "/" + truth.scenes[index].productID + "_" + suffix
    }

    /// Every regular file under `root`, relative, sorted.
    static func listing(_ root: String) throws -> [String] {
        let base = URL(fileURLWithPath: root).standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return [] }
        var out: [String] = []
        while let item = e.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + item, isDirectory: &isDir)
            if !isDir.boolValue { out.append(item) }
        }
        return out.sorted()
    }

    /// The repository's committed `Fixtures/` folder.
    static let committedRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
}

/// Row-major index of (`row`, `column`) on the study-area grid.
func idx(_ row: Int, _ column: Int) -> Int { row * StudyArea.width + column }

/// NDVI from two DN values; nil at fill.
func ndviFromDN(red: Float, nir: Float) -> Double? {
    guard red > 0, nir > 0 else { return nil }
    let r = Double(red) * 2.75e-5 - 0.2, n = Double(nir) * 2.75e-5 - 0.2
    return r + n == 0 ? nil : (n - r) / (n + r)
}
