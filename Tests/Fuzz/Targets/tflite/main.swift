import FuzzSupport
import Runtime
import TFLite

// Fuzz target: the .tflite reader and the interpreter's prepare step on untrusted model bytes.
//
// A model arrives inside a signed bundle, but the reader and prepare must still fail cleanly (a thrown
// ModelFormatError or RuntimeError) on any bytes: prepare is what proves the bounds the unchecked kernels rely on.
// The arena is capped at 64 MiB (CappedPlanner) so no input costs more than milliseconds.
// Input: the raw flatbuffer. Seeds: Tests/Fuzz/Corpus/tflite (small conformance and exported models).
FuzzDriver.run { bytes in
    guard let model = try? Model(bytes: bytes) else { return }
    _ = try? Interpreter(model: model, planner: CappedPlanner())
}
