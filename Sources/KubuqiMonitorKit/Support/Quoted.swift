/// File names in one-line messages: a name with a control character (a
/// newline, a tab, an escape) or a quote is shown in single quotes with those
/// characters escaped (`'a\nb.tif'`), so one error always stays one line and
/// cannot fake another; plain names are shown as they are.
public enum Quoted {
    /// `name` as it appears in a message.
    public static func name(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: needsEscape) || name.contains("'") else { return name }
        return "'" + escaped(name).replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// `text` with every control character written as an escape (`\n`, `\t`, `\u{1B}`).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(s): out += "\\u{\(String(s.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }
}
