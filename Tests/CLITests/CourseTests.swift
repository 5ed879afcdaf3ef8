import Foundation
import TestSupport
import XCTest

/// Runs every command of the monitoring course (`docs/course/*.md`) and checks
/// its answers.
///
/// A lesson's runnable commands are the fenced blocks whose info string is
/// `sh course` (and `sh ldn`, when the binary has an `ldn` subcommand). Each
/// lesson runs in a fresh folder holding a symlink `Fixtures` to the
/// repository's fixtures, with the built `kubuqi-monitor` first on `PATH`;
/// its blocks run in order, each line through `/bin/sh`. A line ending in
/// `# expect-exit N` must exit with N, every other line with 0. The
/// `<!-- check: ... -->` comments after a block check its outputs; the syntax
/// is documented in `docs/course/README.md` and implemented by ``CourseCheck``.
final class CourseTests: CLITestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let courseFolder = repository.appendingPathComponent("docs/course")
    static let lessonNames = ["01-reading-a-scene.md", "02-indices-in-drylands.md", "03-change-detection.md",
                              "04-ldn-sub-indicators.md", "05-pitfalls.md", "06-accuracy.md", "07-stack.md", "08-warn.md",
                              "09-climate.md", "10-drought.md"]

    func testEveryCourseCommandRunsAndGivesThePlantedAnswers() throws {
        let start = Date()
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.courseFolder.path).filter { $0.hasSuffix(".md") }.sorted()
        for name in Self.lessonNames + ["README.md"] {
            XCTAssertTrue(files.contains(name), "docs/course/\(name) is missing")
        }
        let lessons = try files.map { try CourseLesson.parse(file: Self.courseFolder.appendingPathComponent($0).path) }
        for lesson in lessons where lesson.name != "README.md" {
            XCTAssertFalse(lesson.blocks.filter { $0.kind == .course }.isEmpty, "\(lesson.name): no `sh course` block")
            for problem in lesson.problems { XCTFail("\(lesson.name): \(problem)") }
            for block in lesson.blocks where block.checks.isEmpty {
                XCTFail("\(lesson.name):\(block.line): a runnable block without any <!-- check: ... --> after it")
            }
        }
        for problem in lessons.first(where: { $0.name == "README.md" })?.problems ?? [] { XCTFail("README.md: \(problem)") }

        let binary = CLIRunner.executable
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "no built binary at \(binary.path)")
        for tool in ["gdallocationinfo", "gdal_translate", "gdalwarp"] {
            XCTAssertNotNil(CourseRunner.which(tool), "\(tool) (gdal-bin) is not on PATH; Scripts/setup.sh installs it")
        }
        let hasLDN = try CourseRunner.hasSubcommand("ldn", binary: binary)
        let runner = CourseRunner(binary: binary, fixtures: Self.repository.appendingPathComponent("Fixtures").path, runLDN: hasLDN)

        // Lessons are independent (one folder each): run them side by side.
        let results = CourseResults()
        let runnable = lessons.filter { !$0.blocks.isEmpty }
        DispatchQueue.concurrentPerform(iterations: runnable.count) { i in
            results.add(runner.run(runnable[i]))
        }
        var commands = 0, checks = 0, skipped = 0
        for r in results.all.sorted(by: { $0.lesson < $1.lesson }) {
            print(String(format: "course: %@: %d commands, %d checks, %.1f s", r.lesson, r.commands, r.checks, r.seconds))
            commands += r.commands
            checks += r.checks
            skipped += r.skippedBlocks
            for f in r.failures { XCTFail("\(r.lesson): \(f)") }
        }
        print(String(format: "course: %d commands and %d checks in %d lessons, %.1f s%@", commands, checks, runnable.count,
                     Date().timeIntervalSince(start), skipped > 0 ? " (\(skipped) `sh ldn` blocks skipped: no ldn subcommand)" : ""))
        XCTAssertGreaterThan(commands, 0)
    }

    /// Every figure the answers quote is backed: by a check of the lesson (the tool's output,
    /// equal to the figure as rounded, with a tolerance of at most one unit of its last digit),
    /// by the fixtures' published truth (`Fixtures/truth/truth.json`, `Fixtures/README.md`), or by
    /// a `<!-- figures: ... -->` comment of the lesson that names where the figures come from
    /// (arithmetic on figures above, literature, constants). A figure the tool no longer gives
    /// (as 33/14/26 quoted for printed 32/13/27 once were) fails here.
    func testEveryFigureInTheAnswersIsBacked() throws {
        let fixtures = Self.repository.appendingPathComponent("Fixtures")
        let truthText = try String(contentsOf: fixtures.appendingPathComponent("truth/truth.json"), encoding: .utf8)
            + String(contentsOf: fixtures.appendingPathComponent("README.md"), encoding: .utf8)
        let truth = CourseFigures.numbers(in: truthText).map { abs($0.value) }
        for name in Self.lessonNames {
            let text = try String(contentsOf: Self.courseFolder.appendingPathComponent(name), encoding: .utf8)
            let unbacked = CourseFigures.unbacked(lesson: text, truth: truth)
            XCTAssertEqual(unbacked, [], "\(name): figures in the answers that no check, truth entry or <!-- figures: ... --> backs")
        }
    }

    /// The check language on a small document, so that a broken evaluator
    /// cannot pass the course by accident.
    func testCheckLanguage() throws {
        let json: Any = try JSONSerialization.jsonObject(with: Data("""
            {"classes": [{"code": -2, "pixels": 902, "hectares": 81.18}, {"code": -1, "pixels": 306, "hectares": 27.54},
                         {"code": 0, "pixels": 62062}, {"code": 2, "pixels": 1608, "name": "strong improvement"}],
             "zones": [{"id": 6, "classes": [{"code": -2, "pixels": 4}]}],
             "sub": {"land cover": [{"code": -1, "pixels": 1208}]}, "list": [[1, 2], [3, 4.5]], "nodata": "0"}
            """.utf8))
        func holds(_ text: String) throws -> Bool {
            let c = try CourseCheck.parse(text)
            guard case .json(_, let query) = c.kind else { XCTFail("not a json check: \(text)"); return false }
            return try query.holds(on: json)
        }
        XCTAssertTrue(try holds("json f sum classes[code<0].pixels == 1208"))
        XCTAssertTrue(try holds("json f sum classes[code<0].hectares == 108.72"))
        XCTAssertTrue(try holds("json f classes[code=-1].pixels == 306"))
        XCTAssertTrue(try holds("json f classes[code=2].name == \"strong improvement\""))
        XCTAssertTrue(try holds("json f count classes[code>=0] == 2"))
        XCTAssertTrue(try holds("json f count classes == 4"))
        XCTAssertTrue(try holds("json f sum list[0] == 3"))
        XCTAssertTrue(try holds("json f max classes.pixels == 62062"))
        XCTAssertTrue(try holds("json f zones[id=6].classes[code=-2].pixels == 4"))
        XCTAssertTrue(try holds("json f sub.\"land cover\"[code=-1].pixels == 1208"))
        XCTAssertTrue(try holds("json f list[1][1] == 4.4 ~0.2"))
        XCTAssertTrue(try holds("json f list[-1][0] < 3.5"))
        XCTAssertTrue(try holds("json f nodata == \"0\""))
        XCTAssertFalse(try holds("json f sum classes[code<0].pixels > 1208"))
        XCTAssertFalse(try holds("json f list[1][1] == 4.4 ~0.05"))
        XCTAssertThrowsError(try holds("json f classes[code<0].pixels == 1208"), "two values without an aggregate")
        XCTAssertThrowsError(try holds("json f classes[code=9].pixels == 1"), "no value")
        XCTAssertThrowsError(try CourseCheck.parse("stdout resembles \"x\""))
        let out = CourseBlockOutput(stdout: "NDVI written: 658 nodata\n\n0.25\n-3\n", stderr: "note: x\n", folder: "/")
        XCTAssertNoThrow(try CourseCheck.parse("stdout contains \"658 nodata\"").evaluate(out))
        XCTAssertNoThrow(try CourseCheck.parse("stderr contains \"note\"").evaluate(out))
        XCTAssertNoThrow(try CourseCheck.parse("stdout lacks \"error\"").evaluate(out))
        let quoted = CourseBlockOutput(stdout: "band 25: Int16 \"2024\", nodata -32768\n", stderr: "", folder: "/")
        XCTAssertNoThrow(try CourseCheck.parse(#"stdout contains "Int16 \"2024\", nodata""#).evaluate(quoted))
        XCTAssertNoThrow(try CourseCheck.parse("stdout line 2 == 0.2501 ~0.001").evaluate(out))
        XCTAssertNoThrow(try CourseCheck.parse("stdout line -1 == -3").evaluate(out))
        XCTAssertThrowsError(try CourseCheck.parse("stdout line 2 == 0.2501").evaluate(out))
        XCTAssertThrowsError(try CourseCheck.parse("stdout contains \"659 nodata\"").evaluate(out))
        XCTAssertEqual(CourseLesson.command(fromLine: "kubuqi-monitor change --before a -o b   # expect-exit 3").expectedExit, 3)
        XCTAssertEqual(CourseLesson.command(fromLine: "kubuqi-monitor info x").expectedExit, 0)
    }
}

// MARK: - Lessons

/// One Markdown file of the course: its runnable blocks and their checks.
struct CourseLesson: Sendable {
    enum Kind: Sendable { case course, ldn }

    struct Command: Sendable {
        var text: String
        var expectedExit: Int32
        var line: Int
    }

    struct Block: Sendable {
        var kind: Kind
        var line: Int
        var commands: [Command]
        var checks: [(line: Int, check: CourseCheck)]
    }

    var name: String
    var blocks: [Block]
    /// Syntax errors in checks, checks before any block, untagged shell blocks.
    var problems: [String]

    /// `cmd ... # expect-exit N` as the command and N (0 without the marker).
    static func command(fromLine text: String, line: Int = 0) -> Command {
        if let r = text.range(of: #"\s+#\s*expect-exit\s+(\d+)\s*$"#, options: .regularExpression) {
            let n = Int32(text[r].split(separator: " ").last.map(String.init) ?? "0") ?? 0
            return Command(text: String(text[..<r.lowerBound]), expectedExit: n, line: line)
        }
        return Command(text: text, expectedExit: 0, line: line)
    }

    static func parse(file: String) throws -> CourseLesson {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let name = (file as NSString).lastPathComponent
        var lesson = CourseLesson(name: name, blocks: [], problems: [])
        let lines = text.components(separatedBy: "\n")
        var fence: (marker: String, info: String, start: Int, body: [(Int, String)])?
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if var f = fence {
                if trimmed.hasPrefix(f.marker) && trimmed.trimmingCharacters(in: CharacterSet(charactersIn: f.marker.prefix(1) + " ")).isEmpty {
                    lesson.closeBlock(info: f.info, start: f.start, body: f.body)
                    fence = nil
                } else {
                    f.body.append((n, raw))
                    fence = f
                }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let ch = trimmed.first!
                let marker = String(trimmed.prefix { $0 == ch })
                fence = (marker, trimmed.dropFirst(marker.count).trimmingCharacters(in: .whitespaces), n, [])
                continue
            }
            guard trimmed.hasPrefix("<!--") else { continue }
            guard let r = trimmed.range(of: #"^<!--\s*check:\s*(.*?)\s*-->$"#, options: .regularExpression) else {
                if trimmed.contains("check:") { lesson.problems.append("line \(n): a check comment must be `<!-- check: ... -->` on one line") }
                continue
            }
            let body = String(trimmed[r]).replacingOccurrences(of: #"^<!--\s*check:\s*"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"\s*-->$"#, with: "", options: .regularExpression)
            do {
                let check = try CourseCheck.parse(body)
                if lesson.blocks.isEmpty {
                    lesson.problems.append("line \(n): a check before any `sh course` block")
                } else {
                    lesson.blocks[lesson.blocks.count - 1].checks.append((n, check))
                }
            } catch {
                lesson.problems.append("line \(n): \(error)")
            }
        }
        if let f = fence { lesson.problems.append("line \(f.start): unclosed code block") }
        return lesson
    }

    private mutating func closeBlock(info: String, start: Int, body: [(Int, String)]) {
        let words = info.split(separator: " ").map(String.init)
        let kind: Kind
        switch words {
        case ["sh", "course"]: kind = .course
        case ["sh", "ldn"]: kind = .ldn
        default:
            // Every command a trainee is asked to run must be checked; set-up commands live in README.md.
            if name != "README.md", let w = words.first, ["sh", "bash", "shell", "console"].contains(w) {
                problems.append("line \(start): a ```\(info) block in a lesson: tag it `sh course` (or `sh ldn`) so CI runs it, or use ```text")
            }
            return
        }
        var commands: [Command] = []
        var pending: (Int, String)?
        for (n, raw) in body {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if let p = pending { line = p.1 + " " + line }
            let first = pending?.0 ?? n
            if line.hasSuffix("\\") {
                pending = (first, String(line.dropLast()).trimmingCharacters(in: .whitespaces))
                continue
            }
            pending = nil
            if line.isEmpty || line.hasPrefix("#") { continue }
            commands.append(Self.command(fromLine: line, line: first))
        }
        if let p = pending { commands.append(Self.command(fromLine: p.1, line: p.0)) }
        blocks.append(Block(kind: kind, line: start, commands: commands, checks: []))
    }
}

// MARK: - Running

/// What a block's commands printed, and where they ran.
struct CourseBlockOutput {
    var stdout: String
    var stderr: String
    var folder: String
}

/// The outcome of one lesson.
struct CourseLessonResult: Sendable {
    var lesson: String
    var commands = 0
    var checks = 0
    var skippedBlocks = 0
    var seconds = 0.0
    var failures: [String] = []
}

final class CourseResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var all: [CourseLessonResult] = []
    func add(_ r: CourseLessonResult) {
        lock.lock()
        all.append(r)
        lock.unlock()
    }
}

