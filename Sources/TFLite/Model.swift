/// A parsed `.tflite` model: the file's bytes and the structures read from them.
///
/// The model owns its bytes; constant tensor data is referenced through `Buffer.range` rather than copied.
/// Immutable after parsing and safe to share between threads.
public struct Model: Sendable {
    /// The whole file, as read.
    public let bytes: [UInt8]
    public let version: UInt32
    public let description: String
    public let subgraphs: [Subgraph]
    public let buffers: [Buffer]

    /// The main graph (subgraph 0), the one an interpreter runs.
    public var mainGraph: Subgraph { subgraphs[0] }

    /// The constant data of a tensor, or an empty slice when the tensor has none.
    public func data(of tensor: Tensor) -> ArraySlice<UInt8> {
        guard tensor.buffer > 0, tensor.buffer < buffers.count else { return [] }
        return bytes[buffers[tensor.buffer].range]
    }

    /// The distinct operator names used by the main graph, in order of first use.
    public var operatorNames: [String] {
        var seen: [String] = []
        for op in mainGraph.operators where !seen.contains(op.name) {
            seen.append(op.name)
        }
        return seen
    }

    init(bytes: [UInt8], version: UInt32, description: String, subgraphs: [Subgraph], buffers: [Buffer]) {
        self.bytes = bytes
        self.version = version
        self.description = description
        self.subgraphs = subgraphs
        self.buffers = buffers
    }
}
