// Small whole-tensor operators of TFLite Micro's builtin set: LOGICAL_AND / LOGICAL_OR / LOGICAL_NOT on bool bytes
// (broadcasting), ADD_N (a sequential sum from 0, as add_n.h), and FILL (one value repeated, any element size).

/// A logical function of bool bytes (any nonzero byte is true; results are 0 or 1).
public enum LogicalFunction: Sendable, Equatable {
    case and, or
}

/// LOGICAL_AND / LOGICAL_OR with broadcasting.
@inlinable
public func logical(_ f: LogicalFunction, _ shape: BroadcastShape, input1: UnsafePointer<UInt8>, input2: UnsafePointer<UInt8>,
                    output: UnsafeMutablePointer<UInt8>) {
    switch f {
    case .and: broadcastBinary(shape, input1, input2, output) { ($0 != 0 && $1 != 0) ? 1 : 0 }
    case .or: broadcastBinary(shape, input1, input2, output) { ($0 != 0 || $1 != 0) ? 1 : 0 }
    }
}

/// LOGICAL_NOT.
@inlinable
public func logicalNot(input: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>, count: Int) {
    for i in 0..<count { output[i] = input[i] == 0 ? 1 : 0 }
}

/// ADD_N over float32 inputs of one shape: `output[i] = ((0 + x0[i]) + x1[i]) + …`.
@inlinable
public func addN(inputs: UnsafeBufferPointer<UnsafeRawPointer>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
        var x: Float = 0
        for input in inputs { x += input.assumingMemoryBound(to: Float.self)[i] }
        output[i] = x
    }
}

/// FILL: `count` copies of the `elementSize`-byte value at `value`.
@inlinable
public func fill(value: UnsafeRawPointer, elementSize: Int, output: UnsafeMutableRawPointer, count: Int) {
    for i in 0..<count { (output + i * elementSize).copyMemory(from: value, byteCount: elementSize) }
}
