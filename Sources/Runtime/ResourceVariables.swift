import TFLite

/// The resource variables of one interpreter (TFLite Micro's MicroResourceVariables): state that lives across
/// invokes, outside the activation arena.
///
/// A variable is keyed by (container, shared_name), as VAR_HANDLE names it, and gets a resource id in order of
/// first appearance. Its type and shape are fixed by the first ASSIGN_VARIABLE prepared for it; every other
/// ASSIGN_VARIABLE and READ_VARIABLE must agree. `commit()` then reserves all storage in one allocation, so invokes
/// allocate nothing. Values persist across invokes until `reset()` (or a new interpreter): then every variable is
/// unassigned again and zero-filled. Owned by the interpreter; used on its thread only.
final class ResourceVariables {
    /// One variable: its name, the type and shape fixed at prepare, and where its bytes live.
    struct Variable {
        var container: String
        var sharedName: String
        var type: TensorType?
        var shape: [Int] = []
        var byteCount = 0
        var offset = 0
        /// Whether some operator reads it and whether some operator assigns it (checked at commit: a read needs an
        /// assignment somewhere).
        var isRead = false
        var isAssigned = false
    }

    private(set) var variables: [Variable] = []
    /// Storage of every variable, allocated by `commit()`.
    private(set) var storage: UnsafeMutableRawPointer?
    private(set) var storageBytes = 0
    /// Per variable: whether it holds a value in this run of the state (set by ASSIGN_VARIABLE's eval).
    let assigned: UnsafeMutablePointer<Bool>
    private let capacity: Int
    /// The first variable read before any assignment since the last check, or −1.
    var unassignedRead = -1

    /// Variables a model may declare: more would be a hostile file, not a model.
    static let maximumCount = 4096

    init() {
        capacity = Self.maximumCount
        assigned = UnsafeMutablePointer<Bool>.allocate(capacity: capacity)
        assigned.initialize(repeating: false, count: capacity)
    }

    deinit {
        assigned.deallocate()
        storage?.deallocate()
    }

    /// The resource id of (container, sharedName), created on first use.
    func id(container: String, sharedName: String) throws(RuntimeError) -> Int {
        if let i = variables.firstIndex(where: { $0.container == container && $0.sharedName == sharedName }) { return i }
        guard variables.count < capacity else {
            throw RuntimeError(.invalidModel, "the model declares more than \(capacity) resource variables")
        }
        variables.append(Variable(container: container, sharedName: sharedName))
        return variables.count - 1
    }

    /// The variable's name as users know it.
    func name(_ id: Int) -> String {
        let v = variables[id]
        return v.container.isEmpty ? "'\(v.sharedName)'" : "'\(v.container)/\(v.sharedName)'"
    }

    /// Fixes the variable's type and shape (first assignment) or checks that they agree (any later one).
    func declare(_ id: Int, type: TensorType, shape: [Int]) -> String? {
        guard type.byteWidth > 0 else { return "cannot hold a \(type.name) value" }
        if let existing = variables[id].type {
            guard existing == type, variables[id].shape == shape else {
                return "variable \(name(id)) is \(existing.name) \(variables[id].shape) but is given \(type.name) \(shape); a variable's type and shape are fixed at its first assignment"
            }
            return nil
        }
        variables[id].type = type
        variables[id].shape = shape
        variables[id].byteCount = shape.reduce(1, *) * type.byteWidth
        return nil
    }

    func markRead(_ id: Int) { variables[id].isRead = true }

    func markAssigned(_ id: Int) { variables[id].isAssigned = true }

    /// Reserves the storage of every variable; fails when a variable is read but never assigned anywhere.
    func commit() throws(RuntimeError) {
        var offset = 0
        for i in variables.indices {
            if variables[i].isRead && !variables[i].isAssigned {
                throw RuntimeError(.invalidModel, "variable \(name(i)) is read by READ_VARIABLE but no ASSIGN_VARIABLE in the model assigns it, so it can never hold a value")
            }
            if variables[i].type == nil { continue }
            variables[i].offset = offset
            offset += (variables[i].byteCount + 15) / 16 * 16
        }
        storageBytes = offset
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(offset, 16), alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(offset, 16))
        self.storage = storage
    }

    /// The bytes of variable `id`; valid after `commit()` for the object's lifetime.
    func address(_ id: Int) -> UnsafeMutableRawPointer {
        storage! + variables[id].offset
    }

    /// Every variable unassigned and zeroed, the state of a fresh interpreter.
    func reset() {
        assigned.update(repeating: false, count: capacity)
        if let storage { storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(storageBytes, 16)) }
        unassignedRead = -1
    }
}
