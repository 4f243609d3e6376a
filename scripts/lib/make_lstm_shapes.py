"""LSTM shape fixtures for RuntimeTests/LSTMShapeTests (run through scripts/make-lstm-shapes.sh, in its venv).

The Keras fixtures (Tests/Fixtures/conformance/lstm_*) have one shape: 4 inputs, 8 cells, one batch. LiteRT's float
LSTM depends on the shape through Eigen (GEMV summation order for the input and cell counts, packet/scalar split of
the sigmoid by where each gate buffer sits), the integer one through batching and time-major layout. This takes the
LSTM operator of each Keras fixture as a template, gives it other shapes and seeded random weights, keeps the
quantisation of the int8 one (scales, zero points, intermediates), and writes each model with random inputs and
LiteRT's reference outputs (OpResolverType.BUILTIN_REF, state reset before every invoke) in the conformance format.
Needs only ai-edge-litert, flatbuffers and numpy: no TensorFlow.

Two more modes for the float LSTM that is time-major with several batches (LiteRT multiplies all batches in one Eigen
GEMM, whose summation order depends on the shape):
- `--time-major-fixture FIXTURES`: writes FIXTURES/lstm_float_time_major, one model with three such LSTMs side by
  side (shapes chosen so that every path of the GEMM occurs), in the conformance format with XNNPACK's outputs and
  the diffs like the other conformance fixtures;
- `--time-major-sweep DIR`: writes one folder per shape (cells 1–13, inputs 3–20, batches 2–5: 936 models, one
  case each) for `edgectl conformance DIR`, the byte-for-byte proof over all those shapes.
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


# lstm_float_time_major: (inputs, cells, batches, steps). Eigen's GEMM is coefficient-based below K + M + N = 20
# (the first), blocked above: 8-row, 4-row and single-row panels, 4-column panels and a column tail (the others).
TIME_MAJOR_FIXTURE = [(5, 4, 3, 4), (9, 13, 5, 3), (20, 7, 4, 3)]


def build_side_by_side(template, shapes, seed):
    """Several float LSTMs of the given (inputs, cells, batches, steps), time-major, each with its own input and
    output, in one model."""
    rng = np.random.default_rng(seed)
    src = open(template, "rb").read()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(src, 0))
    g = m.subgraphs[0]
    proto = next(o for o in g.operators if o.builtinOptions is not None and hasattr(o.builtinOptions, "cellClip"))
    proto_inputs = [int(v) for v in proto.inputs]
    proto_output = int(proto.outputs[0])

    def clone_tensor(index, name, shape):
        old = g.tensors[index]
        t = schema.TensorT()
        t.shape = np.array(shape, dtype=np.int32)
        t.type = old.type
        t.buffer = old.buffer
        t.name = name.encode()
        t.quantization = old.quantization
        t.isVariable = old.isVariable
        g.tensors.append(t)
        return len(g.tensors) - 1

    def constant(name, array):
        buf = schema.BufferT()
        buf.data = np.frombuffer(array.tobytes(), dtype=np.uint8)
        m.buffers.append(buf)
        t = schema.TensorT()
        t.shape = np.array(array.shape, dtype=np.int32)
        t.type = schema.TensorType.FLOAT32
        t.buffer = len(m.buffers) - 1
        t.name = name.encode()
        g.tensors.append(t)
        return len(g.tensors) - 1

    operators, inputs, outputs = [], [], []
    for n, (n_in, n_cell, batches, steps) in enumerate(shapes):
        op = schema.OperatorT()
        op.opcodeIndex = proto.opcodeIndex
        op.builtinOptionsType = proto.builtinOptionsType
        options = schema.UnidirectionalSequenceLSTMOptionsT()
        for field in vars(proto.builtinOptions):
            setattr(options, field, getattr(proto.builtinOptions, field))
        options.timeMajor = True
        op.builtinOptions = options
        op.inputs = list(proto_inputs)
        op.inputs[0] = clone_tensor(proto_inputs[0], f"input_{n}", [steps, batches, n_in])
        for slot in range(1, 9):
            shape = (n_cell, n_in if slot <= 4 else n_cell)
            op.inputs[slot] = constant(f"lstm_{n}_weights_{slot}", rng.uniform(-0.7, 0.7, size=shape).astype(np.float32))
        for slot in range(12, 16):
            op.inputs[slot] = constant(f"lstm_{n}_bias_{slot}", rng.uniform(-0.5, 0.5, size=(n_cell,)).astype(np.float32))
        for slot in (18, 19):
            op.inputs[slot] = clone_tensor(proto_inputs[slot], f"lstm_{n}_state_{slot}", [batches, n_cell])
        op.outputs = [clone_tensor(proto_output, f"output_{n}", [steps, batches, n_cell])]
        operators.append(op)
        inputs.append(op.inputs[0])
        outputs.append(op.outputs[0])
    g.operators, g.inputs, g.outputs = operators, inputs, outputs
    b = flatbuffers.Builder(8192)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def write_conformance(folder, blob, seed, cases):
    """Like write, for any number of inputs and outputs, with XNNPACK's and the optimised kernels' outputs compared
    as the other conformance fixtures record them."""
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    with open(os.path.join(folder, "model.tflite"), "wb") as f:
        f.write(blob)
    ref = Interpreter(model_content=blob, experimental_op_resolver_type=OpResolverType.BUILTIN_REF, num_threads=1)
    xnn = Interpreter(model_content=blob, num_threads=1)
    opt = Interpreter(model_content=blob, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                      num_threads=1)
    for it in (ref, xnn, opt):
        it.allocate_tensors()
    ins, outs = ref.get_input_details(), ref.get_output_details()
    rng = np.random.default_rng(seed)
    records = []
    for k in range(cases):
        values = [rng.uniform(-3.0, 3.0, size=tuple(int(v) for v in d["shape"])).astype(np.float32) for d in ins]
        results = {}
        for tag, it in (("ref", ref), ("xnn", xnn), ("opt", opt)):
            it.reset_all_variables()
            for d, v in zip(it.get_input_details(), values):
                it.set_tensor(d["index"], v)
            it.invoke()
            results[tag] = [it.get_tensor(d["index"]).copy() for d in it.get_output_details()]
        for i, v in enumerate(values):
            with open(os.path.join(folder, f"case-{k}.in-{i}.bin"), "wb") as f:
                f.write(v.tobytes())
        for j, v in enumerate(results["ref"]):
            with open(os.path.join(folder, f"case-{k}.ref-{j}.bin"), "wb") as f:
                f.write(v.tobytes())
            with open(os.path.join(folder, f"case-{k}.xnn-{j}.bin"), "wb") as f:
                f.write(results["xnn"][j].tobytes())

        def diff(a, b):
            return [float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) for x, y in zip(a, b)]
        records.append({"case": k, "input": "random",
                        "ref_vs_xnnpack_max_abs_diff": diff(results["ref"], results["xnn"]),
                        "ref_vs_builtin_opt_max_abs_diff": diff(results["ref"], results["opt"]),
                        "ref_argmax": [int(np.argmax(v)) for v in results["ref"]]})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump({"inputs": [detail(d) for d in ins], "outputs": [detail(d) for d in outs], "cases": records}, f, indent=1)
        f.write("\n")


def detail(d):
    q = d["quantization"]
    return {"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
            "scale": float(q[0]), "zero_point": int(q[1])}


def write(folder, blob, seed, case_count=CASES):
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
    for k in range(case_count):
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
    if sys.argv[1] == "--time-major-fixture":
        template = os.path.join(sys.argv[2], "lstm_float", "model.tflite")
        blob = build_side_by_side(template, TIME_MAJOR_FIXTURE, 1818)
        write_conformance(os.path.join(sys.argv[2], "lstm_float_time_major"), blob, 1819, CASES)
        print(f"lstm_float_time_major: {len(blob)} bytes, {len(TIME_MAJOR_FIXTURE)} LSTMs")
        return
    if sys.argv[1] == "--time-major-sweep":
        fixtures, out = sys.argv[2], sys.argv[3]
        template = os.path.join(fixtures, "lstm_float", "model.tflite")
        count = 0
        for n_cell in range(1, 14):
            for n_in in range(3, 21):
                for batches in range(2, 6):
                    seed = 20000 + n_cell * 1000 + n_in * 10 + batches
                    blob = build(template, n_in, n_cell, batches, 3, True, seed)
                    write(os.path.join(out, f"float_i{n_in}_c{n_cell}_b{batches}_time_major"), blob, seed, case_count=1)
                    count += 1
        print(f"{count} time-major float LSTMs in {out}")
        return
    fixtures, out = sys.argv[1], sys.argv[2]
    for seed, (name, (template, n_in, n_cell, batches, steps, time_major)) in enumerate(sorted(SHAPES.items())):
        blob = build(os.path.join(fixtures, template, "model.tflite"), n_in, n_cell, batches, steps, time_major, seed + 1)
        write(os.path.join(out, name), blob, seed + 100)
        print(f"{name}: {len(blob)} bytes")


if __name__ == "__main__":
    main()
