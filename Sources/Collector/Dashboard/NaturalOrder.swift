/// Orders strings as people read them: runs of digits compare as numbers, so `demo-sim-2` < `demo-sim-10`.
///
/// Everything else compares byte by byte (UTF-8), which is total and stable; equal numbers with different leading
/// zeros (`a01`, `a1`) fall back to the bytes, so distinct strings never compare equal.
enum NaturalOrder {
    static func areInIncreasingOrder(_ lhs: String, _ rhs: String) -> Bool {
        compare(Array(lhs.utf8), Array(rhs.utf8)) < 0
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b`.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if isDigit(a[i]), isDigit(b[j]) {
                // Compare the numbers without converting them (they may exceed any integer type): skip leading
                // zeros, then the longer run is larger, then the first differing digit decides.
                var iStart = i, jStart = j
                while iStart < a.count, a[iStart] == 0x30 { iStart += 1 }
                while jStart < b.count, b[jStart] == 0x30 { jStart += 1 }
                var iEnd = iStart, jEnd = jStart
                while iEnd < a.count, isDigit(a[iEnd]) { iEnd += 1 }
                while jEnd < b.count, isDigit(b[jEnd]) { jEnd += 1 }
                if iEnd - iStart != jEnd - jStart { return (iEnd - iStart) - (jEnd - jStart) }
                for offset in 0..<(iEnd - iStart) where a[iStart + offset] != b[jStart + offset] {
                    return Int(a[iStart + offset]) - Int(b[jStart + offset])
                }
                i = iEnd
                j = jEnd
                continue
            }
            if a[i] != b[j] { return Int(a[i]) - Int(b[j]) }
            i += 1
            j += 1
        }
        if i < a.count || j < b.count { return (a.count - i) - (b.count - j) }
        // Same reading (`a01` and `a1`): the bytes decide, so the order stays total.
        return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
