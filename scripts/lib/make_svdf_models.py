"""SVDF conformance fixtures (run through scripts/make-svdf-models.sh, in its venv).

TensorFlow's converter never emits SVDF (it comes from hand-built or legacy graphs), so the flatbuffers are built here
directly with LiteRT's schema object API (`schema_py_generated`): float32 models, and full-integer int8 models
quantised the way TFLite's quantizer treats SVDF (tools/optimize/operator_property.cc, version 3), and a hybrid model
(float input, output, bias and state; int8 symmetric weights_feature and weights_time, both values of
asymmetric_quantize_inputs). The full-integer ones:

- input and output int8, asymmetric, from calibrated float ranges (a fused RELU makes the output range [0, max]);
- weights_feature int8 symmetric per tensor (±127);
- weights_time int16 symmetric on 10 bits (±511: the quantizer keeps 6 bits for the rank reduction);
- the activation state int16 symmetric (±32767) over the calibrated range of the feature products;
- the bias int32 at the derived scale weights_time × state.

Each model chains SVDFs of rank 1 and 2, memory 4…6, on a batch-1 and a batch-2 input. The state is a variable
tensor (no buffer) that LiteRT resets before every invoke (`reset_all_variables()`), which is what the runtime does
on every invoke: each case is one invoke from the zeroed state. The reference outputs come from LiteRT's reference
kernels (OpResolverType.BUILTIN_REF, one thread), in the conformance format of Tests/Fixtures/conformance/README.md.
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
ACT = {"NONE": schema.ActivationFunctionType.NONE, "RELU": schema.ActivationFunctionType.RELU,
       "RELU6": schema.ActivationFunctionType.RELU6, "RELU_N1_TO_1": schema.ActivationFunctionType.RELU_N1_TO_1,
       "TANH": schema.ActivationFunctionType.TANH}

# One chain: (batch, input size, [(rank, memory, units, bias?, activation), ...]); each SVDF feeds the next, and
# every SVDF's output is also a graph output.
# LiteRT's int8 SVDF requires RELU (and then clamps to the int8 range only: the calibrated output range does the rest).
MODELS = {
    "svdf_float": [
        (1, 8, [(1, 4, 6, True, "NONE"), (2, 5, 3, False, "RELU")]),
        (2, 7, [(2, 6, 4, True, "RELU"), (1, 4, 5, True, "RELU6")]),
        (2, 13, [(2, 4, 5, True, "TANH"), (1, 6, 7, False, "RELU_N1_TO_1")]),
    ],
    "svdf_int8": [
        (1, 8, [(1, 4, 6, True, "RELU"), (2, 5, 3, False, "RELU")]),
        (2, 7, [(2, 6, 4, True, "RELU"), (1, 4, 5, True, "RELU")]),
        (2, 13, [(2, 5, 5, True, "RELU")]),
    ],
    # Hybrid: float input, output, bias and state, int8 weights_feature and weights_time (symmetric, per tensor);
    # the sixth field is asymmetric_quantize_inputs (the input quantised per batch with or without a zero point).
    "svdf_hybrid": [
        (1, 8, [(1, 4, 6, True, "NONE", False), (2, 5, 3, False, "RELU", True)]),
        (2, 7, [(2, 6, 4, True, "RELU", True), (1, 4, 5, True, "TANH", False)]),
        (2, 13, [(2, 4, 5, True, "RELU6", False), (1, 6, 7, False, "NONE", True)]),
        (2, 19, [(1, 5, 9, True, "NONE", True), (2, 4, 4, True, "NONE", False)]),
    ],
}


def activate(x, name):
    if name == "RELU":
        return np.maximum(x, 0)
    if name == "RELU6":
        return np.clip(x, 0, 6)
    if name == "RELU_N1_TO_1":
        return np.clip(x, -1, 1)
    if name == "TANH":
        return np.tanh(x)
    return x


def float_svdf(x, wf, wt, bias, rank, act):
    """One invoke from the zeroed state: only the newest memory column is non-zero after the shift."""
    a = x @ wf.T                                     # [batch, filters]: the feature products (the new state column)
    s = a * wt[:, -1]                                # the time products of that column
    y = s.reshape(x.shape[0], -1, rank).sum(-1)      # the rank reduction
    if bias is not None:
        y = y + bias
    return activate(y, act), a


class Builder:
    def __init__(self):
        self.m = schema.ModelT()
        self.m.version = 3
        self.m.description = b"SVDF conformance fixture (scripts/make-svdf-models.sh)"
        empty = schema.BufferT()
        self.m.buffers = [empty]
        self.g = schema.SubGraphT()
        self.g.tensors, self.g.operators, self.g.inputs, self.g.outputs = [], [], [], []
        self.g.name = b"main"
        self.m.subgraphs = [self.g]
        code = schema.OperatorCodeT()
        code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.SVDF
        code.version = 1
        self.m.operatorCodes = [code]

    def tensor(self, name, shape, dtype, data=None, scale=None, zero_point=0, variable=False):
        t = schema.TensorT()
        t.name = name.encode()
        t.shape = np.array(shape, dtype=np.int32)
        t.type = dtype
        t.buffer = 0
        if data is not None:
            buf = schema.BufferT()
            buf.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), dtype=np.uint8)
            self.m.buffers.append(buf)
            t.buffer = len(self.m.buffers) - 1
        if scale is not None:
            q = schema.QuantizationParametersT()
            q.scale = np.array([scale], dtype=np.float32)
            q.zeroPoint = np.array([zero_point], dtype=np.int64)
            t.quantization = q
        t.isVariable = variable
        self.g.tensors.append(t)
        return len(self.g.tensors) - 1

    def svdf(self, inputs, output, rank, activation, asymmetric=False):
        op = schema.OperatorT()
        op.opcodeIndex = 0
        op.inputs = np.array(inputs, dtype=np.int32)
        op.outputs = np.array([output], dtype=np.int32)
        op.builtinOptionsType = schema.BuiltinOptions.SVDFOptions
        o = schema.SVDFOptionsT()
        o.rank = rank
        o.fusedActivationFunction = ACT[activation]
        o.asymmetricQuantizeInputs = asymmetric
        op.builtinOptions = o
        self.g.operators.append(op)

    def finish(self, version):
        self.m.operatorCodes[0].version = version
        b = flatbuffers.Builder(4096)
        b.Finish(self.m.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())


def symmetric(values, bits):
    limit = 2 ** (bits - 1) - 1
    scale = float(np.max(np.abs(values))) / limit
    return np.clip(np.round(values / scale), -limit, limit), np.float32(scale)


def asymmetric_int8(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    zero_point = int(np.clip(-128 - round(lo / scale), -128, 127))
    return np.float32(scale), zero_point


def build(name, chains, seed):
    rng = np.random.default_rng(seed)
    integer = name.endswith("int8")
    hybrid = name.endswith("hybrid")
    b = Builder()
    f32, i8, i16, i32 = (schema.TensorType.FLOAT32, schema.TensorType.INT8, schema.TensorType.INT16,
                         schema.TensorType.INT32)
    for c, (batch, size, layers) in enumerate(chains):
        # Calibration data for the int8 ranges: the float model on uniform inputs over the input range.
        lo, hi = -2.5, 3.5
        calib = rng.uniform(lo, hi, size=(64 * batch, size)).astype(np.float64)
        if integer:
            in_scale, in_zp = asymmetric_int8(lo, hi)
            current = b.tensor(f"input_{c}", [batch, size], i8, scale=in_scale, zero_point=in_zp)
        else:
            current = b.tensor(f"input_{c}", [batch, size], f32)
        b.g.inputs.append(current)
        for k, (rank, memory, units, has_bias, act, *asymmetric) in enumerate(layers):
            filters = units * rank
            wf = rng.uniform(-0.6, 0.6, size=(filters, size))
            wt = rng.uniform(-1.0, 1.0, size=(filters, memory))
            bias = rng.uniform(-0.4, 0.4, size=(units,)) if has_bias else None
            prefix = f"svdf_{c}_{k}"
            y, a = float_svdf(calib, wf, wt, bias, rank, act)
            if integer:
                wf_q, wf_scale = symmetric(wf, 8)
                wt_q, wt_scale = symmetric(wt, 10)
                state_scale = np.float32(float(np.max(np.abs(a))) / 32767)
                out_scale, out_zp = asymmetric_int8(float(y.min()), float(y.max()))
                t_wf = b.tensor(f"{prefix}/weights_feature", [filters, size], i8, wf_q.astype(np.int8), wf_scale)
                t_wt = b.tensor(f"{prefix}/weights_time", [filters, memory], i16, wt_q.astype(np.int16), wt_scale)
                t_b = -1
                if bias is not None:
                    bias_scale = np.float32(wt_scale * state_scale)
                    t_b = b.tensor(f"{prefix}/bias", [units], i32, np.round(bias / bias_scale).astype(np.int32),
                                   bias_scale)
                t_s = b.tensor(f"{prefix}/activation_state", [batch, memory * filters], i16, scale=state_scale,
                               variable=True)
                t_o = b.tensor(f"{prefix}/output", [batch, units], i8, scale=out_scale, zero_point=out_zp)
            elif hybrid:
                wf_q, wf_scale = symmetric(wf, 8)
                wt_q, wt_scale = symmetric(wt, 8)
                t_wf = b.tensor(f"{prefix}/weights_feature", [filters, size], i8, wf_q.astype(np.int8), wf_scale)
                t_wt = b.tensor(f"{prefix}/weights_time", [filters, memory], i8, wt_q.astype(np.int8), wt_scale)
                t_b = b.tensor(f"{prefix}/bias", [units], f32, bias.astype(np.float32)) if bias is not None else -1
                t_s = b.tensor(f"{prefix}/activation_state", [batch, memory * filters], f32, variable=True)
                t_o = b.tensor(f"{prefix}/output", [batch, units], f32)
            else:
                t_wf = b.tensor(f"{prefix}/weights_feature", [filters, size], f32, wf.astype(np.float32))
                t_wt = b.tensor(f"{prefix}/weights_time", [filters, memory], f32, wt.astype(np.float32))
                t_b = b.tensor(f"{prefix}/bias", [units], f32, bias.astype(np.float32)) if bias is not None else -1
                t_s = b.tensor(f"{prefix}/activation_state", [batch, memory * filters], f32, variable=True)
                t_o = b.tensor(f"{prefix}/output", [batch, units], f32)
            b.svdf([current, t_wf, t_wt, t_b, t_s], t_o, rank, act, bool(asymmetric and asymmetric[0]))
            # Every SVDF's output is a graph output, so each operator is compared, not only the last of a chain.
            b.g.outputs.append(t_o)
            current, calib, size = t_o, y, units
    # Operator versions as the converter stamps them: 1 float, 2 hybrid, 3 full integer.
    return b.finish(3 if integer else 2 if hybrid else 1)


def detail(d):
    q = d["quantization"]
    return {"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
            "scale": float(q[0]), "zero_point": int(q[1])}


def random_input(d, rng):
    dt = np.dtype(d["dtype"])
    shape = tuple(int(v) for v in d["shape"])
    if dt.kind in "iu":
        return rng.integers(-128, 128, size=shape).astype(dt)
    return rng.uniform(-3.0, 3.0, size=shape).astype(dt)


def write(folder, blob, case_count=CASES):
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
    rng = np.random.default_rng(11)
    cases = []
    for k in range(case_count):
        values = [random_input(d, rng) for d in ins]
        results = {}
        for tag, it in (("ref", ref), ("xnn", xnn), ("opt", opt)):
            # The activation state starts from zero in every case (the runtime's contract for variable tensors).
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
        cases.append({"case": k, "input": "random",
                      "ref_vs_xnnpack_max_abs_diff": diff(results["ref"], results["xnn"]),
                      "ref_vs_builtin_opt_max_abs_diff": diff(results["ref"], results["opt"]),
                      "ref_argmax": [int(np.argmax(v)) for v in results["ref"]]})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump({"inputs": [detail(d) for d in ins], "outputs": [detail(d) for d in outs], "cases": cases}, f, indent=1)
        f.write("\n")


def hybrid_sweep(out):
    """One hybrid SVDF per shape (inputs 1-20, batches 1-3, ranks 1-2, memory 3, both asymmetric_quantize_inputs),
    three cases each: uniform inputs, and two whose quantisation lands on rounding ties (a batch spanning exactly
    [-127, 127] or [-128, 127] makes the factor 1, then halves and the floats next to them, inside the groups of eight
    and in the tail). For `edgectl conformance DIR`; not fixtures."""
    count = 0
    specials = np.array([0.5, -0.5, 2.5, -2.5, 0.49999997, -0.49999997, 1.4999999, -1.4999999, 2.5000002, 126.5,
                         -126.5, 3.5, -3.5], dtype=np.float32)
    for size in range(1, 21):
        for batch in (1, 2, 3):
            for rank in (1, 2):
                for asymmetric in (False, True):
                    rng = np.random.default_rng(5000 + size * 100 + batch * 10 + rank * 2 + asymmetric)
                    units, memory = 3, 3
                    b = Builder()
                    f32, i8 = schema.TensorType.FLOAT32, schema.TensorType.INT8
                    x = b.tensor("input", [batch, size], f32)
                    b.g.inputs.append(x)
                    wf_q, wf_scale = symmetric(rng.uniform(-0.6, 0.6, size=(units * rank, size)), 8)
                    wt_q, wt_scale = symmetric(rng.uniform(-1.0, 1.0, size=(units * rank, memory)), 8)
                    t_wf = b.tensor("weights_feature", [units * rank, size], i8, wf_q.astype(np.int8), wf_scale)
                    t_wt = b.tensor("weights_time", [units * rank, memory], i8, wt_q.astype(np.int8), wt_scale)
                    t_b = b.tensor("bias", [units], f32, rng.uniform(-0.4, 0.4, size=(units,)).astype(np.float32))
                    t_s = b.tensor("activation_state", [batch, memory * units * rank], f32, variable=True)
                    t_o = b.tensor("output", [batch, units], f32)
                    b.svdf([x, t_wf, t_wt, t_b, t_s], t_o, rank, "NONE", asymmetric)
                    b.g.outputs.append(t_o)
                    blob = b.finish(2)
                    folder = os.path.join(out, f"hybrid_i{size}_b{batch}_r{rank}_{'asym' if asymmetric else 'sym'}")
                    os.makedirs(folder, exist_ok=True)
                    with open(os.path.join(folder, "model.tflite"), "wb") as f:
                        f.write(blob)
                    it = Interpreter(model_content=blob, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                                     num_threads=1)
                    it.allocate_tensors()
                    d, o = it.get_input_details()[0], it.get_output_details()[0]
                    for k in range(3):
                        v = rng.uniform(-3.0, 3.0, size=(batch, size)).astype(np.float32)
                        if k > 0:
                            v = rng.choice(specials, size=(batch, size)).astype(np.float32)
                            v[:, rng.integers(0, size)] = 127.0
                            if asymmetric:
                                v[:, rng.integers(0, size)] = -128.0
                        it.reset_all_variables()
                        it.set_tensor(d["index"], v)
                        it.invoke()
                        with open(os.path.join(folder, f"case-{k}.in-0.bin"), "wb") as f:
                            f.write(v.tobytes())
                        with open(os.path.join(folder, f"case-{k}.ref-0.bin"), "wb") as f:
                            f.write(it.get_tensor(o["index"]).tobytes())
                    count += 1
    print(f"{count} hybrid SVDFs in {out}")


def main():
    if sys.argv[1] == "--hybrid-sweep":
        hybrid_sweep(sys.argv[2])
        return
    out = sys.argv[1]
    for name in sys.argv[2:] or sorted(MODELS):
        # Seeds fixed per model, so adding a model leaves the others' files as they were.
        blob = build(name, MODELS[name], {"svdf_float": 18, "svdf_int8": 19, "svdf_hybrid": 20}[name])
        # The hybrid model takes more cases: max − min rounding to float in the asymmetric quantisation shows on
        # some inputs only (the first three do not tell it from a subtraction in double; cases 3–5 do).
        write(os.path.join(out, name), blob, 6 if name == "svdf_hybrid" else CASES)
        print(f"{name}: {len(blob)} bytes, {sum(len(c[2]) for c in MODELS[name])} SVDF operators")


if __name__ == "__main__":
    main()