struct CourseRunner: Sendable {
    let binary: URL
    let fixtures: String
    let runLDN: Bool
    /// Longest a single command may take (generous: the suite may share the machine).
    static let timeout: TimeInterval = 600

    /// The full path of `tool` on PATH, nil when absent.
    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Whether `kubuqi-monitor --help` lists `name` among its subcommands.
    /// (`kubuqi-monitor NAME --help` is no test: for an unknown NAME it prints
    /// the top-level help and exits 0.)
    static func hasSubcommand(_ name: String, binary: URL) throws -> Bool {
        let r = try CLIRunner.run(["--help"])
        guard let section = r.stdout.range(of: "SUBCOMMANDS:") else { return false }
        return r.stdout[section.upperBound...].split(separator: "\n").contains {
            $0.hasPrefix("  ") && $0.split(separator: " ").first.map(String.init) == name
        }
    }

    func run(_ lesson: CourseLesson) -> CourseLessonResult {
        let start = Date()
        var result = runBlocks(of: lesson)
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    private func runBlocks(of lesson: CourseLesson) -> CourseLessonResult {
        var result = CourseLessonResult(lesson: lesson.name)
        let folder: TemporaryFolder
        do {
            folder = try TemporaryFolder()
            try FileManager.default.createSymbolicLink(atPath: folder.file("Fixtures"), withDestinationPath: fixtures)
        } catch {
            result.failures.append("cannot set up a working folder: \(error)")
            return result
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["LC_ALL"] = "C"
        for block in lesson.blocks {
            if block.kind == .ldn && !runLDN {
                result.skippedBlocks += 1
                continue
            }
            var output = CourseBlockOutput(stdout: "", stderr: "", folder: folder.path)
            var blockFailed = false
            for command in block.commands {
                result.commands += 1
                do {
                    let r = try shell(command.text, in: folder.path, environment: environment)
                    output.stdout += r.stdout
                    output.stderr += r.stderr
                    if r.status != command.expectedExit {
                        result.failures.append("line \(command.line): `\(command.text)` exited with \(r.status), expected "
                            + "\(command.expectedExit)\n--- stdout:\n\(r.stdout)--- stderr:\n\(r.stderr)")
                        blockFailed = true
                        break
                    }
                } catch {
                    result.failures.append("line \(command.line): `\(command.text)`: \(error)")
                    blockFailed = true
                    break
                }
            }
            for (line, check) in block.checks {
                result.checks += 1
                if blockFailed { continue }
                do {
                    try check.evaluate(output)
                } catch {
                    result.failures.append("line \(line): check `\(check.text)` failed: \(error)")
                }
            }
        }
        return result
    }

    /// Runs `command` through /bin/sh in `folder`; output goes through files (no pipe can fill up).
    private func shell(_ command: String, in folder: String, environment: [String: String]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let id = UUID().uuidString
        let outPath = NSTemporaryDirectory() + "course-\(id).out", errPath = NSTemporaryDirectory() + "course-\(id).err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        p.environment = environment
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + Self.timeout) == .timedOut {
            p.terminate()
            _ = done.wait(timeout: .now() + 5)
            throw CourseCheck.Failure("timed out after \(Int(Self.timeout)) s")
        }
        try out.close()
        try err.close()
        let o = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (p.terminationStatus, o, e)
    }
}

// MARK: - Checks

/// One `<!-- check: ... -->`:
///
///     json FILE [sum|count|min|max] PATH OP VALUE [~TOL]
///     stdout contains "TEXT"      stdout lacks "TEXT"      (also stderr)
///     stdout line N OP VALUE [~TOL]          (N-th non-empty line; -1 is the last)
///     file PATH exists            file PATH missing
///
/// OP is one of == != < <= > >=; VALUE a number or a "quoted string".
/// PATH: keys separated by dots (quoted when they hold spaces), `[N]`
/// (negative from the end) and filters `[field OP literal]` that keep the
/// matching elements of a list, e.g. `zones[id=200].classes[code<0].pixels`.
struct CourseCheck: Sendable {
    struct Failure: Error, CustomStringConvertible, Sendable {
        let description: String
        init(_ d: String) { description = d }
    }

