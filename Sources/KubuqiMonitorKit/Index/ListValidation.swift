import Foundation

/// Checks shared by the list-valued options (`--index a,b`, `--grade-breaks`,
/// `--co`): a repeated or empty item is a usage error before any work, never a
/// double-written output or a silently dropped value.
public enum ListValidation {
    /// The first item given twice (compared by `key`, e.g. lowercased), or nil.
    public static func firstRepeated<T: Hashable>(_ items: [String], key: (String) -> T) -> String? {
        var seen = Set<T>()
        for item in items where !seen.insert(key(item)).inserted { return item }
        return nil
    }

    /// Index names: none empty, none repeated (case-insensitive); a usage error naming `option`.
    public static func checkIndexNames(_ names: [String], option: String) throws {
        if names.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw KubuqiError(.usage, "\(option) has an empty name in '\(names.joined(separator: ","))'")
        }
        if let twice = firstRepeated(names, key: { $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            throw KubuqiError(.usage, "\(option) names \(twice.lowercased()) twice ('\(names.joined(separator: ","))'); each index is computed once")
        }
    }

    /// Parses `a,b,c,d`: exactly `count` finite numbers in strictly ascending order, or nil with the reason.
    public static func ascendingNumbers(_ text: String, count: Int) -> Result<[Float], KubuqiError> {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.map { Float($0) }
        guard items.count == count, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            return .failure(KubuqiError(.usage, "needs \(count) comma-separated finite numbers; got '\(text)'"))
        }
        let v = values.map { $0! }
        guard zip(v, v.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return .failure(KubuqiError(.usage, "needs strictly ascending values (none repeated); got '\(text)'"))
        }
        return .success(v)
    }
}
