// ARG_MIN (arg_min_max.cc, reference arg_min_max.h with std::less): ARG_MAX's geometry (`ArgMaxParameters`) with
// the comparison reversed. Quantised values are compared raw, so the scale is irrelevant; the first minimum wins.

/// ARG_MIN: the index of the first smallest value along the axis, as int32 or int64.
///
/// For floats a NaN never wins and any number beats a NaN, as `argMax` does. `input` holds outer·axis·inner
/// elements, `output` outer·inner indices.
@inlinable
public func argMin<T: Comparable, Index: FixedWidthInteger>(
    _ p: ArgMaxParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<Index>
) {
    argExtremum(p, input: input, output: output, beats: <)
}
