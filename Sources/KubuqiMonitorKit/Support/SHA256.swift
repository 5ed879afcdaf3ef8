import CLibCrypto
import Foundation

/// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto (`EVP_sha256`), streamed, for recording the
/// identity of every input and output in reports and tile plans.
///
/// A value type: a copy continues independently from the state it was copied at
/// (copy-on-write of the `EVP_MD_CTX`).
public struct SHA256: @unchecked Sendable {
    /// Owns one `EVP_MD_CTX`.
    private final class Context {
        let ctx: OpaquePointer
        init() {
            guard let c = EVP_MD_CTX_new() else { fatalError("libcrypto: EVP_MD_CTX_new failed (out of memory)") }
            ctx = c
            guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else { fatalError("libcrypto: SHA-256 is unavailable") }
        }
        init(copying other: Context) {
            guard let c = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(c, other.ctx) == 1 else {
                fatalError("libcrypto: EVP_MD_CTX_copy_ex failed (out of memory)")
            }
            ctx = c
        }
        deinit { EVP_MD_CTX_free(ctx) }
    }

    private var context = Context()

    /// An empty digest.
    public init() {}

    private mutating func uniqueContext() -> OpaquePointer {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        return context.ctx
    }

    /// Adds bytes.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let ctx = uniqueContext()
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            _ = EVP_DigestUpdate(ctx, buffer.baseAddress, buffer.count)
        }
        if contiguous == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        }
    }

    /// Adds the bytes of `data`.
    public mutating func update(_ data: Data) {
        let ctx = uniqueContext()
        data.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
    }

    /// The digest as 64 lower-case hex digits. The value can still be updated afterwards: the
    /// digest is taken from a copy of the state.
    public func hexDigest() -> String {
        let finalCopy = Context(copying: context)
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(finalCopy.ctx, &out, &length)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var chars = [UInt8]()
        chars.reserveCapacity(64)
        for b in out.prefix(Int(length)) {
            chars.append(hex[Int(b >> 4)])
            chars.append(hex[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Thrown by ``file(_:stopping:)`` when asked to stop before the end of the file.
    public struct Stopped: Error {}

    /// The SHA-256 of a file's bytes, read in 256 KiB chunks; `stopping` is asked before each chunk and a `true` ends
    /// the reading with ``Stopped`` (a run that failed elsewhere does not wait for a large file to be hashed).
    public static func file(_ path: String, stopping: () -> Bool = { false }) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KubuqiError.input(path, "cannot be read to compute its checksum") }
        defer { close(fd) }
        // One 256 KiB buffer, read into and hashed while it is still in the CPU's cache (a fresh
        // 4 MiB `Data` per chunk cost page faults and a copy: a collection's inputs are hashed whole).
        let size = 1 << 18
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        var digest = SHA256()
        let ctx = digest.uniqueContext()
        while true {
            if stopping() { throw Stopped() }
            let n = read(fd, buffer, size)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw KubuqiError.input(path, "cannot be read to compute its checksum (\(String(cString: strerror(errno))))")
            }
            _ = EVP_DigestUpdate(ctx, buffer, n)
        }
        return digest.hexDigest()
    }
}
