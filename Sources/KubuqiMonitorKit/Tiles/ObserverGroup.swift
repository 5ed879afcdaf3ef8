/// Several chunk observers fed by one pass.
final class ObserverGroup: ChunkObserver, @unchecked Sendable {
    private let members: [ChunkObserver]
    init(_ members: [ChunkObserver]) { self.members = members }
    func observe(chunk: Int, firstRow: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        observe(chunk: chunk, firstRow: firstRow, firstColumn: 0, width: width, results: results)
    }
    func observe(chunk: Int, firstRow: Int, firstColumn: Int, width: Int, results: [UnsafeBufferPointer<Float>]) {
        for m in members { m.observe(chunk: chunk, firstRow: firstRow, firstColumn: firstColumn, width: width, results: results) }
    }
    /// The first member's reason to stop.
    var stopReason: Error? { members.lazy.compactMap(\.stopReason).first }
}