    enum Operator: String, Sendable, CaseIterable {
        case eq = "==", ne = "!=", le = "<=", ge = ">=", lt = "<", gt = ">"

        static func parse(_ s: String) throws -> Operator {
            if s == "=" { return .eq }
            guard let o = Operator(rawValue: s) else { throw Failure("unknown operator '\(s)' (== != < <= > >=)") }
            return o
        }
    }

    enum Expected: Sendable, CustomStringConvertible {
        case number(Double, tolerance: Double?)
        case text(String)

        var description: String {
            switch self {
            case .number(let v, let t): return t.map { "\(v) ~\($0)" } ?? "\(v)"
            case .text(let s): return "\"\(s)\""
            }
        }

        /// Whether `actual` stands in `op` to this value.
        func compare(_ actual: Any, _ op: Operator) throws -> Bool {
            switch self {
            case .text(let s):
                guard op == .eq || op == .ne else { throw Failure("strings compare only with == or !=") }
                let a = (actual as? String) ?? "\(actual)"
                return (a == s) == (op == .eq)
            case .number(let v, let tol):
                guard let a = CourseCheck.number(actual) else { throw Failure("'\(actual)' is not a number") }
                let t = tol ?? 1e-9 * max(1, abs(v))
                switch op {
                case .eq: return abs(a - v) <= t
                case .ne: return abs(a - v) > t
                case .lt: return a < v
                case .le: return a <= v + t
                case .gt: return a > v
                case .ge: return a >= v - t
                }
            }
        }
    }

