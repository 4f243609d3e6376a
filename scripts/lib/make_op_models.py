"""Op-coverage conformance models for scripts/make-op-models.sh (run it through that script, in its venv).

Each entry of MODELS builds one small tf.function, converts it (full int8 post-training quantisation with int8
inputs and outputs, or float32), and writes model.tflite, cases.json and the case files in the conformance format.
"""
import json
import os
import shutil
import sys

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter, OpResolverType

CASES = 3


def spec(*shape, dtype=tf.float32):
    return tf.TensorSpec(shape, dtype)


# name -> (kind, input specs, function). kind "int8": full integer quantisation with int8 I/O; "float": float32.
MODELS = {}


def model(name, kind, *specs):
    def register(fn):
        MODELS[name] = (kind, list(specs), fn)
        return fn
    return register


# --- data movement, int8 -------------------------------------------------------------------------------
@model("ops_slicing_int8", "int8", spec(1, 6, 8, 4))
def _slicing(x):
    a = tf.strided_slice(x, [0, 1, 0, 0], [1, 6, 8, 4], [1, 2, 3, 1])          # STRIDED_SLICE
    b = tf.slice(x, [0, 2, 1, 0], [1, 3, 4, 4])                                 # SLICE
    c = x[:, ::-1, 2:, 1]                                                       # STRIDED_SLICE, shrink axis
    return a * 1.0, b, c


@model("ops_transpose_int8", "int8", spec(1, 4, 6, 3))
def _transpose(x):
    t = tf.transpose(x, [0, 3, 1, 2])                                           # TRANSPOSE
    e = tf.expand_dims(tf.reshape(x, [4, 18]), 1)                               # EXPAND_DIMS
    return t, e


@model("ops_pack_split_int8", "int8", spec(2, 4, 6))
def _pack_split(x):
    u = tf.unstack(x, axis=1)                                                   # UNPACK
    p = tf.stack([u[0], u[3], u[1]], axis=2)                                    # PACK
    s = tf.split(x, 3, axis=2)                                                  # SPLIT
    v = tf.split(x, [1, 3], axis=1)                                             # SPLIT_V
    return p, s[2], v[1]


@model("ops_tile_broadcast_float", "float", spec(1, 3, 4))
def _tile_broadcast(x):
    t = tf.tile(x, [2, 1, 3])                                                   # TILE
    b = tf.broadcast_to(x, [2, 3, 4])                                           # BROADCAST_TO
    return t, b


@model("ops_gather_int8", "int8", spec(5, 6))
def _gather(x):
    g = tf.gather(x, [4, 0, 2, 2], axis=0)                                      # GATHER
    h = tf.gather(x, [5, 1], axis=1)                                            # GATHER (inner axis)
    n = tf.gather_nd(x, [[1, 2], [4, 5], [0, 0]])                               # GATHER_ND
    return g, h, n


@model("ops_depth_to_space_float", "float", spec(1, 4, 6, 8))
def _depth_to_space(x):
    return tf.nn.depth_to_space(x, 2)                                           # DEPTH_TO_SPACE


@model("ops_space_to_depth_int8", "int8", spec(1, 4, 6, 8))
def _space_to_depth(x):
    return tf.nn.space_to_depth(x, 2)                                           # SPACE_TO_DEPTH


@model("ops_resize_nearest_int8", "int8", spec(1, 4, 6, 8))
def _resize_nearest(x):
    return tf.image.resize(x, [7, 9], method="nearest")                         # RESIZE_NEAREST_NEIGHBOR


@model("ops_mirror_pad_int8", "int8", spec(1, 4, 6, 8))
def _mirror_pad(x):
    m = tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], mode="REFLECT")             # MIRROR_PAD
    n = tf.pad(x, [[0, 0], [1, 0], [0, 2], [0, 0]], mode="SYMMETRIC")           # MIRROR_PAD
    return m, n


# --- elementwise and reductions, int8 ----------------------------------------------------------------
@model("ops_minmax_int8", "int8", spec(1, 4, 8), spec(1, 4, 8))
def _minmax(x, y):
    return tf.minimum(x, y), tf.maximum(x, 0.25), tf.reduce_max(x, axis=2), tf.reduce_min(y, axis=[1], keepdims=True)


