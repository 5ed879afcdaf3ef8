import Foundation

/// Items handed from a producer (the caller's thread) to a consumer on a thread of its own, in order, in
/// batches through a bounded queue, so that the two run side by side in bounded memory (at most
/// `capacity` batches of `batch` items waiting): ``PatchPolygons`` reads and measures polygons while the
/// previous ones are inserted into the GeoPackage.
///
/// The consumer sees every item in the order sent. When the consumer fails, the producer's next send
/// throws and the error returned is the consumer's; when the producer fails, the consumer stops at its
/// next batch. Items not consumed are handed to `discard` (on either thread), so that nothing leaks.
final class BatchPipe<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[Item]] = []
    private let capacity: Int
    private var closed = false
    private var stopped = false

    private init(capacity: Int) { self.capacity = capacity }

    /// The producer was told to stop because the consumer failed.
    struct Stopped: Error {}

    /// Runs `produce` on this thread, its `send(item)` handing each item to `consume` on a new thread, in
    /// batches of `batch`; returns when both are done. Errors: the consumer's first, else the producer's.
    static func run(batch: Int = 1024, capacity: Int = 4, consume: @escaping (Item) throws -> Void, discard: @escaping (Item) -> Void,
                    produce: (_ send: (Item) throws -> Void) throws -> Void) throws {
        precondition(batch > 0 && capacity > 0, "a pipe needs room")
        let pipe = BatchPipe(capacity: capacity)
        let done = DispatchSemaphore(value: 0)
        let failure = Box<Error?>(nil)
        let work = Box((consume, discard))
        let thread = Thread {
            let (consume, discard) = work.value
            defer { done.signal() }
            while let items = pipe.take() {
                var k = 0
                do {
                    // Each item lent from the batch's buffer (an `items[k]` copy retained and released its arrays and strings).
                    try items.withUnsafeBufferPointer { b in while k < b.count { try consume(b[k]); k += 1 } }
                } catch {
                    failure.value = error
                    items[(k + 1)...].forEach(discard)
                    pipe.stop().forEach { $0.forEach(discard) }
                    return
                }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        var pending: [Item] = []
        pending.reserveCapacity(batch)
        var produced: Error?
        do {
            try produce { item in
                pending.append(item)
                if pending.count >= batch {
                    let items = pending
                    pending = []
                    pending.reserveCapacity(batch)
                    guard pipe.put(items) else { items.forEach(discard); throw Stopped() }
                }
            }
            if !pending.isEmpty, !pipe.put(pending) { pending.forEach(discard) }
            pending = []
        } catch {
            produced = error
            pending.forEach(discard)
            pipe.stop().forEach { $0.forEach(discard) }
        }
        pipe.close()
        done.wait()
        if let e = failure.value { throw e }
        if let produced { throw produced }
    }

    /// Queues a batch, waiting while the queue is full; false when the consumer stopped (the batch not taken).
    private func put(_ items: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !stopped { condition.wait() }
        guard !stopped else { return false }
        queue.append(items)
        condition.broadcast()
        return true
    }

    /// The next batch, waiting for one; nil once the producer closed the pipe and the queue is empty, or it stopped.
    private func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !stopped { condition.wait() }
        guard !stopped, !queue.isEmpty else { return nil }
        condition.broadcast()
        return queue.removeFirst()
    }

    /// No more batches.
    private func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the pipe: later puts fail, takes end; returns the batches still queued.
    private func stop() -> [[Item]] {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        let left = queue
        queue = []
        return left
    }

    /// A value shared with the consumer thread (written by it before it signals, read after the wait).
    private final class Box<T>: @unchecked Sendable {
        var value: T
        init(_ value: T) { self.value = value }
    }
}
