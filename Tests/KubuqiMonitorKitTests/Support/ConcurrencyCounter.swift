import Foundation

/// A count shared by steps on several threads, under a lock: how many run now (`add`/`remove`) and the
/// most seen at once (`raise(to:)`). Used by the tests of ``ConcurrentSteps`` and ``PublishingBudget``.
final class ConcurrencyCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    @discardableResult func add() -> Int { lock.withLock { n += 1; return n } }
    func remove() { lock.withLock { n -= 1 } }
    func raise(to v: Int) { lock.withLock { n = max(n, v) } }
    var value: Int { lock.withLock { n } }
}