@model("ops_compare_select_int8", "int8", spec(1, 4, 8), spec(1, 4, 8))
def _compare(x, y):
    a = tf.where(tf.greater(x, y), x, y)                                        # GREATER, SELECT_V2
    b = tf.where(tf.less_equal(x, 0.1), y, x)                                   # LESS_EQUAL, SELECT_V2
    return a, b


@model("ops_unary_int8", "int8", spec(1, 4, 8))
def _unary(x):
    return tf.abs(x), tf.negative(x), tf.math.squared_difference(x, x * 0.5 + 0.25)


# --- float32 (the kind of post-processing MoveNet keeps in float) --------------------------------------
@model("ops_float_math", "float", spec(1, 4, 8), spec(1, 4, 8))
def _float_math(x, y):
    s = tf.sqrt(tf.abs(x) + 0.5)                                                 # SQRT
    r = tf.math.rsqrt(tf.abs(y) + 0.5)                                           # RSQRT
    d = x / (tf.abs(y) + 1.0)                                                    # DIV
    f = tf.math.floordiv(x * 8.0, tf.abs(y) + 1.0)                               # FLOOR_DIV
    return s + r, d, f


@model("ops_float_index", "float", spec(1, 6, 4), spec(1, 6, 4))
def _float_index(x, y):
    i = tf.cast(tf.abs(y) * 2.0, tf.int32)                                       # CAST float -> int32
    i = tf.math.floordiv(i, 3)                                                   # FLOOR_DIV int32
    idx = tf.stack([tf.zeros([4], tf.int32), tf.minimum(i[0, :4, 0], 5)], axis=1)  # PACK, MINIMUM, STRIDED_SLICE
    g = tf.gather_nd(x, idx)                                                     # GATHER_ND float
    u = tf.unstack(x, axis=2)                                                    # UNPACK float
    return g, tf.cast(i, tf.float32)[:, :, 1] + u[1]                                      # CAST int32 -> float, ADD float


# --- activations, normalisation and reductions, int8 ----------------------------------------------------
@model("ops_exp_log_int8", "int8", spec(1, 4, 8))
def _exp_log(x):
    return tf.exp(x), tf.math.log(tf.abs(x) + 0.1)                              # EXP, LOG (int8 lookup tables)


@model("ops_gelu_int8", "int8", spec(1, 4, 8))
def _gelu(x):
    return tf.nn.gelu(x, approximate=True)                                      # GELU (tanh form; the erf form does not convert)


@model("ops_log_softmax_int8", "int8", spec(1, 4, 8))
def _log_softmax(x):
    return tf.nn.log_softmax(x)                                                 # LOG_SOFTMAX


@model("ops_elu_float", "float", spec(1, 4, 8))
def _elu(x):
    return tf.nn.elu(x)                                                         # ELU (LiteRT 2.3's reference resolver has no ELU)


@model("ops_l2norm_int8", "int8", spec(1, 4, 8))
def _l2norm(x):
    return tf.math.l2_normalize(x, axis=-1)                                    # L2_NORMALIZATION


@model("ops_rsqrt_div_int8", "int8", spec(1, 4, 8), spec(1, 4, 8))
def _rsqrt_div(x, y):
    return tf.math.rsqrt(tf.abs(x) + 0.25), x / (tf.abs(y) + 0.5)              # RSQRT, DIV


@model("ops_sum_int8", "int8", spec(1, 4, 8))
def _sum(x):
    return tf.reduce_sum(x, axis=1, keepdims=True), tf.reduce_sum(x, axis=[1, 2])  # SUM


@model("ops_transpose_conv_int8", "int8", spec(1, 5, 5, 3))
def _transpose_conv(x):
    w = tf.constant(np.random.default_rng(3).uniform(-0.5, 0.5, (3, 3, 4, 3)).astype(np.float32))
    return tf.nn.conv2d_transpose(x, w, [1, 10, 10, 4], strides=2, padding="SAME")   # TRANSPOSE_CONV


@model("ops_batch_matmul_int8", "int8", spec(2, 3, 4), spec(2, 5, 4))
def _batch_matmul(x, y):
    return tf.matmul(x, y, transpose_b=True)                                    # BATCH_MATMUL


# --- recurrent ------------------------------------------------------------------------------------------
def _lstm():
    tf.keras.utils.set_random_seed(5)
    inp = tf.keras.Input((6, 4), batch_size=1)
    out = tf.keras.layers.LSTM(8, return_sequences=False)(inp)
    return tf.keras.Model(inp, tf.keras.layers.Dense(3)(out))


