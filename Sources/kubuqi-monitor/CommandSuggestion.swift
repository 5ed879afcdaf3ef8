/// The command a mistyped one most likely meant (`inf` -> `info`, `chnage` -> `change`), for the
/// "unknown command" error, as the argument parser suggests a mistyped option.
enum CommandSuggestion {
    /// The closest of `commands` to `typed`: a command it is a prefix of, else one within two edits
    /// (Levenshtein, a transposition counting two); nil when none or several are as close.
    static func closest(to typed: String, in commands: [String]) -> String? {
        let word = typed.lowercased()
        let prefixed = commands.filter { $0.hasPrefix(word) }
        if !word.isEmpty, prefixed.count == 1 { return prefixed[0] }
        let scored = commands.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 }
        guard let best = scored.map(\.1).min() else { return nil }
        let ties = scored.filter { $0.1 == best }
        return ties.count == 1 ? ties[0].0 : nil
    }

    /// The Levenshtein distance between two words.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var row = [i] + [Int](repeating: 0, count: y.count)
            for j in 1...max(y.count, 1) where !y.isEmpty {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return x.isEmpty ? y.count : previous[y.count]
    }
}
