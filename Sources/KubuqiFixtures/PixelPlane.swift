/// A row-major grid of values the size of the study area (or any size): the
/// in-memory form of one band before it is written.
public struct PixelPlane<Element: Sendable>: Sendable {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// The values, row by row (`values[row * width + column]`).
    public var values: [Element]

    /// A plane of `width` x `height` filled with `value`.
    public init(width: Int, height: Int, repeating value: Element) {
        precondition(width > 0 && height > 0, "a plane has at least one pixel")
        self.width = width
        self.height = height
        values = [Element](repeating: value, count: width * height)
    }

    /// A plane whose value at each pixel is `make(row, column)`, evaluated in
    /// reading order (row by row, left to right) so that a random generator
    /// used inside `make` is consumed deterministically.
    public init(width: Int, height: Int, _ make: (_ row: Int, _ column: Int) throws -> Element) rethrows {
        precondition(width > 0 && height > 0, "a plane has at least one pixel")
        self.width = width
        self.height = height
        var v: [Element] = []
        v.reserveCapacity(width * height)
        for r in 0..<height {
            for c in 0..<width { v.append(try make(r, c)) }
        }
        values = v
    }

    /// The value at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Element {
        get { values[row * width + column] }
        set { values[row * width + column] = newValue }
    }

    /// Whether (`row`, `column`) lies inside the plane.
    public func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < height && column >= 0 && column < width
    }

    /// A plane of the same size with `transform` applied to every value.
    public func map<T: Sendable>(_ transform: (Element) throws -> T) rethrows -> PixelPlane<T> {
        PixelPlane<T>(width: width, height: height, values: try values.map(transform))
    }

    /// The number of pixels whose value satisfies `predicate`.
    public func count(where predicate: (Element) throws -> Bool) rethrows -> Int {
        var n = 0
        for v in values where try predicate(v) { n += 1 }
        return n
    }

    private init(width: Int, height: Int, values: [Element]) {
        self.width = width
        self.height = height
        self.values = values
    }
}