MODELS["lstm_int8"] = ("keras-int8", [spec(1, 6, 4)], _lstm)
MODELS["lstm_float"] = ("keras-float", [spec(1, 6, 4)], _lstm)


def _prelu():
    tf.keras.utils.set_random_seed(6)
    inp = tf.keras.Input((4, 8), batch_size=1)
    layer = tf.keras.layers.PReLU(alpha_initializer=tf.keras.initializers.RandomUniform(0.05, 0.5))
    return tf.keras.Model(inp, layer(inp))


MODELS["ops_prelu_int8"] = ("keras-int8", [spec(1, 4, 8)], _prelu)


@model("ops_float_misc", "float", spec(1, 4, 8), spec(1, 4, 8))
def _float_misc(x, y):
    a = tf.floor(x) + y                                                         # FLOOR (LiteRT 2.3's reference resolver has no CEIL)
    b = tf.square(x) + tf.sin(x) + tf.cos(y)                                    # SQUARE, SIN, COS
    c = tf.math.floormod(x * 3.0, y)                                            # FLOOR_MOD
    d = tf.add_n([x, y, x * y])                                                 # ADD_N
    m = tf.logical_or(tf.logical_and(x > 0, tf.logical_not(y > 0.5)), y < -1)  # LOGICAL_*, float comparisons
    return a, b, c, d, tf.where(m, x, y)                                        # SELECT_V2


# --- the rest of TFLite Micro's resolver (micro_mutable_op_resolver.h) ---------------------------------------
@model("ops_argmin_reverse_int8", "int8", spec(1, 4, 8))
def _argmin_reverse(x):
    a = tf.math.argmin(x, axis=2, output_type=tf.int32)                         # ARG_MIN (int32 output)
    b = tf.math.argmin(x, axis=1, output_type=tf.int64)                         # ARG_MIN (int64 output)
    return a, b, tf.reverse(x, [1]), tf.reverse(x, [2])                         # REVERSE_V2


@model("ops_elu_int8", "int8", spec(1, 4, 8))
def _elu_int8(x):
    return tf.nn.elu(x)                                                         # ELU (int8 lookup table)


@model("ops_round_float", "float", spec(1, 4, 8))
def _round(x):
    return tf.round(x * 2.0)                                                    # ROUND (half to even)


@model("ops_cumsum_float", "float", spec(1, 4, 8))
def _cumsum(x):
    a = tf.cumsum(x, axis=2)                                                    # CUMSUM
    b = tf.cumsum(x, axis=1, exclusive=True, reverse=True)                      # CUMSUM exclusive, reverse
    return a, b


@model("ops_reduce_all_float", "float", spec(1, 4, 8))
def _reduce_all(x):
    m = tf.reduce_all(x > -1.5, axis=2)                                         # REDUCE_ALL
    k = tf.reduce_all(x < 2.5, axis=[1], keepdims=True)                         # REDUCE_ALL, keep_dims
    return tf.where(m, x[:, :, 0], -x[:, :, 1]), tf.where(k, x[:, :1, :], 0.0)


@model("ops_broadcast_args", "float", spec(3, dtype=tf.int32), spec(2, dtype=tf.int32))
def _broadcast_args(a, b):
    return tf.raw_ops.BroadcastArgs(s0=a, s1=b)                                 # BROADCAST_ARGS


@model("ops_dynamic_update_slice_float", "float", spec(1, 4, 8), spec(1, 2, 3), spec(3, dtype=tf.int32))
def _dynamic_update_slice(x, u, i):
    from tensorflow.compiler.tf2xla.python import xla
    return xla.dynamic_update_slice(x, u, i)                                    # DYNAMIC_UPDATE_SLICE


@model("ops_l2_pool_float", "float", spec(1, 6, 8, 3))
def _l2_pool(x):
    return tf.sqrt(tf.nn.avg_pool2d(tf.square(x), 2, 2, "VALID")), \
        tf.sqrt(tf.nn.avg_pool2d(tf.square(x), 3, 2, "SAME"))                   # L2_POOL_2D (when fused)


