import Foundation

/// How many of `ldn`'s COG copies run at once (``LDNPeriodPublisher``): a counting gate whose limit can be raised
/// while copies wait on it.
///
/// While a later period is computed, its passes already keep every core busy, and each COG copy beside them
/// is a working set of its own (the COG driver's buffers, its temporary overview file, the staged tiles it
/// reads): two copies beside a period's passes put the run's peak RSS over 300 MB at 4000 x 4000. So a
/// period's copies run one at a time while a period is computed (the same CPU, taken in turn), and side by
/// side on every core once the last period is computed and nothing else is left to run
/// (docs/benchmarks.md, "ldn tail and memory, session 9").
final class PublishingBudget: @unchecked Sendable {
    private let condition = NSCondition()
    private var limit: Int
    private var running = 0
    private var mostAtOnce = 0

    /// A gate letting `limit` (at least 1) steps through at once.
    init(limit: Int) { self.limit = max(1, limit) }

    /// Lets `limit` (at least 1) steps through at once from now on; steps waiting start at once when it is raised.
    func setLimit(_ limit: Int) {
        condition.withLock {
            self.limit = max(1, limit)
            condition.broadcast()
        }
    }

    /// The most steps that ran at once so far.
    var peak: Int { condition.withLock { mostAtOnce } }

    /// Runs `body` once fewer than the limit of steps are running, and returns its value.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        condition.withLock {
            while running >= limit { condition.wait() }
            running += 1
            mostAtOnce = max(mostAtOnce, running)
        }
        defer {
            condition.withLock {
                running -= 1
                condition.broadcast()
            }
        }
        return try body()
    }
}