    enum Aggregate: String, Sendable { case sum, count, min, max }

    /// A JSON lookup: path, optional aggregate, comparison.
    struct Query: Sendable {
        var aggregate: Aggregate?
        var path: [Step]
        var op: Operator
        var expected: Expected

        enum Step: Sendable {
            case key(String)
            case index(Int)
            case filter(field: String, op: Operator, literal: String)
        }

        /// The values the path selects in `document`.
        func select(_ document: Any) throws -> [Any] {
            var nodes: [Any] = [document]
            for step in path {
                var next: [Any] = []
                for node in nodes {
                    switch step {
                    case .key(let k):
                        // A key after a list applies to each of its elements.
                        for element in (node as? [Any]) ?? [node] {
                            guard let d = element as? [String: Any] else { throw Failure("'\(k)': not an object") }
                            guard let v = d[k] else { throw Failure("no key '\(k)' (have: \(d.keys.sorted().joined(separator: ", ")))") }
                            next.append(v)
                        }
                    case .index(let i):
                        guard let a = node as? [Any] else { throw Failure("[\(i)]: not a list") }
                        let j = i < 0 ? a.count + i : i
                        guard a.indices.contains(j) else { throw Failure("[\(i)]: the list has \(a.count) elements") }
                        next.append(a[j])
                    case .filter(let field, let op, let literal):
                        guard let a = node as? [Any] else { throw Failure("[\(field)...]: not a list") }
                        let expected: Expected = Double(literal).map { .number($0, tolerance: nil) } ?? .text(literal)
                        for element in a {
                            guard let d = element as? [String: Any], let v = d[field] else { continue }
                            if (try? expected.compare(v, op)) == true { next.append(element) }
                        }
                    }
                }
                nodes = next
            }
            return nodes
        }

