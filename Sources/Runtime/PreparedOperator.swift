/// An operator after prepare: parameters computed, ready to be bound to memory and evaluated.
///
/// `eval` runs on the interpreter's thread during `invoke`; it must not allocate, log or throw.
protocol PreparedOperator: AnyObject {
    /// Bytes of scratch memory `eval` needs; placed in the arena for this operator's step only.
    var scratchBytes: Int { get }
    /// Bytes of kernel workspace `eval` needs (packed activation panels): one buffer outside the activation
    /// arena, shared by all operators since they run one at a time.
    var workspaceBytes: Int { get }
    /// Multiply-accumulates per invoke, for reports.
    var macs: Int { get }
    /// The kernel path `eval` runs, for reports (`edgectl bench`); nil where the operator has only one.
    var kernelPath: String? { get }
    /// Resolves tensor indices to addresses once the arena exists. Called once, before any `eval`.
    func bind(_ memory: TensorMemory)
    /// Runs the kernel; operators that split their work use `pool` (nil when single-threaded).
    func eval(_ pool: WorkerPool?)
}

extension PreparedOperator {
    var scratchBytes: Int { 0 }
    var workspaceBytes: Int { 0 }
    var macs: Int { 0 }
    var kernelPath: String? { nil }
}

/// Addresses of every tensor once planned: arena slots for activations, the constants region for weights.
///
/// The pointers are owned by the interpreter and stay valid for its lifetime.
struct TensorMemory {
    var pointers: [UnsafeMutableRawPointer?]
    /// This operator's scratch, or nil when it asked for none.
    var scratch: UnsafeMutableRawPointer?
    /// The shared kernel workspace (at least the operator's `workspaceBytes`), or nil when no operator needs one.
    var workspace: UnsafeMutableRawPointer?

    /// The address of tensor `index`; the interpreter guarantees every used tensor has one.
    func address(_ index: Int) -> UnsafeMutableRawPointer {
        pointers[index]!
    }
}
