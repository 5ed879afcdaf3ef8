import Foundation
import KubuqiGDAL
import KubuqiRaster

/// All of a run's staged rasters weighed together against the free space of their folder (`drought`: its SPI layers
/// and its class layer, before the run writes any; every other command through its ``RunStagingLedger``).
///
/// Each raster bound for a COG is staged uncompressed (``CloudOptimizedOutput``) only while the running total of
/// uncompressed staged bytes stays within half the free space measured once, before the first file is created; the
/// rest are staged with their published, compressed options. Weighing each file alone against the free space at its
/// creation (empty files take no space yet) let four files of 126 MB each through on 256 MB (1000 x 1 pixels x 240
/// months, three SPI scales: "No space left on device" halfway through).
///
/// Rasters whose bytes are known whatever is chosen (their published options are uncompressed,
/// `--co COMPRESS=NONE`, or they are a run's scratch rasters, `ldn`'s performance sums, `change`'s sieve labels)
/// must fit in the free space together: when they cannot, the run is refused before it
/// writes anything (``plan(_:)``, an output error, exit 4).
public struct StagingLedger: Sendable {
    /// One raster of the run.
    public struct Entry: Sendable {
        /// Its file name (for the refusal message).
        public var name: String
        /// Its spec (options, encoding, storage).
        public var spec: RasterOutputSpec
        /// Its size in pixels and bands.
        public var width: Int, height: Int, bands: Int

        /// Creates an entry.
        public init(name: String, spec: RasterOutputSpec, width: Int, height: Int, bands: Int) {
            self.name = name
            self.spec = spec
            self.width = width
            self.height = height
            self.bands = bands
        }

        /// Its bytes staged uncompressed (whole tiles, ``RasterOutputSpec/stagedBytes(width:height:bands:sampleBytes:options:)``).
        public var uncompressedBytes: Double {
            RasterOutputSpec.stagedBytes(width: width, height: height, bands: bands, sampleBytes: spec.encoding.dataType.byteSize,
                                         options: CloudOptimizedOutput.uncompressed(like: spec.effectiveCreationOptions))
        }

        /// Whether it is written uncompressed whatever the ledger decides (its published options are uncompressed too,
        /// or it is a run's scratch raster, never compressed): its size on disk is known.
        var isUncompressedAnyway: Bool {
            spec.storage == .scratch || isPublishedUncompressed
        }

        /// Whether its published options are uncompressed (`--co COMPRESS=NONE`).
        var isPublishedUncompressed: Bool {
            (spec.effectiveCreationOptions.value("COMPRESS") ?? "NONE").uppercased() == "NONE"
        }
    }

    /// The folder the rasters are staged in.
    public let folder: String
    /// The bytes free there (for an unprivileged user) when the ledger was made.
    public let freeBytes: Double

    /// A ledger of `folder` with `freeBytes` free (measured by ``init(folder:)`` outside tests).
    public init(folder: String, freeBytes: Double) {
        self.folder = folder
        self.freeBytes = freeBytes
    }

    /// A ledger of `folder`, its free space measured now (`statvfs` of `folder`, or of its nearest existing parent
    /// when it is not made yet; 0 when none can be measured).
    public init(folder: String) {
        self.init(folder: folder, freeBytes: Self.freeBytes(at: folder))
    }

    /// The bytes free for an unprivileged user in the file system of `path` (or of its nearest existing parent); 0 when
    /// none can be measured.
    static func freeBytes(at path: String) -> Double {
        var s = statvfs(), p = path.isEmpty ? "." : path
        while statvfs(p, &s) != 0 {
            let parent = PathNames.parent(p)
            guard parent != p, p != "." else { return 0 }
            p = parent.isEmpty ? "." : parent
        }
        return Double(s.f_bavail) * Double(s.f_frsize)
    }

    /// The sum of the entries' uncompressed staged bytes.
    public static func totalUncompressedBytes(_ entries: [Entry]) -> Double {
        entries.reduce(0) { $0 + $1.uncompressedBytes }
    }