@model("ops_embedding_lookup_float", "float", spec(4, dtype=tf.int32))
def _embedding_lookup(ids):
    table = tf.constant(np.random.default_rng(11).uniform(-1, 1, (10, 6)).astype(np.float32))
    return tf.nn.embedding_lookup(table, ids)                                   # GATHER, rewritten to EMBEDDING_LOOKUP


# Models whose inputs must be valid values rather than random bytes: name -> function(rng, shape) -> the input of
# that shape (the converter does not keep the function's argument order, so inputs are told apart by shape).
def _valid_input(rng, shape):
    shape = tuple(shape)
    if shape == (3,):
        return np.array(rng.choice([[2, 1, 4], [1, 3, 1], [5, 1, 1]]), np.int32)
    if shape == (2,):
        return np.array(rng.choice([[3, 1], [1, 4], [3, 4]]), np.int32)
    raise ValueError(f"no valid input for shape {shape}")


def _dus_input(rng, shape):
    if tuple(shape) == (3,):                                                    # start indices, some clamped
        return np.array([0, rng.integers(-1, 5), rng.integers(0, 9)], np.int32)
    return rng.uniform(-3, 3, shape).astype(np.float32)


# --- control flow and resource variables (they run other subgraphs / keep state across invokes) -----------
@model("ops_if_float", "float", spec(1, 8))
def _if(x):
    # A data-dependent predicate: the converter keeps tf.cond as IF with a then and an else subgraph.
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: x * 2.0 + 1.0, lambda: x * x - 0.5)              # IF


@model("ops_if_int8", "int8", spec(1, 8))
def _if_int8(x):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: x * 2.0 + 1.0, lambda: x * x - 0.5)              # IF


@model("ops_while_float", "float", spec(1, 8))
def _while(x):
    # A data-dependent trip count (3, 0 and 2 iterations in the three cases): x = x * 0.5 - 0.1 while sum(x) > 1,
    # at most 10 times.
    def cond(i, v):
        return tf.logical_and(i < 10, tf.reduce_sum(v) > 1.0)

    def body(i, v):
        return i + 1, v * 0.5 - 0.1
    _, y = tf.while_loop(cond, body, [tf.constant(0), x * 3.0])                                       # WHILE
    return y


@model("ops_while_int8", "int8", spec(1, 8))
def _while_int8(x):
    def cond(i, v):
        return tf.logical_and(i < 10, tf.reduce_sum(v) > 1.0)

    def body(i, v):
        return i + 1, v * 0.5 - 0.1
    _, y = tf.while_loop(cond, body, [tf.constant(0), x * 3.0])                                       # WHILE
    return y


class _Accumulator(tf.Module):
    """A tf.Variable updated on every call: CALL_ONCE (init subgraph assigns the initial value), VAR_HANDLE,
    READ_VARIABLE, ASSIGN_VARIABLE."""

    def __init__(self):
        super().__init__()
        self.v = tf.Variable(np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(1, 8))

    def __call__(self, x):
        self.v.assign(self.v * 0.5 + x)
        return self.v * 2.0 - 1.0


@model("ops_variables_float", "variables-float", spec(1, 8))
def _variables():
    return _Accumulator()


@model("ops_variables_int8", "variables-int8", spec(1, 8))
def _variables_int8():
    return _Accumulator()


INPUTS = {
    "ops_broadcast_args": _valid_input,
    "ops_dynamic_update_slice_float": _dus_input,
    "ops_embedding_lookup_float": lambda rng, shape: rng.integers(0, 10, shape).astype(np.int32),
}

# LiteRT 2.3's reference resolver (register_ref.cc) has no ELU and no ROUND; their `.ref` outputs come from the
# built-in resolver without delegates (BUILTIN would hand ELU to XNNPACK), whose ELU (a lookup table for int8;
# optimized_ops::Elu is reference_ops::Elu) and ROUND (optimized_ops::Round is reference_ops::Round) are the
# reference code.
BUILTIN_REFERENCE = {"ops_elu_int8", "ops_elu_float", "ops_round_float"}


