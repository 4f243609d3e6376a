import Bundles
import FleetProtocol
import Runtime
import TFLite

/// A verified bundle with its prepared interpreter: what the inference loop runs.
///
/// Not thread-safe: the interpreter is used by one thread at a time. A model is prepared and checked by the
/// update service, then handed over (``ModelHandle``) to the inference thread, which alone uses it afterwards.
final class LoadedModel {
    let reference: BundleReference
    let manifest: BundleManifest
    let baseline: DriftBaseline
    let golden: GoldenSet
    let interpreter: Interpreter
    let inputs: [TensorInfo]
    let outputs: [TensorInfo]
    /// Bytes of all inputs together: the size of a raw frame.
    let inputBytes: Int
    /// Elements of all inputs together: a float32 frame has four bytes per element.
    let inputElements: Int
    /// Classes of output 0: its last dimension.
    let classCount: Int
    /// Drift sketches (tabular features, input statistics, embedding); nil when the baseline defines none that fits.
    let sketch: SketchSet?

    init(reference: BundleReference, verified: VerifiedBundle, interpreter: Interpreter) {
        self.reference = reference
        self.manifest = verified.manifest
        self.baseline = verified.baseline
        self.golden = verified.golden
        self.interpreter = interpreter
        self.inputs = interpreter.inputs
        self.outputs = interpreter.outputs
        self.inputBytes = interpreter.inputs.reduce(0) { $0 + $1.byteCount }
        self.inputElements = interpreter.inputs.reduce(0) { $0 + $1.shape.reduce(1, *) }
        self.classCount = max(interpreter.outputs[0].shape.last ?? 1, 1)
        self.sketch = SketchSet(baseline: verified.baseline, interpreter: interpreter)
    }

    /// Fills the input tensors from one frame; false when the frame's size fits neither format.
    ///
    /// Raw frames are copied; float32 frames are quantised with each input's scale and zero point. No allocation.
    func load(frame: UnsafeRawBufferPointer, format: InputSettings.Format) -> Bool {
        switch format {
        case .raw:
            guard frame.count == inputBytes else { return false }
            var offset = 0
            for index in 0..<inputs.count {
                let buffer = interpreter.inputBuffer(index)
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: frame[offset..<(offset + buffer.count)]))
                offset += buffer.count
            }
            return true
        case .float32:
            guard frame.count == inputElements * 4 else { return false }
            var element = 0
            for index in 0..<inputs.count {
                let info = inputs[index]
                let buffer = interpreter.inputBuffer(index)
                let count = info.shape.reduce(1, *)
                Self.quantise(frame, from: element, count: count, into: buffer, info: info)
                element += count
            }
            return true
        }
    }

    /// The predicted class of output 0 (argmax) and its score, dequantised.
    func topPrediction() -> (index: Int, score: Double) {
        let info = outputs[0]
        return interpreter.withOutput(0) { bytes -> (Int, Double) in
            var best = 0
            switch info.type {
            case .int8:
                let values = bytes.bindMemory(to: Int8.self)
                for i in 1..<values.count where values[i] > values[best] { best = i }
                return (best, Self.dequantise(Int(values[best]), info))
            case .uint8:
                for i in 1..<bytes.count where bytes[i] > bytes[best] { best = i }
                return (best, Self.dequantise(Int(bytes[best]), info))
            case .float32:
                let values = bytes.bindMemory(to: Float.self)
                for i in 1..<values.count where values[i] > values[best] { best = i }
                return (best, Double(values.isEmpty ? 0 : values[best]))
            default:
                return (0, 0)
            }
        }
    }

    private static func dequantise(_ q: Int, _ info: TensorInfo) -> Double {
        info.scale > 0 ? Double(info.scale) * Double(q - Int(info.zeroPoint)) : Double(q)
    }

    /// Quantises little-endian float32 values exactly as the bundle builder does (divide, round half to even, saturate).
    private static func quantise(_ frame: UnsafeRawBufferPointer, from first: Int, count: Int,
                                 into buffer: UnsafeMutableRawBufferPointer, info: TensorInfo) {
        let scale = Double(info.scale)
        let zero = Double(info.zeroPoint)
        for i in 0..<count {
            let bits = frame.loadUnaligned(fromByteOffset: (first + i) * 4, as: UInt32.self)
            let value = Float(bitPattern: UInt32(littleEndian: bits))
            let scaled = scale > 0 ? Double(value) / scale + zero : Double(value)
            let q = scaled.isNaN ? 0 : scaled.rounded(.toNearestOrEven)
            switch info.type {
            case .int8:
                buffer[i] = UInt8(bitPattern: Int8(min(max(q, -128), 127)))
            case .uint8:
                buffer[i] = UInt8(min(max(q, 0), 255))
            case .float32:
                buffer.storeBytes(of: value, toByteOffset: i * 4, as: Float.self)
            default:
                break
            }
        }
    }
}
