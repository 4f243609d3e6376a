"""LSTM shape fixtures for RuntimeTests/LSTMShapeTests (run through scripts/make-lstm-shapes.sh, in its venv).

The Keras fixtures (Tests/Fixtures/conformance/lstm_*) have one shape: 4 inputs, 8 cells, one batch. LiteRT's float
LSTM depends on the shape through Eigen (GEMV summation order for the input and cell counts, packet/scalar split of
the sigmoid by where each gate buffer sits), the integer one through batching and time-major layout. This takes the
LSTM operator of each Keras fixture as a template, gives it other shapes and seeded random weights, keeps the
quantisation of the int8 one (scales, zero points, intermediates), and writes each model with random inputs and
LiteRT's reference outputs (OpResolverType.BUILTIN_REF, state reset before every invoke) in the conformance format.
Needs only ai-edge-litert, flatbuffers and numpy: no TensorFlow.
"""
import json
import os
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter, OpResolverType

CASES = 3

# name -> (template fixture, inputs, cells, batches, steps, time_major)
SHAPES = {
    "float_i5_c5_b2": ("lstm_float", 5, 5, 2, 4, False),
    "float_i13_c7_b1": ("lstm_float", 13, 7, 1, 5, False),
    "float_i3_c13_b3": ("lstm_float", 3, 13, 3, 3, False),
    "float_i6_c1_b1_time_major": ("lstm_float", 6, 1, 1, 4, True),
    "int8_i5_c5_b2": ("lstm_int8", 5, 5, 2, 4, False),
    "int8_i9_c12_b1": ("lstm_int8", 9, 12, 1, 6, False),
    "int8_i4_c3_b3_time_major": ("lstm_int8", 4, 3, 3, 5, True),
}


def build(template, n_in, n_cell, batches, steps, time_major, seed):
    rng = np.random.default_rng(seed)
    src = open(template, "rb").read()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(src, 0))
    g = m.subgraphs[0]
    op = next(o for o in g.operators if o.builtinOptions is not None and hasattr(o.builtinOptions, "cellClip"))
    op.inputs = [int(v) for v in op.inputs]
    g.operators = [op]
    g.outputs = [int(op.outputs[0])]
    integer = g.tensors[op.inputs[0]].type == schema.TensorType.INT8

    def constant(slot, array):
        buf = schema.BufferT()
        buf.data = np.frombuffer(array.tobytes(), dtype=np.uint8)
        m.buffers.append(buf)
        old = g.tensors[op.inputs[slot]]
        t = schema.TensorT()
        t.shape = np.array(array.shape, dtype=np.int32)
        t.type = old.type
        t.buffer = len(m.buffers) - 1
        t.name = f"lstm_constant_{slot}".encode()
        t.quantization = old.quantization
        g.tensors.append(t)
        op.inputs[slot] = len(g.tensors) - 1

    for slot in range(1, 9):
        shape = (n_cell, n_in if slot <= 4 else n_cell)
        if integer:
            constant(slot, rng.integers(-127, 128, size=shape).astype(np.int8))
        else:
            constant(slot, rng.uniform(-0.7, 0.7, size=shape).astype(np.float32))
    for slot in range(12, 16):
        if integer:
            constant(slot, rng.integers(-6000, 6000, size=(n_cell,)).astype(np.int32))
        else:
            constant(slot, rng.uniform(-0.5, 0.5, size=(n_cell,)).astype(np.float32))
    outer = [steps, batches] if time_major else [batches, steps]
    g.tensors[op.inputs[0]].shape = np.array(outer + [n_in], dtype=np.int32)
    for slot in (18, 19):
        g.tensors[op.inputs[slot]].shape = np.array([batches, n_cell], dtype=np.int32)
    g.tensors[op.outputs[0]].shape = np.array(outer + [n_cell], dtype=np.int32)
    op.builtinOptions.timeMajor = time_major
    b = flatbuffers.Builder(4096)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def detail(d):
    q = d["quantization"]
    return {"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
            "scale": float(q[0]), "zero_point": int(q[1])}


def write(folder, blob, seed):
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    with open(os.path.join(folder, "model.tflite"), "wb") as f:
        f.write(blob)
    it = Interpreter(model_content=blob, experimental_op_resolver_type=OpResolverType.BUILTIN_REF, num_threads=1)
    it.allocate_tensors()
    d, o = it.get_input_details()[0], it.get_output_details()[0]
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(CASES):
        shape = tuple(int(v) for v in d["shape"])
        if np.dtype(d["dtype"]) == np.int8:
            x = rng.integers(-128, 128, size=shape).astype(np.int8)
        else:
            x = rng.uniform(-3.0, 3.0, size=shape).astype(np.float32)
        it.reset_all_variables()
        it.set_tensor(d["index"], x)
        it.invoke()
        y = it.get_tensor(o["index"])
        with open(os.path.join(folder, f"case-{k}.in-0.bin"), "wb") as f:
            f.write(x.tobytes())
        with open(os.path.join(folder, f"case-{k}.ref-0.bin"), "wb") as f:
            f.write(y.tobytes())
        cases.append({"case": k, "input": "random", "ref_argmax": [int(np.argmax(y))]})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump({"inputs": [detail(d)], "outputs": [detail(o)], "cases": cases}, f, indent=1)
        f.write("\n")


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    for seed, (name, (template, n_in, n_cell, batches, steps, time_major)) in enumerate(sorted(SHAPES.items())):
        blob = build(os.path.join(fixtures, template, "model.tflite"), n_in, n_cell, batches, steps, time_major, seed + 1)
        write(os.path.join(out, name), blob, seed + 100)
        print(f"{name}: {len(blob)} bytes")


if __name__ == "__main__":
    main()
