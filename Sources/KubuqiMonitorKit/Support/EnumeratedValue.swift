/// The one rule for an enumerated value, on the command line and in a configuration file (docs/cli.md,
/// "How values are spelled"): a value is matched against its documented spellings **ignoring case**, as GDAL matches
/// its own (`-r Bilinear`, `-ot float32`, `COMPRESS=deflate`); everything else (the separators `-`, `_`, `:`, the
/// digits, the order of the words) must be as documented. An unknown value is an error that names the option or key,
/// lists the accepted spellings and, when one is close (a prefix of it, or within two edits:
/// ``CommandSuggestion``), suggests it. Option and key names themselves are exact (TOML keys are case-sensitive).
public enum EnumeratedValue {
    /// The documented spelling of `choices` that `text` is, ignoring case; nil when none.
    public static func canonical(_ text: String, in choices: [String]) -> String? {
        let folded = text.lowercased()
        return choices.first { $0.lowercased() == folded }
    }

    /// The explanation of a refused value: `unknown value 'X' (did you mean 'Y'?); accepted: A, B, C (any case)`.
    /// - Parameters:
    ///   - choices: the closed set's spellings, also the candidates of the suggestion.
    ///   - forms: open forms accepted besides (`pNN`, `MM-DD..MM-DD`), listed after the choices.
    public static func refusal(_ text: String, choices: [String], forms: [String] = []) -> String {
        let guess = CommandSuggestion.closest(to: text, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown value '\(text)'\(guess); accepted: \((choices + forms).joined(separator: ", ")) (any case)"
    }

    /// The value of a closed set: the canonical spelling of `text` among `choices`, else a usage error naming `option`.
    public static func parse(_ text: String, option: String, choices: [String]) throws -> String {
        guard let c = canonical(text, in: choices) else { throw KubuqiError(.usage, "\(option): " + refusal(text, choices: choices)) }
        return c
    }

    /// The value of a closed set mapped to `T` (`choices` in the order they are listed), else a usage error naming `option`.
    public static func parse<T>(_ text: String, option: String, choices: [(String, T)]) throws -> T {
        let name = try parse(text, option: option, choices: choices.map(\.0))
        return choices.first { $0.0 == name }!.1
    }

    /// The value of a set with open forms: `read` gets `text` in lower case (the closed spellings are lower case) and
    /// returns nil for what it does not take; then a usage error naming `option`, listing `choices` and `forms`.
    public static func parse<T>(_ text: String, option: String, choices: [String], forms: [String], read: (String) -> T?) throws -> T {
        guard let value = read(text.lowercased()) else {
            throw KubuqiError(.usage, "\(option): " + refusal(text, choices: choices, forms: forms))
        }
        return value
    }
}
