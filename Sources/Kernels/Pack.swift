// PACK (pack.cc, reference Pack): N inputs of equal shape stacked along a new axis. With the axis splitting each
// input into outer × inner elements, output row o holds input 0's row o, then input 1's, and so on.

/// Interleaves `inputs` (each `outer × inner` elements of `T`) into `output` (`outer × inputs.count × inner`).
///
/// The pointers must not alias the output.
@inlinable
public func pack<T>(inputs: UnsafeBufferPointer<UnsafeRawPointer>, output: UnsafeMutablePointer<T>, outer: Int, inner: Int) {
    var out = output
    for o in 0..<outer {
        for input in inputs {
            out.update(from: input.assumingMemoryBound(to: T.self) + o * inner, count: inner)
            out += inner
        }
    }
}

/// `pack` for an element of `elementSize` bytes (1, 2, 4 or 8).
@inlinable
public func pack(inputs: UnsafeBufferPointer<UnsafeRawPointer>, output: UnsafeMutableRawPointer, outer: Int, inner: Int, elementSize: Int) {
    switch elementSize {
    case 1: pack(inputs: inputs, output: output.assumingMemoryBound(to: UInt8.self), outer: outer, inner: inner)
    case 2: pack(inputs: inputs, output: output.assumingMemoryBound(to: UInt16.self), outer: outer, inner: inner)
    case 4: pack(inputs: inputs, output: output.assumingMemoryBound(to: UInt32.self), outer: outer, inner: inner)
    default: pack(inputs: inputs, output: output.assumingMemoryBound(to: UInt64.self), outer: outer, inner: inner)
    }
}
