import Foundation
import KubuqiGDAL

/// A progress bar on standard error, drawn only when standard error is a
/// terminal and the user did not ask for quiet, so logs and cron mail stay clean.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private var lastDrawn = -1

    /// Creates a bar; `quiet` or a non-terminal stderr disables it.
    public init(_ label: String, quiet: Bool) {
        self.label = label
        self.enabled = !quiet && isatty(2) == 1
    }

    /// Updates to `fraction` (0...1); redraws at most once per percent.
    public func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        Diagnostics.standardError("\r\(label) [\(bar)] \(percent)%")
        if percent == 100 { Diagnostics.standardError("\n") }
    }
}