        /// Whether the comparison holds; throws when the path selects nothing usable.
        func holds(on document: Any) throws -> Bool { try compare(on: document).holds }

        /// The comparison and the value found (for messages).
        func compare(on document: Any) throws -> (holds: Bool, actual: Any) {
            var values = try select(document)
            // An aggregate over a path that ends at one list applies to the list's elements.
            if aggregate != nil, values.count == 1, let list = values[0] as? [Any] { values = list }
            let actual: Any
            switch aggregate {
            case nil:
                guard values.count == 1 else {
                    throw Failure("the path selects \(values.count) values; give sum, count, min or max, or a narrower filter")
                }
                actual = values[0]
            case .count?:
                actual = Double(values.count)
            case let agg?:
                let numbers = try values.map { v -> Double in
                    guard let d = CourseCheck.number(v) else { throw Failure("'\(v)' is not a number") }
                    return d
                }
                guard !numbers.isEmpty else { throw Failure("the path selects no value") }
                switch agg {
                case .sum: actual = numbers.reduce(0, +)
                case .min: actual = numbers.min()!
                default: actual = numbers.max()!
                }
            }
            return (try expected.compare(actual, op), actual)
        }

        static func parsePath(_ s: String) throws -> [Step] {
            var steps: [Step] = []
            var i = s.startIndex
            func fail(_ m: String) -> Failure { Failure("path '\(s)': \(m)") }
            while i < s.endIndex {
                let c = s[i]
                if c == "." { i = s.index(after: i); continue }
                if c == "[" {
                    guard let close = s[i...].firstIndex(of: "]") else { throw fail("unclosed [") }
                    let inside = String(s[s.index(after: i)..<close]).trimmingCharacters(in: .whitespaces)
                    i = s.index(after: close)
                    if let n = Int(inside) { steps.append(.index(n)); continue }
                    if inside.hasPrefix("\"") && inside.hasSuffix("\"") && inside.count >= 2 {
                        steps.append(.key(String(inside.dropFirst().dropLast())))
                        continue
                    }
                    guard let r = inside.range(of: #"(==|!=|<=|>=|=|<|>)"#, options: .regularExpression) else {
                        throw fail("[\(inside)] is neither an index nor a filter field OP value")
                    }
                    let field = inside[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                    var literal = inside[r.upperBound...].trimmingCharacters(in: .whitespaces)
                    if literal.hasPrefix("\"") && literal.hasSuffix("\"") && literal.count >= 2 { literal = String(literal.dropFirst().dropLast()) }
                    guard !field.isEmpty, !literal.isEmpty else { throw fail("[\(inside)]: empty field or value") }
                    steps.append(.filter(field: field, op: try Operator.parse(String(inside[r])), literal: literal))
                    continue
                }
                if c == "\"" {
                    let from = s.index(after: i)
                    guard let close = s[from...].firstIndex(of: "\"") else { throw fail("unclosed quote") }
                    steps.append(.key(String(s[from..<close])))
                    i = s.index(after: close)
                    continue
                }
                var end = i
                while end < s.endIndex, s[end] != ".", s[end] != "[" { end = s.index(after: end) }
                steps.append(.key(String(s[i..<end])))
                i = end
            }
            guard !steps.isEmpty else { throw fail("empty") }
            return steps
        }
    }

