import FleetProtocol
import Runtime
import Synchronization

/// A few preallocated slots the inference thread copies chosen inputs into; the capture service empties them.
///
/// Copying into a slot reuses its storage (no allocation once the slots are sized for the model); when every
/// slot is full the input is not captured (and counted over budget by the caller).
final class CaptureBuffer: Sendable {
    private struct Slot {
        var full = false
        var model: BundleReference?
        var reason = CaptureReason.random
        var predicted = 0
        var score = 0.0
        var input: [UInt8] = []
        var output: [UInt8] = []
        var inputSizes: [Int] = []
        var tensors: [TensorInfo] = []
    }

    private let slots: Mutex<[Slot]>
    let filled = Wakeup()

    init(slotCount: Int = 8) {
        slots = Mutex([Slot](repeating: Slot(), count: slotCount))
    }

    /// Reserves storage for inputs and outputs of `model` so that ``offer`` does not allocate.
    func prepare(for model: LoadedModel) {
        let inputCapacity = model.inputBytes
        let outputCapacity = model.outputs[0].byteCount
        slots.withLock { slots in
            for index in slots.indices {
                slots[index].input.reserveCapacity(inputCapacity)
                slots[index].output.reserveCapacity(outputCapacity)
                slots[index].inputSizes.reserveCapacity(model.inputs.count)
            }
        }
    }

    /// Copies `inputs` (all input tensors, in order, as fed to `model`) and output 0 into a free slot; false when
    /// none is free.
    func offer(_ model: LoadedModel, inputs: UnsafeRawBufferPointer, reason: CaptureReason, predicted: Int, score: Double) -> Bool {
        let taken = slots.withLock { slots -> Bool in
            guard let index = slots.firstIndex(where: { !$0.full }) else { return false }
            slots[index].full = true
            slots[index].model = model.reference
            slots[index].reason = reason
            slots[index].predicted = predicted
            slots[index].score = score
            slots[index].tensors = model.inputs
            slots[index].input.removeAll(keepingCapacity: true)
            slots[index].inputSizes.removeAll(keepingCapacity: true)
            slots[index].input.append(contentsOf: inputs)
            for input in model.inputs { slots[index].inputSizes.append(input.byteCount) }
            slots[index].output.removeAll(keepingCapacity: true)
            model.interpreter.withOutput(0) { slots[index].output.append(contentsOf: $0) }
            return true
        }
        if taken { filled.signal() }
        return taken
    }

    /// Copies out and frees every full slot.
    func take() -> [CapturedInput] {
        slots.withLock { slots in
            var result: [CapturedInput] = []
            for index in slots.indices where slots[index].full {
                let slot = slots[index]
                var inputs: [[UInt8]] = []
                var offset = 0
                for size in slot.inputSizes {
                    inputs.append(Array(slot.input[offset..<(offset + size)]))
                    offset += size
                }
                if let model = slot.model {
                    result.append(CapturedInput(model: model, reason: slot.reason, predicted: slot.predicted,
                                                score: slot.score, inputs: inputs, tensors: slot.tensors,
                                                output: Array(slot.output)))
                }
                slots[index].full = false
            }
            return result
        }
    }
}
