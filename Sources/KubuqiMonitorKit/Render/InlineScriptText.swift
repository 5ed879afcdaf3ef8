import Foundation

/// Text placed inside an HTML `<script>` element (the report map's layer data as JSON): every `</`
/// becomes `<\/`, so the text cannot close the element early (HTML ends a script at the first `</script`;
/// `<\/` means the same in JSON and JavaScript strings).
enum InlineScriptText {
    /// `text` with every `</` written `<\/`: the same string as `text.replacingOccurrences(of: "</", with: "<\\/")`.
    ///
    /// The report's layer data is a few megabytes of base64 and names, with no `</` in it; Foundation's
    /// replacement copied all of it through an NSString and back even so (0.12 CPU-s of the 2000 x 2000 ldn
    /// report, most of report.html's time; docs/benchmarks.md, "ldn report tail"). The UTF-8 bytes are scanned
    /// first and the text returned as it is when they hold no `</`: `<` and `/` are ASCII, never part of a
    /// multibyte UTF-8 sequence, and no character decomposes to a sequence starting with `</`, so Foundation finds
    /// no match there either. Text that holds one goes through Foundation's replacement, as before.
    static func escaped(_ text: String) -> String {
        var text = text
        guard text.withUTF8({ containsEndTag($0) }) else { return text }
        return text.replacingOccurrences(of: "</", with: "<\\/")
    }

    /// Whether `bytes` hold a `<` followed by `/` (memchr from one `<` to the next).
    static func containsEndTag(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 1 else { return false }
        let last = bytes.count - 1   // a `<` in the last byte has nothing after it
        var i = 0
        while i < last, let hit = memchr(base + i, Int32(UInt8(ascii: "<")), last - i) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if bytes[at + 1] == UInt8(ascii: "/") { return true }
            i = at + 1
        }
        return false
    }
}