    enum Kind: Sendable {
        case json(file: String, Query)
        case contains(stream: String, text: String, negated: Bool)
        case line(stream: String, number: Int, op: Operator, expected: Expected)
        case file(path: String, exists: Bool)
    }

    var text: String
    var kind: Kind

    /// A number from a JSON or text value.
    static func number(_ v: Any) -> Double? {
        if let n = v as? NSNumber { return n.doubleValue }
        if let s = v as? String { return Double(s.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// Stands for an escaped quote `\"` while a check is split into tokens.
    static let escapedQuote: Character = "\u{1}"

    /// Splits on spaces outside double quotes (quotes kept; `\"` is a quote inside a quoted text).
    static func tokens(_ s: String) throws -> [String] {
        var out: [String] = [], current = "", quoted = false
        for c in s.replacingOccurrences(of: "\\\"", with: String(escapedQuote)) {
            if c == "\"" { quoted.toggle() }
            if c == " " && !quoted {
                if !current.isEmpty { out.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        if quoted { throw Failure("unclosed quote in '\(s)'") }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// `VALUE [~TOL]` from the tokens after the operator.
    static func expected(_ t: ArraySlice<String>) throws -> Expected {
        guard var first = t.first else { throw Failure("missing the value to compare with") }
        var tolerance: Double?
        var rest = Array(t.dropFirst())
        if let tilde = first.firstIndex(of: "~"), !first.hasPrefix("\"") {
            rest.insert(String(first[tilde...]), at: 0)
            first = String(first[..<tilde])
        }
        if let tol = rest.first {
            guard tol.hasPrefix("~"), let v = Double(tol.dropFirst()), rest.count == 1 else {
                throw Failure("after the value only a tolerance ~T may follow, got '\(rest.joined(separator: " "))'")
            }
            tolerance = v
        }
        if first.hasPrefix("\"") && first.hasSuffix("\"") && first.count >= 2 {
            guard tolerance == nil else { throw Failure("a string has no tolerance") }
            return .text(String(first.dropFirst().dropLast()).replacingOccurrences(of: String(escapedQuote), with: "\""))
        }
        guard let v = Double(first) else { throw Failure("'\(first)' is neither a number nor a \"quoted string\"") }
        return .number(v, tolerance: tolerance)
    }

    static func unquote(_ s: String) throws -> String {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else { throw Failure("expected a \"quoted text\", got \(s)") }
        return String(s.dropFirst().dropLast()).replacingOccurrences(of: String(escapedQuote), with: "\"")
    }

    static func parse(_ text: String) throws -> CourseCheck {
        let t = try tokens(text)
        guard let head = t.first else { throw Failure("empty check") }
        switch head {
        case "json":
            guard t.count >= 5 else { throw Failure("json FILE [sum|count|min|max] PATH OP VALUE, got '\(text)'") }
            var i = 2
            let aggregate = Aggregate(rawValue: t[i])
            if aggregate != nil { i += 1 }
            guard t.count > i + 2 else { throw Failure("json FILE [sum|count|min|max] PATH OP VALUE, got '\(text)'") }
            let query = Query(aggregate: aggregate, path: try Query.parsePath(t[i]), op: try Operator.parse(t[i + 1]),
                              expected: try expected(t[(i + 2)...]))
            return CourseCheck(text: text, kind: .json(file: t[1], query))
        case "stdout", "stderr":
            guard t.count >= 3 else { throw Failure("\(head) contains|lacks \"TEXT\" or \(head) line N OP VALUE") }
            switch t[1] {
            case "contains", "lacks":
                guard t.count == 3 else { throw Failure("\(head) \(t[1]) takes one \"quoted text\"") }
                return CourseCheck(text: text, kind: .contains(stream: head, text: try unquote(t[2]), negated: t[1] == "lacks"))
            case "line":
                guard t.count >= 5, let n = Int(t[2]), n != 0 else { throw Failure("\(head) line N OP VALUE (N from 1, or -1 for the last)") }
                return CourseCheck(text: text, kind: .line(stream: head, number: n, op: try Operator.parse(t[3]), expected: try expected(t[4...])))
            default:
                throw Failure("unknown \(head) check '\(t[1])' (contains, lacks, line)")
            }
        case "file":
            guard t.count == 3, t[2] == "exists" || t[2] == "missing" else { throw Failure("file PATH exists|missing") }
            return CourseCheck(text: text, kind: .file(path: t[1], exists: t[2] == "exists"))
        default:
            throw Failure("unknown check '\(head)' (json, stdout, stderr, file)")
        }
    }

    /// Throws a `Failure` saying what differs.
    func evaluate(_ output: CourseBlockOutput) throws {
        func path(_ p: String) -> String { p.hasPrefix("/") ? p : output.folder + "/" + p }
        switch kind {
        case .json(let file, let query):
            guard let data = FileManager.default.contents(atPath: path(file)) else { throw Failure("\(file): no such file") }
            let document = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            let r = try query.compare(on: document)
            if !r.holds { throw Failure("found \(r.actual), expected \(query.op.rawValue) \(query.expected)") }
        case .contains(let stream, let needle, let negated):
            let haystack = stream == "stdout" ? output.stdout : output.stderr
            if haystack.contains(needle) == negated {
                throw Failure("\(stream) \(negated ? "contains" : "lacks") \"\(needle)\":\n\(haystack)")
            }
        case .line(let stream, let n, let op, let expected):
            let lines = (stream == "stdout" ? output.stdout : output.stderr).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let j = n < 0 ? lines.count + n : n - 1
            guard lines.indices.contains(j) else { throw Failure("\(stream) has \(lines.count) non-empty lines, no line \(n)") }
            guard try expected.compare(lines[j], op) else {
                throw Failure("\(stream) line \(n) is '\(lines[j])', expected \(op.rawValue) \(expected)")
            }
        case .file(let p, let exists):
            if FileManager.default.fileExists(atPath: path(p)) != exists {
                throw Failure("\(p) \(exists ? "does not exist" : "exists")")
            }
        }
    }
}

// MARK: - Figures quoted in the answers

/// The figures of a lesson's answers and what backs them (``CourseTests/testEveryFigureInTheAnswersIsBacked``).
enum CourseFigures {
    /// Numbers in `text` as written (`1,600` is one number) with their value.
    static func numbers(in text: String) -> [(text: String, value: Double)] {
        let pattern = #"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE]-?\d+)?(?![\w]|\.\d)"#
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            let t = ns.substring(with: m.range)
            return Double(t.replacingOccurrences(of: ",", with: "")).map { (t, $0) }
        }
    }

    /// Half a unit of the last written digit of `text` (0.5 for `33`, 0.00005 for `0.1079`).
    static func halfUnit(_ text: String) -> Double {
        guard let dot = text.firstIndex(of: "."), !text.lowercased().contains("e") else { return 0.5 }
        return 0.5 * pow(10, -Double(text.distance(from: dot, to: text.endIndex) - 1))
    }

    /// The figures of the lesson's answers (after `## Answers`, before `## References`) backed by nothing.
    static func unbacked(lesson text: String, truth: [Double]) -> [String] {
        guard let start = text.range(of: "\n## Answers") else { return [] }
        var answers = String(text[start.upperBound...])
        if let end = answers.range(of: "\n## References") { answers = String(answers[..<end.lowerBound]) }
        // Checks: the compared value and its tolerance.
        var checked: [(value: Double, tolerance: Double)] = []
        let checkRe = try! NSRegularExpression(pattern: #"<!--\s*check:(.*?)-->"#)
        let compareRe = try! NSRegularExpression(pattern: #"(==|<=|>=|<|>)\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)(?:\s*~([0-9.]+))?"#)
        let ns = text as NSString
        for m in checkRe.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let body = ns.substring(with: m.range(at: 1)) as NSString
            // `stdout contains "... 64878 valid pixels ..."`: the quoted text's numbers are checked exactly.
            for q in (body as String).split(separator: "\"", omittingEmptySubsequences: false).enumerated() where q.offset % 2 == 1 {
                checked += numbers(in: String(q.element)).map { (abs($0.value), 0) }
            }
            for c in compareRe.matches(in: body as String, range: NSRange(location: 0, length: body.length)) {
                guard let v = Double(body.substring(with: c.range(at: 2))) else { continue }
                let tol = c.range(at: 3).location == NSNotFound ? 0 : Double(body.substring(with: c.range(at: 3))) ?? 0
                checked.append((abs(v), tol))
            }
        }
        // Declared figures: <!-- figures: ... --> anywhere in the lesson.
        var declared = Set<String>()
        let figRe = try! NSRegularExpression(pattern: #"<!--\s*figures:(.*?)-->"#, options: [.dotMatchesLineSeparators])
        for m in figRe.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            for n in numbers(in: ns.substring(with: m.range(at: 1))) { declared.insert(n.text.replacingOccurrences(of: "-", with: "")) }
        }
        // The answers' prose: no comments, no inline code, no answer labels.
        answers = answers.replacingOccurrences(of: #"<!--.*?-->"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"`[^`]*`"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"\*\*[0-9]\.[0-9]\*\*"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"(?m)^[0-9]\.[0-9] "#, with: " ", options: .regularExpression)
        var out: [String] = []
        for n in numbers(in: answers) {
            let x = abs(n.value), half = halfUnit(n.text)
            if checked.contains(where: { abs($0.value - x) <= half + 1e-12 && $0.tolerance <= 2 * half + 1e-12 }) { continue }
            if truth.contains(where: { abs($0 - x) <= half + 1e-12 }) { continue }
            if declared.contains(n.text.replacingOccurrences(of: "-", with: "")) { continue }
            out.append(n.text)
        }
        return out
    }
}
