import Foundation
import KubuqiGDAL
import KubuqiRaster

/// File-system steps that never touch a file outside the run's own output:
/// nothing is opened through a symbolic link, temporary files and folders
/// are created exclusively under unpredictable names, and a finished file is
/// renamed only over a regular file of the same owner (the previous output).
///
/// Temporaries are named `.kubuqi-tmp-PID-XXXXXX` and work folders
/// `.kubuqi-work-PID-XXXXXX` (`XXXXXX` random, from `mkstemp`/`mkdtemp`), so
/// a later run on the same folder can tell those of a dead process and
/// remove them (``removeStale(in:)``).
public enum SafeFiles {
    /// What `lstat` sees at a path (a final symbolic link is not followed).
    public struct Entry: Sendable {
        /// `st_mode & S_IFMT`.
        public let type: mode_t
        /// The owner.
        public let uid: uid_t
        /// The number of hard links.
        public let links: Int

        /// A regular file.
        public var isRegular: Bool { type == S_IFREG }
        /// A directory (not a link to one).
        public var isDirectory: Bool { type == S_IFDIR }

        /// The kind in words, for messages: `a character device`, `a FIFO`...
        public var kind: String {
            switch type {
            case S_IFREG: return "a regular file"
            case S_IFDIR: return "a folder"
            case S_IFLNK: return "a symbolic link"
            case S_IFCHR: return "a character device"
            case S_IFBLK: return "a block device"
            case S_IFIFO: return "a FIFO (named pipe)"
            case S_IFSOCK: return "a socket"
            default: return "a special file"
            }
        }
    }

