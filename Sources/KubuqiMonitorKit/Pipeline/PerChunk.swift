/// One value per chunk of a strip, for observers: chunks run concurrently,
/// each touching only its own slot (so no lock is needed), and the slots are
/// merged when the pass is over.
public final class PerChunk<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value>

    /// One slot per possible chunk, each starting at `initial`.
    public init(_ initial: Value) {
        slots = .allocate(capacity: StreamedCalculation.maximumChunks)
        slots.initialize(repeating: initial)
    }

    /// Mutates chunk `i`'s value.
    public func update(_ i: Int, _ body: (inout Value) -> Void) { body(&slots[i]) }

    /// Every slot's value.
    public var values: [Value] { Array(slots) }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
