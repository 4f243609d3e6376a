import TFLite

/// A tensor of a model's main graph, by index or by name.
public enum TensorSelector: Sendable, Equatable, CustomStringConvertible {
    case index(Int)
    case name(String)

    /// A number selects by index, anything else by name.
    public init(_ text: String) {
        if let i = Int(text) { self = .index(i) } else { self = .name(text) }
    }

    public var description: String {
        switch self {
        case .index(let i): "tensor \(i)"
        case .name(let n): "tensor \"\(n)\""
        }
    }

    /// The tensor's index in `graph`, or an error listing where to look.
    public func resolve(in graph: Subgraph) throws(TrainingError) -> Int {
        switch self {
        case .index(let i):
            guard i >= 0, i < graph.tensors.count else {
                throw TrainingError(.invalidModel, "the model has \(graph.tensors.count) tensors; there is no tensor \(i)")
            }
            return i
        case .name(let n):
            guard let i = graph.tensors.firstIndex(where: { $0.name == n }) else {
                throw TrainingError(.invalidModel, "the model has no tensor named \"\(n)\" (see `edgectl inspect` for tensor names)")
            }
            return i
        }
    }
}