def rewrite_gather_as_embedding_lookup(blob):
    """The converter lowers tf.nn.embedding_lookup to GATHER(params, ids); TFLite's EMBEDDING_LOOKUP is the same
    operation with the inputs the other way round (ids, params) and no options."""
    from tensorflow.lite.python import schema_py_generated as schema
    import flatbuffers
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(blob, 0))
    code = schema.BuiltinOperator.EMBEDDING_LOOKUP
    for c in m.operatorCodes:
        if max(c.builtinCode, c.deprecatedBuiltinCode) == schema.BuiltinOperator.GATHER:
            c.builtinCode, c.deprecatedBuiltinCode, c.version = code, code, 1
    for op in m.subgraphs[0].operators:
        c = m.operatorCodes[op.opcodeIndex]
        if c.builtinCode == code:
            op.inputs = [op.inputs[1], op.inputs[0]]
            op.builtinOptionsType, op.builtinOptions = 0, None
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _load(blob):
    from tensorflow.lite.python import schema_py_generated as schema
    return schema, schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(blob, 0))


def _save(m):
    import flatbuffers
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _code(schema, m, op):
    c = m.operatorCodes[op.opcodeIndex]
    return max(c.builtinCode, c.deprecatedBuiltinCode)


def _opcode_index(schema, m, builtin):
    for k, c in enumerate(m.operatorCodes):
        if max(c.builtinCode, c.deprecatedBuiltinCode) == builtin:
            return k
    c = schema.OperatorCodeT()
    c.builtinCode, c.deprecatedBuiltinCode, c.version = builtin, min(builtin, 127), 1
    m.operatorCodes.append(c)
    return len(m.operatorCodes) - 1


def rewrite_square_pool_sqrt_as_l2_pool(blob):
    """The converter keeps sqrt(avg_pool(square(x))) as three operators (it has no L2 pooling pattern); TFLite's
    L2_POOL_2D is exactly that chain, with AVERAGE_POOL_2D's Pool2DOptions."""
    schema, m = _load(blob)
    g = m.subgraphs[0]
    producer = {t: op for op in g.operators for t in op.outputs}
    l2 = _opcode_index(schema, m, schema.BuiltinOperator.L2_POOL_2D)
    drop = []
    for op in g.operators:
        if _code(schema, m, op) != schema.BuiltinOperator.AVERAGE_POOL_2D:
            continue
        square = producer.get(op.inputs[0])
        sqrt = [o for o in g.operators if op.outputs[0] in o.inputs]
        if square is None or _code(schema, m, square) != schema.BuiltinOperator.SQUARE or len(sqrt) != 1 \
                or _code(schema, m, sqrt[0]) != schema.BuiltinOperator.SQRT:
            continue
        op.opcodeIndex, op.inputs, op.outputs = l2, list(square.inputs), list(sqrt[0].outputs)
        drop += [square, sqrt[0]]
    g.operators = [o for o in g.operators if not any(o is d for d in drop)]
    return _save(m)


def rewrite_dequantize_op_quantize_as_int8(blob):
    """The converter leaves ELU in float between DEQUANTIZE and QUANTIZE (it has no int8 ELU rule); TFLite's int8
    ELU (a lookup table) takes the int8 tensors directly, with the QUANTIZE output's parameters."""
    schema, m = _load(blob)
    g = m.subgraphs[0]
    producer = {t: op for op in g.operators for t in op.outputs}
    drop = []
    for op in g.operators:
        if _code(schema, m, op) in (schema.BuiltinOperator.DEQUANTIZE, schema.BuiltinOperator.QUANTIZE):
            continue
        dq = producer.get(op.inputs[0])
        q = [o for o in g.operators if op.outputs[0] in o.inputs]
        if dq is None or _code(schema, m, dq) != schema.BuiltinOperator.DEQUANTIZE or len(q) != 1 \
                or _code(schema, m, q[0]) != schema.BuiltinOperator.QUANTIZE:
            continue
        op.inputs, op.outputs = list(dq.inputs), list(q[0].outputs)
        drop += [dq, q[0]]
    g.operators = [o for o in g.operators if not any(o is d for d in drop)]
    return _save(m)


REWRITES = {"ops_embedding_lookup_float": rewrite_gather_as_embedding_lookup,
            "ops_l2_pool_float": rewrite_square_pool_sqrt_as_l2_pool,
            "ops_elu_int8": rewrite_dequantize_op_quantize_as_int8}


def representative(specs, seed):
    rng = np.random.default_rng(seed)

    def gen():
        for _ in range(64):
            yield [rng.uniform(-2.0, 2.0, size=s.shape).astype(np.float32) for s in specs]
    return gen


