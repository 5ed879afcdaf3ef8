import KubuqiGDAL
import KubuqiIndicators
import KubuqiRaster

/// One period of the window pass (``StackJob/stream(_:_:inputs:grid:_:stackAt:countsAt:reuse:region:progress:)``):
/// accumulated strip by strip, gathered window by window, or copied from an existing stack (`--append`).
extension StackJob {
    /// The output bands, one per kept period.
    struct Bands {
        var stack: [RasterBand], counts: [RasterBand]
    }

    /// The window pass's buffers: `rows` observation rows of a window, its result, counts and encoded values (the
    /// result's and the counts', encoded side by side: ``write(window:_:_:to:tally:_:)``).
    struct Buffers {
        let values, result, counted: UnsafeMutableBufferPointer<Float>
        let encoded, encodedCounts: UnsafeMutableBufferPointer<Int16>

        init(capacity: Int, rows: Int) {
            values = .allocate(capacity: capacity * rows)
            result = .allocate(capacity: capacity)
            counted = .allocate(capacity: capacity)
            encoded = .allocate(capacity: capacity)
            encodedCounts = .allocate(capacity: capacity)
        }

        func deallocate() {
            values.deallocate(); result.deallocate(); counted.deallocate(); encoded.deallocate(); encodedCounts.deallocate()
        }
    }

    /// A period's observations in groups of at most ``openAtOnce``, in date order.
    static func groups(of p: StackPlan.Period) -> [[StackObservation]] {
        stride(from: 0, to: p.observations.count, by: openAtOnce).map {
            Array(p.observations[$0..<min($0 + openAtOnce, p.observations.count)])
        }
    }

    /// Window `w` of the area in the inputs' grid.
    static func source(_ w: Window, in area: Window) -> Window {
        Window(column: w.column + area.column, row: w.row + area.row, width: w.width, height: w.height)
    }

    /// Period `k` with an accumulating reducer, strip by strip: each group of its observations is opened
    /// once per strip, read through the strip's windows into their running states (`slots`, one per window
    /// of a strip), then the strip's windows are finished and written. A group of plain 16-bit bands is read
    /// in its stored type and converted block by block as it is added (``SeriesAccumulators/add(stored:stride:scalings:days:pixels:)``);
    /// when the whole period shares one scale and offset (``StoredSums``), `mean`, `sum` and `count` add its integers as stored.
    /// `stripDone`: called with each strip (area coordinates) once it is written; `writing`: before each strip's rows
    /// are written (``StagedAveragingFeed/awaitReads()``). `progress`: the share of the period done.
    static func accumulatePeriod(_ k: Int, _ p: StackPlan.Period, _ rule: CompletenessRule, strips: StackStrips,
                                 slots: [SeriesAccumulators], inputs: StackInputs, area: Window, _ b: Buffers, to bands: Bands,
                                 tally: inout Tally, _ o: StackOptions, stripDone: (Window) throws -> Void = { _ in },
                                 writing: () -> Void = {}, progress: (Double) -> Void) throws {
        let groups = groups(of: p)
        let whole = groups.count == 1 ? try inputs.open(p.observations) : nil
        // One scale and offset over a plain 16-bit period (most collections): exact sums of the stored integers.
        let storedSums = inputs.storedSums(p.observations, reducer: o.reducer)
        for slot in slots { slot.sumStored(storedSums) }
        let all = strips.strips.windows()
        for (si, strip) in all.enumerated() {
            let windows = strips.windows(in: strip)
            for (gi, g) in groups.enumerated() {
                let readers = try whole ?? inputs.open(g)
                // Plain 16-bit bands (most collections): stored rows, converted block by block as they are added.
                let scalings = g.map { readers[$0]!.sixteenBitScaling }
                let sixteenBit = scalings.allSatisfy { $0 != nil } ? scalings.map { $0! } : nil
                for (wi, w) in windows.enumerated() {
                    if let sixteenBit {
                        let stored = UnsafeMutableRawPointer(b.values.baseAddress!)
                        try readStored(g, source(w, in: area), inputs: readers, into: stored)
                        accumulate(g, stored: stored, scalings: sixteenBit, into: slots[wi], window: w, first: gi == 0)
                    } else {
                        try read(g, source(w, in: area), inputs: readers, into: b.values)
                        accumulate(g, into: slots[wi], window: w, values: UnsafeBufferPointer(b.values), first: gi == 0)
                    }
                }
            }
            writing()
            for (wi, w) in windows.enumerated() {
                tally.met += finish(slots[wi], rule, p, window: w, result: b.result, counted: b.counted)
                try write(window: w, k, b, to: bands, tally: &tally, o)
            }
            try stripDone(strip)
            progress(Double(si + 1) / Double(all.count))
        }
    }