    /// What a run has reserved so far (``RunStagingLedger``): the uncompressed staged bytes of every raster weighed,
    /// and, among them, those uncompressed whatever is decided, with their names (for the refusal).
    public struct Reservations: Sendable {
        /// Every reserved byte (the rasters staged uncompressed and those uncompressed anyway).
        public var bytes: Double = 0
        /// The bytes of rasters uncompressed anyway (`--co COMPRESS=NONE`).
        public var fixedBytes: Double = 0
        /// Their names, in order.
        public var fixedNames: [String] = []
        /// Whether one of them is uncompressed because the user's options say so (the refusal then suggests dropping them).
        public var userUncompressed = false
        /// The scratch rasters among them by path, with their name and bytes: given back when the run removes them
        /// (``release(_:)``).
        public var scratch: [String: (name: String, bytes: Double)] = [:]

        /// Gives back the bytes of the scratch raster at `path` (removed by the run).
        public mutating func release(_ path: String) {
            guard let s = scratch.removeValue(forKey: path) else { return }
            bytes -= s.bytes
            fixedBytes -= s.bytes
            if let i = fixedNames.firstIndex(of: s.name) { fixedNames.remove(at: i) }
        }

        /// Nothing reserved.
        public init() {}
    }

    /// Whether each entry (in order) keeps its staging options (``RasterOutputSpec/stagingDecided``): a raster staged
    /// uncompressed for a COG while the running total fits in half ``freeBytes``, else false (staged compressed, as published).
    /// An output error naming ``folder`` when the entries that are uncompressed anyway need more than ``freeBytes``.
    public func plan(_ entries: [Entry]) throws -> [Bool] {
        var none = Reservations()
        return try plan(entries, after: &none)
    }

    /// ``plan(_:)`` continuing from what the run reserved `earlier` (updated): the running total starts at its bytes,
    /// and the rasters uncompressed anyway are refused when they need, with the earlier ones, more than ``freeBytes``
    /// (the message names them all).
    public func plan(_ entries: [Entry], after earlier: inout Reservations) throws -> [Bool] {
        let fixed = entries.filter(\.isUncompressedAnyway)
        let needed = earlier.fixedBytes + Self.totalUncompressedBytes(fixed)
        let names = earlier.fixedNames + fixed.map(\.name)
        let userUncompressed = earlier.userUncompressed || fixed.contains(where: \.isPublishedUncompressed)
        if needed > freeBytes {
            throw KubuqiError.output(folder, "the run's uncompressed rasters (\(names.joined(separator: ", "))) need "
                + "\(Self.megabytes(needed)) and the file system has \(Self.megabytes(freeBytes)) free; free some space"
                + (userUncompressed ? ", write elsewhere or drop COMPRESS=NONE" : " or write elsewhere"))
        }
        var reserved = earlier.bytes + Self.totalUncompressedBytes(fixed)
        let decisions = entries.map { e in
            // Not staged for a COG copy, a COG not asked for (staged as published) or uncompressed anyway (counted above).
            guard e.spec.storage == .stagedForCOG, (try? CloudOptimizedOutput.isRequested(e.spec.creationOptions)) == true,
                  !e.isUncompressedAnyway else { return true }
            guard reserved + e.uncompressedBytes <= freeBytes / 2 else { return false }
            reserved += e.uncompressedBytes
            return true
        }
        for e in fixed where e.spec.storage == .scratch { earlier.scratch[e.spec.path] = (e.name, e.uncompressedBytes) }
        earlier.bytes = reserved
        earlier.fixedBytes = needed
        earlier.fixedNames = names
        earlier.userUncompressed = userUncompressed
        return decisions
    }

    /// `bytes` in MB (10^6) with one decimal, and the exact count.
    static func megabytes(_ bytes: Double) -> String {
        String(format: "%.1f MB (%.0f bytes)", bytes / 1_000_000, bytes)
    }
}
