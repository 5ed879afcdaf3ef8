/// The command or value a mistyped one most likely meant (`inf` -> `info`, `chnage` -> `change`, `nvdi` -> `ndvi`), for the
/// "unknown command" and "unknown value" errors (``EnumeratedValue``), as the argument parser suggests a mistyped option.
public enum CommandSuggestion {
    /// The closest of `commands` to `typed`: a command it is a prefix of, else one within two edits
    /// (``distance(_:_:)``, a transposition of neighbours counting one); nil when none or several are as close.
    public static func closest(to typed: String, in commands: [String]) -> String? {
        let word = typed.lowercased()
        let prefixed = commands.filter { $0.lowercased().hasPrefix(word) }
        if !word.isEmpty, prefixed.count == 1 { return prefixed[0] }
        let scored = commands.map { ($0, distance(word, $0.lowercased())) }.filter { $0.1 <= 2 }
        guard let best = scored.map(\.1).min() else { return nil }
        let ties = scored.filter { $0.1 == best }
        return ties.count == 1 ? ties[0].0 : nil
    }

    /// The distance between two words: insertions, deletions, substitutions and transpositions of two neighbours
    /// each count one (optimal string alignment: `nvdi` is one from `ndvi`, two from `ndwi` and `evi`).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
