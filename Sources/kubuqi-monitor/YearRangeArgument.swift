/// A range of years given on the command line (`warn --baseline`, `drought --calibration`), written
/// `FIRST-LAST` or `FIRST..LAST`: both spellings are read by both options, so that a user who
/// learnt one command's form is not refused by the other's.
enum YearRangeArgument {
    /// The years of `text` (`2001-2020`, `2001..2020`), or nil unless it is two years from 1 to 9999 in order.
    static func parse(_ text: String) -> ClosedRange<Int>? {
        let ends = text.contains("..") ? text.components(separatedBy: "..") : text.components(separatedBy: "-")
        let years = ends.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard years.count == 2, let a = years[0], let b = years[1], (1...9999).contains(a), (1...9999).contains(b), a <= b else {
            return nil
        }
        return a...b
    }
}
