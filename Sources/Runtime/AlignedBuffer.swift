/// A fixed-size, 64-byte-aligned buffer of trivial values, freed when the last reference goes.
///
/// Prepared operators keep their packed weights and folded biases here so that `eval` reads raw pointers
/// without touching Swift arrays. The address never changes during the buffer's lifetime.
final class AlignedBuffer<Element> {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(_ values: [Element]) {
        count = values.count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(values.count, 1) * MemoryLayout<Element>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.initialize(from: base, count: values.count) }
        }
    }

    convenience init(repeating value: Element, count: Int) {
        self.init([Element](repeating: value, count: count))
    }

    var byteCount: Int { count * MemoryLayout<Element>.stride }

    deinit {
        pointer.deinitialize(count: count)
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
