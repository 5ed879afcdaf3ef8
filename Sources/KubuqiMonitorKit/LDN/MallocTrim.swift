import Foundation

/// Gives malloc's free pages back to the system between ldn's passes (glibc's `malloc_trim(0)`: every arena's
/// whole free pages, also those between live blocks), so that the holes one pass's blocks under the mmap threshold
/// (`ldnMmapThreshold`) leave in the arenas do not add up, period after period, into a peak that grows with the
/// grid: at 8000 x 8000 the periods ended at 220 / 235 / 248 MB without it, 219 / 238 / 239 with it (2000 x 2000:
/// 200 / 216 / 216); docs/benchmarks.md, "ldn memory from 2000 to 8000, session 17".
enum MallocTrim {
    static func betweenPasses() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `malloc_trim` (malloc.h, not in the Glibc module's headers).
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32
#endif
