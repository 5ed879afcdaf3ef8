import Foundation

/// A reorder buffer between the workers of a streamed pass and one consumer of whole rows: the workers
/// ``deposit(rows:columns:_:)`` rectangles of Int32 labels in any order (windows, and the row chunks of a
/// window, finish out of order), and ``drain(_:)`` hands the consumer each full-width row once it is complete,
/// from the top, on the consumer's own thread (``PatchDrawing``: the patches polygonized during the pass that
/// computes their class layer, without writing and re-reading a label raster).
///
/// Memory: only the rows not yet handed over are held, each `width` Int32 labels, allocated when a deposit first
/// touches them and freed once consumed. A worker depositing rows `lead` or more rows below the next row to hand
/// over waits while the consumer can move on by itself (the next row is complete, or being consumed); it never
/// waits on rows that only a later deposit can complete, so the pass and the consumer cannot block each other.
/// With a pass that computes its windows in row-major order, one window at a time (``StreamedCalculation``),
/// at most `lead` + one window's rows are held: (`lead` + window rows) × `width` × 4 bytes.
final class LabelRowFeeder: @unchecked Sendable {
    /// Thrown by ``drain(_:)`` once ``cancel()`` is called before every row was handed over.
    struct Cancelled: Error {}

    /// The rows' width in pixels.
    let width: Int
    /// The number of rows, handed over as 0..<height.
    let height: Int
    /// How far below the next row to hand over a deposit may start before its worker waits.
    let lead: Int

    private let condition = NSCondition()
    private var rows: [Int: Row] = [:]
    private var next = 0
    private var consuming = false
    private var cancelled = false
    private var stopped = false
    /// The most rows held at once.
    private(set) var peakRows = 0
    /// How many deposits waited for the consumer.
    private(set) var waits = 0

    private final class Row {
        let labels: UnsafeMutableBufferPointer<Int32>
        var filled = 0
        init(width: Int) {
            labels = .allocate(capacity: width)
            labels.initialize(repeating: 0)
        }
        deinit { labels.deallocate() }
    }

    /// A feeder of `height` rows of `width` labels; `lead` rows (default: 4 MiB of labels, at least 16 rows).
    init(width: Int, height: Int, lead: Int? = nil) {
        precondition(width > 0 && height >= 0, "a feeder needs rows of at least one pixel")
        self.width = width
        self.height = height
        self.lead = max(1, lead ?? max(16, (1 << 20) / width))
    }

    /// Fills the labels of `rows` × `columns` (grid rows and columns): `fill(row, labels)` writes the `columns.count`
    /// labels of one row (columns not deposited by anyone stay 0). Called from any thread; the same pixel must not be
    /// deposited twice. Returns at once (dropping the labels) after ``cancel()`` or once the consumer has stopped.
    func deposit(rows range: Range<Int>, columns: Range<Int>, _ fill: (Int, UnsafeMutableBufferPointer<Int32>) -> Void) {
        precondition(range.lowerBound >= 0 && range.upperBound <= height && columns.lowerBound >= 0 && columns.upperBound <= width,
                     "a deposit outside the feeder's rows")
        guard !range.isEmpty, !columns.isEmpty else { return }
        condition.lock()
        // Wait while far ahead of the consumer and the consumer can move on without this deposit.
        while !cancelled, !stopped, range.lowerBound >= next + lead, consuming || rows[next].map({ $0.filled == width }) == true {
            waits += 1
            condition.wait()
        }
        if cancelled || stopped { condition.unlock(); return }
        var targets: [Row] = []
        targets.reserveCapacity(range.count)
        for r in range {
            if let row = rows[r] { targets.append(row); continue }
            let row = Row(width: width)
            rows[r] = row
            targets.append(row)
        }
        peakRows = max(peakRows, rows.count)
        condition.unlock()
        // Disjoint columns of rows no one frees before they are complete: written outside the lock.
        for (k, row) in targets.enumerated() {
            fill(range.lowerBound + k, UnsafeMutableBufferPointer(rebasing: row.labels[columns]))
        }
        condition.lock()
        for row in targets { row.filled += columns.count }
        condition.broadcast()
        condition.unlock()
    }

    /// Hands each row to `row`, from the top, as soon as it is complete; returns after the last one. Throws
    /// ``Cancelled`` when ``cancel()`` comes first, or what `row` throws (the feeder then stops: later deposits are
    /// dropped). Call it once, on the consumer's thread.
    func drain(_ row: (UnsafeBufferPointer<Int32>) throws -> Void) throws {
        defer {
            condition.lock()
            stopped = true
            rows.removeAll()
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while !cancelled, next < height, rows[next].map({ $0.filled == width }) != true { condition.wait() }
            if cancelled { condition.unlock(); throw Cancelled() }
            if next == height { condition.unlock(); return }
            let current = rows.removeValue(forKey: next)!
            consuming = true
            condition.unlock()
            try row(UnsafeBufferPointer(current.labels))
            condition.lock()
            consuming = false
            next += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Stops the feeder: ``drain(_:)`` throws ``Cancelled`` (unless it has returned) and deposits are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