    /// Period `k` with a reducer that needs all of a pixel's observations at once, window by window: the
    /// window holds every observation's rows (read a group at a time, each group opened within the window
    /// when the period has more than one). `windowDone`: called with each window (area coordinates) once it is
    /// written; `writing`: before each window is written. `progress`: the share of the period done.
    static func gatherPeriod(_ k: Int, _ p: StackPlan.Period, _ reduction: SeriesReduction, windows: [Window], inputs: StackInputs,
                             area: Window, _ b: Buffers, to bands: Bands, tally: inout Tally, _ o: StackOptions,
                             windowDone: (Window) throws -> Void = { _ in }, writing: () -> Void = {},
                             progress: (Double) -> Void) throws {
        let groups = groups(of: p)
        let whole = groups.count == 1 ? try inputs.open(p.observations) : nil
        for (wi, w) in windows.enumerated() {
            let n = w.pixelCount
            var done = 0
            for g in groups {
                try read(g, source(w, in: area), inputs: try whole ?? inputs.open(g), into: UnsafeMutableBufferPointer(rebasing: b.values[(done * n)...]))
                done += g.count
            }
            tally.met += reduce(reduction, p, window: w, values: UnsafeBufferPointer(b.values), result: b.result, counted: b.counted)
            writing()
            try write(window: w, k, b, to: bands, tally: &tally, o)
            try windowDone(w)
            progress(Double(wi + 1) / Double(windows.count))
        }
    }

    /// Band `k` copied from an existing stack and its counts (`--append`), window by window, with its tally.
    static func copy(band k: Int, _ old: (band: Int, met: Int), of reuse: StackReuse, windows: [Window], to bands: Bands,
                     _ b: Buffers, tally: inout Tally, _ o: StackOptions) throws {
        for w in windows {
            try copy(old.band, of: reuse, window: w, to: (bands.stack[k], bands.counts[k]), counted: b.counted, scratch: b.encoded, o)
            tally.add(UnsafeBufferPointer(rebasing: b.counted[0..<w.pixelCount]))
        }
        tally.met = old.met
    }

    /// Window `w`'s result and counts (in `b`) tallied and written to band `k`: the result (encoded, written to the
    /// stack) beside the counts (tallied, encoded, written to the counts raster), two datasets each from one thread,
    /// so that a strip's end keeps both cores busy. A failed write of the stack is the error before one of the counts,
    /// as when they ran one after the other.
    static func write(window w: Window, _ k: Int, _ b: Buffers, to bands: Bands, tally: inout Tally, _ o: StackOptions) throws {
        let n = w.pixelCount
        let result = UnsafeBufferPointer(rebasing: b.result[0..<n]), counted = UnsafeBufferPointer(rebasing: b.counted[0..<n])
        let (stack, counts, encoding, before) = (bands.stack[k], bands.counts[k], o.encoding.int16Encoding, tally)
        let tallies = try ConcurrentSteps.results([
            { () throws -> Tally in
                try write(result, to: stack, w, encoding: encoding, scratch: b.encoded)
                return before
            },
            { () throws -> Tally in
                var t = before
                t.add(counted)
                try write(counted, to: counts, w, encoding: ScaledInt16(scale: 1), scratch: b.encodedCounts)
                return t
            },
        ])
        tally = tallies[1]
    }
}