def convert(kind, specs, fn):
    if kind.startswith("keras-"):
        conv = tf.lite.TFLiteConverter.from_keras_model(fn())
        kind = kind[len("keras-"):]
    elif kind.startswith("variables-"):
        # Resource variables stay variables (not frozen constants) only with this flag; the module must be the
        # converter's trackable object so that the variable's initial value is found.
        module = fn()
        concrete = tf.function(module.__call__, input_signature=specs).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
        conv.experimental_enable_resource_variables = True
        kind = kind[len("variables-"):]
    else:
        concrete = tf.function(fn, input_signature=specs).get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete], tf.Module())
    if kind == "int8":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative(specs, 1)
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    return conv.convert()


def detail(d):
    q = d["quantization"]
    return {"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
            "scale": float(q[0]), "zero_point": int(q[1])}


def random_input(d, rng):
    dt = np.dtype(d["dtype"])
    shape = tuple(int(v) for v in d["shape"])
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, int(info.max) + 1, size=shape, dtype=np.int64).astype(dt)
    return rng.uniform(-3.0, 3.0, size=shape).astype(dt)


def write(folder, blob, name=""):
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    with open(os.path.join(folder, "model.tflite"), "wb") as f:
        f.write(blob)
    ref_type = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES if name in BUILTIN_REFERENCE else OpResolverType.BUILTIN_REF

    def interpreters():
        ref = Interpreter(model_content=blob, experimental_op_resolver_type=ref_type, num_threads=1)
        xnn = Interpreter(model_content=blob, num_threads=1)
        opt = Interpreter(model_content=blob,
                          experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES, num_threads=1)
        for it in (ref, xnn, opt):
            it.allocate_tensors()
        return ref, xnn, opt
    first = interpreters()[0]
    ins, outs = first.get_input_details(), first.get_output_details()
    rng = np.random.default_rng(7)
    cases = []
    for k in range(CASES):
        values = [INPUTS[name](rng, d["shape"]) if name in INPUTS else random_input(d, rng) for d in ins]
        results = {}
        # Every case starts from a fresh interpreter (state from reset): recurrent state (UNIDIRECTIONAL_SEQUENCE_LSTM's
        # variable tensors) starts from zero, resource variables are unassigned and CALL_ONCE runs its init subgraph
        # again. `edgectl conformance` resets its interpreter's state before every case to agree.
        for tag, it in zip(("ref", "xnn", "opt"), interpreters()):
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
            return [float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) if x.size else 0.0
                    for x, y in zip(a, b)]
        cases.append({"case": k, "input": "valid" if name in INPUTS else "random",
                      "ref_vs_xnnpack_max_abs_diff": diff(results["ref"], results["xnn"]),
                      "ref_vs_builtin_opt_max_abs_diff": diff(results["ref"], results["opt"]),
                      "ref_argmax": [int(np.argmax(v)) if v.size else 0 for v in results["ref"]]})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump({"inputs": [detail(d) for d in ins], "outputs": [detail(d) for d in outs], "cases": cases}, f, indent=1)
        f.write("\n")


def op_names(blob):
    from tensorflow.lite.python import schema_py_generated as schema
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(blob, 0))
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    return sorted({names.get(max(m.operatorCodes[o.opcodeIndex].builtinCode,
                                 m.operatorCodes[o.opcodeIndex].deprecatedBuiltinCode), "?")
                   for g in m.subgraphs for o in g.operators})


# Models the runtime does not reproduce byte for byte yet: written beside the conformance folder, into
# conformance-pending, so that `edgectl conformance` on the main folder stays green (reasons in its README).
PENDING: set = set()


def main():
    out, pending_out = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:] or list(MODELS)
    for name in wanted:
        kind, specs, fn = MODELS[name]
        try:
            blob = convert(kind, specs, fn)
            if name in REWRITES:
                blob = REWRITES[name](blob)
            folder = os.path.join(pending_out if name in PENDING else out, name)
            write(folder, blob, name)
        except Exception as e:  # an op LiteRT's reference resolver lacks: report it and go on
            shutil.rmtree(os.path.join(pending_out if name in PENDING else out, name), ignore_errors=True)
            print(f"{name}: SKIPPED ({e})".splitlines()[0])
            continue
        print(f"{name}: {len(blob)} bytes, ops {' '.join(op_names(blob))}")


if __name__ == "__main__":
    main()
