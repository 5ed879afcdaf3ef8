/// A failure the user can act on: one line naming the file and the fault,
/// and the process exit code that goes with its kind.
public struct KubuqiError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, by whose fault; each kind has its documented exit code.
    public enum Kind: Int32, Sendable {
        /// A bug or an unexpected failure: exit 1.
        case `internal` = 1
        /// Wrong use of the command line: exit 2.
        case usage = 2
        /// An input file is missing, unreadable or unsuitable: exit 3.
        case input = 3
        /// An output cannot be written: exit 4.
        case output = 4
        /// Interrupted by SIGINT (130) or SIGTERM (143).
        case interrupted = 130
    }

    /// The kind, which fixes the exit code.
    public var kind: Kind
    /// The one-line message, starting with the file concerned where there is one.
    public var message: String

    /// Creates an error of `kind`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// An input error about `path`.
    public static func input(_ path: String, _ what: String) -> KubuqiError {
        KubuqiError(.input, named(path, what))
    }

    /// An output error about `path`.
    public static func output(_ path: String, _ what: String) -> KubuqiError {
        KubuqiError(.output, named(path, what))
    }

    /// `path: what`, or `what` with its leading `path` quoted when it already starts by naming the file (a
    /// library's "x.geojson has no field 'id'" stays one mention, not "x.geojson: x.geojson has no field 'id'").
    static func named(_ path: String, _ what: String) -> String {
        if !path.isEmpty, what.hasPrefix(path) {
            let rest = what.dropFirst(path.count)
            if rest.hasPrefix(" ") || rest.hasPrefix(":") { return Quoted.name(path) + rest }
        }
        return "\(Quoted.name(path)): \(what)"
    }

    /// The exit code.
    public var exitCode: Int32 { kind.rawValue }

    /// The message.
    public var description: String { message }
}