    /// The entry at `path` without following a final link; nil when nothing is there.
    public static func entry(_ path: String) -> Entry? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Entry(type: st.st_mode & S_IFMT, uid: st.st_uid, links: Int(st.st_nlink))
    }

    /// The entry `path` leads to (links followed); nil when nothing is there.
    public static func target(_ path: String) -> Entry? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Entry(type: st.st_mode & S_IFMT, uid: st.st_uid, links: Int(st.st_nlink))
    }

    /// An output error unless `target` is absent or a regular file of this
    /// user (the previous output): a device, FIFO, socket, folder or link is
    /// never replaced, nor another user's file.
    public static func requireReplaceable(_ target: String) throws {
        guard let e = entry(target) else { return }
        guard e.isRegular else {
            throw KubuqiError.output(target, "exists and is \(e.kind), not a regular file; refusing to replace it")
        }
        guard e.uid == geteuid() else {
            throw KubuqiError.output(target, "belongs to another user (uid \(e.uid)); refusing to replace it")
        }
    }

    /// The prefix of this process's temporaries.
    static var temporaryPrefix: String { ".kubuqi-tmp-\(getpid())-" }

    /// A new private folder (mode 0700, `mkdtemp`) in `folder`, named
    /// `.kubuqi-PURPOSE-PID-XXXXXX`, registered for removal on interruption.
    ///
    /// - Parameter blame: the path the error names (the output the folder is for); the folder by default.
    public static func privateFolder(in folder: String, purpose: String = "tmp", blame: String? = nil) throws -> String {
        let base = folder.isEmpty ? "." : folder
        var template = Array(PathNames.sibling(of: base + "/x", named: ".kubuqi-\(purpose)-\(getpid())-XXXXXX").utf8CString)
        // Created and registered with no signal clean-up in between (it would miss the folder).
        let path: String? = Interruption.whileCreating {
            guard let made = mkdtemp(&template) else { return nil }
            let path = String(cString: made)
            Interruption.registerFolder(path)
            return path
        }
        guard let path else {
            let reason = lastError()
            if let blame { throw KubuqiError.output(blame, "cannot create a temporary folder in \(Quoted.name(base)) (\(reason))") }
            throw KubuqiError.output(base, "cannot create a temporary folder in it (\(reason))")
        }
        return path
    }

    /// Writes `data` to a new temporary file beside `path` (`mkstemp`:
    /// created exclusively, never through a link), then renames it onto
    /// `path`, which must be absent or a regular file of this user.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        try requireReplaceable(path)
        var template = Array(PathNames.sibling(of: path, named: temporaryPrefix + "XXXXXX").utf8CString)
        // Created and registered with no signal clean-up in between (it would miss the file).
        let fd: Int32 = Interruption.whileCreating {
            let fd = mkstemp(&template)
            if fd >= 0 { Interruption.register(String(cString: template)) }
            return fd
        }
        guard fd >= 0 else { throw KubuqiError.output(path, "cannot create a temporary file beside it (\(lastError()))") }
        let temp = String(cString: template)
        defer { Interruption.unregister(temp) }
        _ = fchmod(fd, 0o666 & ~currentUmask)
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; failure = lastError(); return }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = lastError() }
        if let failure {
            unlink(temp)
            throw KubuqiError.output(path, "cannot write (\(failure))")
        }
        try renameFinished(temp, onto: path)
    }

    /// GDAL's sidecar of `path` (`PATH.aux.xml`): nodata, scale, offset,
    /// statistics, a class legend, which GDAL merges into what every reader
    /// sees of the file.
    public static func sidecar(of path: String) -> String { path + ".aux.xml" }

    /// Removes the sidecar of a file just replaced at `target` by one that
    /// brings none: it described the replaced file (a `gdalinfo -stats` or QGIS
    /// run on the previous output writes one), and GDAL would read its nodata,
    /// scale, offset and statistics as the new file's. Only a regular file of
    /// this user is removed (``requireReplaceable(_:)`` refuses anything else
    /// before the run publishes).
    public static func removeStaleSidecar(of target: String) {
        let sidecar = sidecar(of: target)
        if let e = entry(sidecar), e.isRegular, e.uid == geteuid() { unlink(sidecar) }
    }

    /// Renames a finished temporary onto `target` after checking the target
    /// may be replaced; the temporary is removed when it may not.
    public static func renameFinished(_ temporary: String, onto target: String) throws {
        do { try requireReplaceable(target) } catch {
            unlink(temporary)
            throw error
        }
        // Noted before the rename (a signal in between must not miss it) by the temporary's device and inode, which the
        // rename keeps: in an output folder this run created, an interruption removes what this run put there and
        // nothing else, not another program's file put under the name afterwards (``Interruption/registerCreatedFolder(_:)``).
        let id = FileIdentity(temporary)
        if let id { Interruption.notePlaced(id) }
        guard rename(temporary, target) == 0 else {
            let reason = lastError()
            unlink(temporary)
            throw KubuqiError.output(target, "cannot move the finished file into place (\(reason))")
        }
        if let id { Interruption.notePublished(target, id) }
    }

    /// Creates the folders of `relative` under `root` one by one, refusing a
    /// component that exists as anything but a real folder (a planted link
    /// would lead the writes elsewhere).
    public static func makeFolders(_ relative: String, under root: String) throws {
        var path = root
        for part in relative.split(separator: "/") where part != "." && !part.isEmpty {
            guard part != ".." else { throw KubuqiError.output(root + "/" + relative, "leads out of the output folder") }
            path = path.hasSuffix("/") ? path + part : path + "/" + part
            // Made and noted as this run's with no interruption's clean-up in between (it removes only what this run made).
            let failure: Int32? = Interruption.whileCreating {
                guard mkdir(path, 0o777) == 0 else { return errno }
                Interruption.notePlaced(path: path)
                return nil
            }
            guard let failure else { continue }
            let reason = String(cString: strerror(failure))
            guard let e = entry(path) else { throw KubuqiError.output(path, "cannot create the folder (\(reason))") }
            guard e.isDirectory else { throw KubuqiError.output(path, "exists and is \(e.kind), not a folder; refusing to write through it") }
        }
    }

    /// Removes a half-made output of this run (a folder with everything in it, or a file) for good, even while threads
    /// of the run may still be writing: the one removal of every failure and interruption clean-up
    /// (``Interruption``, ``WorkFolder/remove()``, ``AtomicOutput/discard()``, the COG copy's and the tile spools' private
    /// folders, a tile's staging, the demo's folder).
    ///
    /// The path is first moved aside (`NAME.interrupted`, beside it): a writer that opens or creates a path inside
    /// it from then on fails instead of recreating it, and a writer still holding a descriptor writes into a file that
    /// is no longer named. The moved tree is then removed, and removed again (every 10 ms, for at most
    /// ``removalPatience`` seconds) while anything of it is left: a removal that meets an entry added or removed under
    /// it meanwhile (a thread finishing a write, another clean-up removing the same temporary) stops short of the
    /// whole tree. Returns whether nothing is left.
    ///
    /// The move and the registration of the moved name for an interruption's clean-up are made with no clean-up in
    /// between (``Interruption/whileCreating(_:)``), so a signal arriving meanwhile removes the moved tree too.
    /// `signalCleanUp`: called by that clean-up itself (which holds the creation lock): nothing registered.
    @discardableResult
    public static func removeTree(_ path: String, signalCleanUp: Bool = false) -> Bool {
        guard let found = entry(path) else { Interruption.unregister(path); return true }
        let aside = path + ".interrupted"
        func moveAside() -> String {
            guard entry(aside) == nil, rename(path, aside) == 0 else { return path }
            if !signalCleanUp { found.isDirectory ? Interruption.registerFolder(aside) : Interruption.register(aside) }
            return aside
        }
        let victim = signalCleanUp ? moveAside() : Interruption.whileCreating(moveAside)
        defer { if !signalCleanUp { Interruption.unregister(aside); Interruption.unregister(path) } }
        let deadline = Date().addingTimeInterval(removalPatience)
        while true {
            if let e = entry(victim), e.isDirectory { try? FileManager.default.removeItem(atPath: victim) } else { unlink(victim) }
            guard entry(victim) != nil else { return true }
            guard Date() < deadline else {
                // Never silently: what is left is named, once, with the system's reason, so the user can remove it.
                let reason = removalFailure(victim).map { " (\($0))" } ?? ""
                guard entry(victim) != nil else { return true }
                Diagnostics.warn("\(Quoted.name(victim)): could not be removed in \(Int(removalPatience)) s\(reason); remove it by hand")
                return false
            }
            usleep(10_000)
        }
    }

    /// One more removal of what is left at `path`, entry by entry from the bottom up (links not followed): the system's
    /// reason for the first entry that could not be removed (`Device or resource busy`), nil when all went.
    static func removalFailure(_ path: String) -> String? {
        var failure: String?
        if let e = entry(path), e.isDirectory {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                if let f = removalFailure((path as NSString).appendingPathComponent(name)), failure == nil { failure = f }
            }
            if rmdir(path) != 0, failure == nil { failure = lastError() }
        } else if unlink(path) != 0, errno != ENOENT {
            failure = lastError()
        }
        return failure
    }

    /// How long ``removeTree(_:)`` keeps removing what is left of a tree: 2 s.
    public static let removalPatience: TimeInterval = 2

    /// Opens (creating it if needed) a lock file that must be a regular file
    /// with one link, never following a symbolic link; the descriptor or an
    /// output error.
    public static func openLockFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; refusing to follow it" : lastError()
            throw KubuqiError.output(path, "cannot open the lock file (\(reason))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_nlink == 1 else {
            close(fd)
            throw KubuqiError.output(path, "the lock file is not a plain file of its own (a device, FIFO or hard link); remove it")
        }
        return fd
    }

    /// Takes the lock file `path` (created if needed, see ``openLockFile(_:)``) with an exclusive `flock` for the rest of
    /// the process: the descriptor, or nil with the holder's PID (as written in the file, `?` when unreadable) when another
    /// run holds it.
    ///
    /// The lock is taken on the file that is still named `path` once locked (device and inode compared after `flock`): a
    /// run that held it may remove the file when it ends, and a lock on the removed file would exclude nobody (the next
    /// run creates a new file and locks that). Such a lock is dropped and the file opened again. Taken and noted as this
    /// run's (``Interruption/noteHeldLock(_:)``) with no interruption's clean-up in between, so that clean-up removes a lock
    /// file only when this run holds it or nobody does (``removeLockFileIfFree(_:)``), never a live run's.
    public static func takeLock(_ path: String) throws -> (fd: Int32?, holder: String) {
        for _ in 0..<100 {
            let outcome: (fd: Int32?, holder: String)? = try Interruption.whileCreating {
                let fd = try openLockFile(path)
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                    var buffer = [UInt8](repeating: 0, count: 32)
                    let n = read(fd, &buffer, 31)
                    let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
                    close(fd)
                    return (nil, Int32(text).map(String.init) ?? "?")
                }
                guard isNamed(fd, path) else { close(fd); return nil }
                Interruption.noteHeldLock(path)
                return (fd, "")
            }
            if let outcome { return outcome }
        }
        throw KubuqiError.output(path, "the lock file was replaced 100 times while this run took it; another program keeps removing it")
    }

    /// Whether the open file `fd` is the one named `path` (not a file removed or replaced since it was opened).
    static func isNamed(_ fd: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        return fstat(fd, &open) == 0 && lstat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Removes the lock file `path` if nobody holds its lock (this process takes it first, on a descriptor of its own, and
    /// removes the file it locked): an interrupted run's clean-up of a folder it created but had not yet locked, where
    /// another run may already hold the lock. Returns whether it was removed.
    @discardableResult
    public static func removeLockFileIfFree(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, isNamed(fd, path) else { return false }
        return unlink(path) == 0
    }

    /// Removes from `folder`, an output folder this run created, what this run put there (files it renamed into place and
    /// GDAL's sidecars of them, folders it made, its own temporaries, the lock file when this run holds it or nobody does), then the folder when
    /// nothing else is left in it: another program's file written meanwhile (`stack -o FOLDER/x.tif`, a tile run's
    /// output, the user's) stays, with the folders leading to it. Only the folder and the folders this run made are
    /// looked into. Entries are compared by device and inode with what
    /// this run noted (``Interruption/notePlaced(_:)``), not by name. Called by an interruption's clean-up.
    static func removeOwnEntries(of folder: String, placed: Set<FileIdentity>, heldLocks: Set<FileIdentity>) {
        let lock = (folder as NSString).appendingPathComponent(".kubuqi.lock")
        func sweep(_ dir: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            // The files this run put here, and GDAL's sidecars of them (`NAME.aux.xml` written by GDAL itself when a
            // class legend is attached to a published raster, `NAME.ovr`, `NAME.msk`).
            let own = Set(names.filter { name in
                let path = (dir as NSString).appendingPathComponent(name)
                return entry(path)?.isDirectory == false && FileIdentity(path).map(placed.contains) == true
            })
            func isSidecarOfOwn(_ name: String) -> Bool {
                [".aux.xml", ".ovr", ".msk"].contains { name.hasSuffix($0) && own.contains(String(name.dropLast($0.count))) }
            }
            for name in names {
                let path = (dir as NSString).appendingPathComponent(name)
                guard let id = FileIdentity(path), let e = entry(path) else { continue }
                if own.contains(name) || isSidecarOfOwn(name) && e.isRegular || ownerPID(name) == getpid() {
                    removeTree(path, signalCleanUp: true)
                } else if heldLocks.contains(id) {
                    unlink(path)
                } else if e.isDirectory && placed.contains(id) {
                    // A folder this run made (`tables/`, `tiles/`): its own entries, then itself if nothing else is left.
                    // A folder it did not make (another program's, a tile folder finished and renamed into place) stays whole.
                    sweep(path)
                    rmdir(path)
                }
            }
        }
        sweep(folder)
        if let id = FileIdentity(lock), !heldLocks.contains(id) { removeLockFileIfFree(lock) }
        rmdir(folder)
    }

    /// Removes, from `folder`, the temporaries and work folders of runs that
    /// are no longer alive: `.kubuqi-tmp-PID-*`, `.kubuqi-work-PID-*` (and the
    /// names of earlier versions, `.NAME.part-PID`, `.kubuqi-work-PID`) whose
    /// process is gone and that belong to this user. Returns the names removed.
    ///
    /// - Parameter lockedPrefix: names of this prefix are removed whatever
    ///   their PID: the caller holds the lock that every writer of such names
    ///   holds (a tile's lock), so they are a dead run's even when that run
    ///   was on another machine sharing the folder.
    @discardableResult
    public static func removeStale(in folder: String, lockedPrefix: String? = nil) -> [String] {
        let base = folder.isEmpty ? "." : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            if let lockedPrefix {
                guard name.hasPrefix(lockedPrefix), ownerPID(name) != getpid() else { continue }
            } else {
                guard let pid = ownerPID(name), pid != getpid(), !isAlive(pid) else { continue }
            }
            let full = PathNames.sibling(of: base + "/x", named: name)
            guard let e = entry(full), e.uid == geteuid(), e.isRegular || e.isDirectory else { continue }
            removeTree(full)
            removed.append(name)
        }
        return removed
    }

    /// A file's device and inode, which name it whatever path leads to it.
    public struct FileIdentity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64

        /// The identity of the entry at `path` (a final link not followed); nil when nothing is there.
        public init?(_ path: String) {
            var st = stat()
            guard lstat(path, &st) == 0 else { return nil }
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    /// The PID in a temporary's name, nil when the name is not one of ours.
    static func ownerPID(_ name: String) -> pid_t? {
        let patterns = [
            "^\\.kubuqi-(tmp|work|tile[0-9]+)-([0-9]+)-[A-Za-z0-9]{6}(\\.interrupted)?$",
            "^\\.kubuqi-(work)-([0-9]+)(\\.interrupted)?$",
            "^\\.(.+)\\.part-([0-9]+)(\\.aux\\.xml)?$",
        ]
        for p in patterns {
            guard let regex = try? NSRegularExpression(pattern: p),
                  let m = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)),
                  let r = Range(m.range(at: 2), in: name) else { continue }
            return pid_t(name[r])
        }
        return nil
    }

    /// Whether a process of that id exists.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The process's umask, read once.
    static let currentUmask: mode_t = {
        let m = umask(0o022)
        umask(m)
        return m
    }()

    static func lastError() -> String { String(cString: strerror(errno)) }
}
