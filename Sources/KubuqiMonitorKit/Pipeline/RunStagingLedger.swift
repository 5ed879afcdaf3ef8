import Foundation
import KubuqiGDAL
import KubuqiRaster
import Synchronization

/// One run's ``StagingLedger``, kept open while the run creates its staged rasters pass after pass: the one place every
/// command's rasters staged for a COG are weighed (``RasterOutputSpec/createDataset(at:grid:bands:)``).
///
/// The free space is measured once, when the ledger is opened (before the run's first file); each raster staged under
/// one of the ledger's folders is then weighed against it with all those created before it in the run: staged
/// uncompressed while the running total of uncompressed staged bytes fits in half that free space, else staged with its
/// published, compressed options. Rasters uncompressed whatever is decided (`--co COMPRESS=NONE`) that cannot fit,
/// with the earlier ones, in the free space are refused before their file is created (an output error naming the
/// folder, the rasters and the bytes needed and free: exit 4).
///
/// Opened by ``OutputFolder/runStaged(_:)`` for its work folder (`ldn`, `warn`, `change`, `drought`, `assess`, `sample`),
/// by `stack` for its two hidden output folders, and by ``StreamedCalculation`` for the outputs of a pass no run
/// ledger covers (`index`, whose outputs of one pass are weighed together). Scratch rasters (uncompressed whatever is
/// decided) are weighed too, and given back when the run removes them (``removeScratch(_:)``); nothing is given back
/// when a staged file is replaced by its COG: the ledger errs on the side of staging compressed.
public final class RunStagingLedger: Sendable {
    /// The ledger (its folder, named in messages, and the free space measured when it was opened).
    public let ledger: StagingLedger
    /// The folders whose rasters it weighs (a raster is covered when its path is inside one of them).
    public let covers: [String]
    private let reserved = Mutex(StagingLedger.Reservations())

    /// A ledger named after `folder` (the current folder when empty; its free space measured now, or `freeBytes` in
    /// tests) covering `covers`; not yet open.
    public init(folder: String, covering covers: [String], freeBytes: Double? = nil) {
        let folder = Self.named(folder)
        ledger = freeBytes.map { StagingLedger(folder: folder, freeBytes: $0) } ?? StagingLedger(folder: folder)
        self.covers = covers.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
    }

    /// The folder a ledger of `folder` is named after: `.` for the current folder (an output given without a folder).
    static func named(_ folder: String) -> String { folder.isEmpty ? "." : folder }

    /// What is reserved so far.
    public var reservations: StagingLedger.Reservations { reserved.withLock { $0 } }

    /// Weighs `entries` (in order) after everything the run reserved before them (``StagingLedger/plan(_:after:)``).
    public func plan(_ entries: [StagingLedger.Entry]) throws -> [Bool] {
        try reserved.withLock { try ledger.plan(entries, after: &$0) }
    }

    /// Removes the scratch raster at `path` (a file) and gives its bytes back to the open ledger covering it, if any.
    public static func removeScratch(_ path: String) {
        unlink(path)
        covering(path)?.reserved.withLock { $0.release(path) }
    }

    /// Whether `path` is inside one of ``covers``.
    public func covers(_ path: String) -> Bool {
        covers.contains { path.hasPrefix($0 + "/") }
    }

    private static let open = Mutex<[RunStagingLedger]>([])

    /// Runs `body` with this ledger open: rasters created under its folders meanwhile are weighed by it
    /// (``covering(_:)``). The latest opened wins where folders nest.
    public func whileOpen<T>(_ body: () throws -> T) rethrows -> T {
        Self.open.withLock { $0.append(self) }
        defer { Self.open.withLock { list in list.removeAll { $0 === self } } }
        return try body()
    }

    /// The open ledger covering `path`, if any.
    public static func covering(_ path: String) -> RunStagingLedger? {
        open.withLock { $0.last { $0.covers(path) } }
    }
}
