/// Per year and drought class: the area (m², true ellipsoidal pixel areas)
/// and the people living there (one or more population rasters, e.g. total,
/// or female and male), mergeable across windows.
public struct DroughtTally: Sendable, Hashable {
    /// The number of years.
    public let years: Int
    /// The number of population layers.
    public let populations: Int
    /// Area in m² at `[year * 5 + class]`.
    public private(set) var area: [Double]
    /// People at `[(year * 5 + class) * populations + layer]`.
    public private(set) var people: [Double]
    /// Pixels without a class (nodata) per year: their area.
    public private(set) var unclassifiedArea: [Double]

    /// An empty tally.
    public init(years: Int, populations: Int) {
        self.years = years
        self.populations = populations
        area = Array(repeating: 0, count: years * 5)
        people = Array(repeating: 0, count: years * 5 * populations)
        unclassifiedArea = Array(repeating: 0, count: years)
    }

    /// Adds one pixel of year `year`: its class (nil: unclassified), area and
    /// population values (NaN or negative population: none counted).
    @inline(__always)
    public mutating func add(year: Int, class c: DroughtClass?, area a: Double, population: UnsafeBufferPointer<Float>?, at index: Int, stride: Int) {
        guard let c else { unclassifiedArea[year] += a; return }
        let k = year * 5 + Int(c.rawValue)
        area[k] += a
        guard let population else { return }
        for l in 0..<populations {
            let v = Double(population[l * stride + index])
            if v > 0 { people[k * populations + l] += v }
        }
    }

    /// The area (m²) of `c` in year `year`.
    public func area(year: Int, _ c: DroughtClass) -> Double { area[year * 5 + Int(c.rawValue)] }

    /// The people of layer `layer` in `c` in year `year`.
    public func people(year: Int, _ c: DroughtClass, layer: Int) -> Double { people[(year * 5 + Int(c.rawValue)) * populations + layer] }

    /// Adds another window's tally.
    public mutating func add(_ o: DroughtTally) {
        for i in area.indices { area[i] += o.area[i] }
        for i in people.indices { people[i] += o.people[i] }
        for i in unclassifiedArea.indices { unclassifiedArea[i] += o.unclassifiedArea[i] }
    }
}
