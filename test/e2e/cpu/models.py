"""Models for the CPU end-to-end tests, written as the DSL front end emits
them (layers, params, tensor.dim of the batch, linalg.generic bias adds and
relu, ternary.call composition), with fixed weights and inputs, and their
reference computed independently in float64 numpy.

Each model is a function returning a Model. The reference implements the
documented semantics (docs/packing.md, ternary.quantize / ternary.matmul in
docs/dialect.md) directly; it shares no code with the compiler or the C
runtime (packing is re-implemented here from the format description).
"""
import dataclasses
from typing import Callable, List

import numpy as np


@dataclasses.dataclass
class Argument:
    """One argument of the C entry point: its array (C-contiguous) and how it
    is described in the MLIR signature."""
    array: np.ndarray


@dataclasses.dataclass
class Model:
    name: str
    mlir: str
    entry: str                      # C entry: _mlir_ciface_<entry>
    arguments: List[Argument]       # in the entry's order
    result_dtype: type              # np.float32 or np.int32
    result_rank: int
    reference: Callable[[], np.ndarray]   # float64 (or int64) reference
    exact: bool = False             # integer path: compare exactly


# --- The packing format, from its description (not from the runtime) ---

def pack_offset2_along_k(trits):
    """W[K, N] of trits -> bytes [N, ceil(K/4)]: column n is row n, code =
    t + 1 at bits 2 (k % 4) of byte k / 4, padding code 1 (zero)."""
    k, n = trits.shape
    row_bytes = (k + 3) // 4
    codes = np.ones((n, row_bytes * 4), dtype=np.uint8)
    codes[:, :k] = (trits.T + 1).astype(np.uint8)
    codes = codes.reshape(n, row_bytes, 4)
    shifts = np.array([0, 2, 4, 6], dtype=np.uint8)
    return np.bitwise_or.reduce(codes << shifts, axis=2).astype(np.uint8)


def mlir_bytes(packed):
    return "[" + ", ".join(str(int(b)) for b in packed.reshape(-1)) + "]"


# --- Reference semantics in float64 ---

def absmean_per_column(w):
    """ternary.quantize absmean axis 1: gamma_n = max(mean |w[:, n]|, 1e-5)
    (in double), t = clamp(round_half_even(w / gamma), -1, 1), scale =
    float32(gamma)."""
    w = w.astype(np.float64)
    gamma = np.maximum(np.abs(w).mean(axis=0), 1e-5)
    trits = np.clip(np.round(w / gamma), -1, 1)  # np.round: half to even
    return trits, gamma.astype(np.float32).astype(np.float64)


def relu(x):
    return np.maximum(x, 0.0)


def mlir_floats(array):
    def fmt(v):
        return "%.9g" % float(np.float32(v))
    if array.ndim == 1:
        return "[" + ", ".join(fmt(v) for v in array) + "]"
    return "[" + ", ".join(mlir_floats(row) for row in array) + "]"


def mlir_ints(array):
    if array.ndim == 1:
        return "[" + ", ".join(str(int(v)) for v in array) + "]"
    return "[" + ", ".join(mlir_ints(row) for row in array) + "]"


MAPS = """#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
"""


def bias_add(result, value, bias, n, dim="%dim"):
    """A front end's broadcast bias add: linalg.generic on [?, n]."""
    return f"""
    {result}_e = tensor.empty({dim}) : tensor<?x{n}xf32>
    {result} = linalg.generic {{indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]}} ins({value}, {bias} : tensor<?x{n}xf32>, tensor<{n}xf32>) outs({result}_e : tensor<?x{n}xf32>) {{
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      {result}_sum = arith.addf %in, %in_0 : f32
      linalg.yield {result}_sum : f32
    }} -> tensor<?x{n}xf32>"""


def relu_op(result, value, n, dim="%dim"):
    return f"""
    {result}_e = tensor.empty({dim}) : tensor<?x{n}xf32>
    {result} = linalg.generic {{indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}} ins({value} : tensor<?x{n}xf32>) outs({result}_e : tensor<?x{n}xf32>) {{
    ^bb0(%in: f32, %out: f32):
      {result}_zero = arith.constant 0.000000e+00 : f32
      {result}_max = arith.maximumf %in, {result}_zero : f32
      linalg.yield {result}_max : f32
    }} -> tensor<?x{n}xf32>"""


def mlp(rng):
    """Two layers composed with ternary.call. @Hidden quantizes float master
    weights (absmean per column) and multiplies with linalg.matmul on the
    dequantized weights; @Output multiplies by packed ternary weights."""
    batch, k, h, n = 5, 32, 16, 10
    w1 = rng.standard_normal((k, h)).astype(np.float32)
    b1 = (rng.standard_normal(h) * 0.5).astype(np.float32)
    t2 = rng.integers(-1, 2, size=(h, n)).astype(np.int8)
    b2 = (rng.standard_normal(n) * 0.5).astype(np.float32)
    x = rng.standard_normal((batch, k)).astype(np.float32)

    mlir = MAPS + f"""
ternary.layer @Hidden {{
  ternary.param @w : tensor<{k}x{h}xf32> = dense<{mlir_floats(w1)}> : tensor<{k}x{h}xf32>
  ternary.param @b : tensor<{h}xf32> = dense<{mlir_floats(b1)}> : tensor<{h}xf32>
  func.func @forward(%x: tensor<?x{k}xf32>) -> tensor<?x{h}xf32> {{
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %x, %c0 : tensor<?x{k}xf32>
    %w = ternary.get_param @w : tensor<{k}x{h}xf32>
    %t, %s = ternary.quantize absmean %w axis 1 : tensor<{k}x{h}xf32> -> tensor<{k}x{h}xi8>, tensor<{h}xf32>
    %d = ternary.dequantize %t, %s axis 1 : tensor<{k}x{h}xi8>, tensor<{h}xf32> -> tensor<{k}x{h}xf32>
    %e = tensor.empty(%dim) : tensor<?x{h}xf32>
    %zero = arith.constant 0.000000e+00 : f32
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x{h}xf32>) -> tensor<?x{h}xf32>
    %y = linalg.matmul ins(%x, %d : tensor<?x{k}xf32>, tensor<{k}x{h}xf32>) outs(%init : tensor<?x{h}xf32>) -> tensor<?x{h}xf32>
    %b = ternary.get_param @b : tensor<{h}xf32>{bias_add("%z", "%y", "%b", h)}{relu_op("%r", "%z", h)}
    return %r : tensor<?x{h}xf32>
  }}
}}
ternary.layer @Output {{
  ternary.param @w : !ternary.packed<{h}x{n}> = dense<{mlir_bytes(pack_offset2_along_k(t2))}> : tensor<{pack_offset2_along_k(t2).size}xui8>
  ternary.param @b : tensor<{n}xf32> = dense<{mlir_floats(b2)}> : tensor<{n}xf32>
  func.func @forward(%x: tensor<?x{h}xf32>) -> tensor<?x{n}xf32> {{
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %x, %c0 : tensor<?x{h}xf32>
    %w = ternary.get_param @w : !ternary.packed<{h}x{n}>
    %y = ternary.matmul %x, %w : tensor<?x{h}xf32>, !ternary.packed<{h}x{n}> -> tensor<?x{n}xf32>
    %b = ternary.get_param @b : tensor<{n}xf32>{bias_add("%z", "%y", "%b", n)}
    return %z : tensor<?x{n}xf32>
  }}
}}
ternary.layer @MLP {{
  func.func @forward(%x: tensor<?x{k}xf32>) -> tensor<?x{n}xf32> {{
    %h = ternary.call @Hidden::@forward(%x) : (tensor<?x{k}xf32>) -> tensor<?x{h}xf32>
    %y = ternary.call @Output::@forward(%h) : (tensor<?x{h}xf32>) -> tensor<?x{n}xf32>
    return %y : tensor<?x{n}xf32>
  }}
}}
"""

    def reference():
        trits, scale = absmean_per_column(w1)
        hidden = relu(x.astype(np.float64) @ (trits * scale) + b1)
        return hidden @ t2.astype(np.float64) + b2

    return Model("mlp", mlir, "MLP_forward", [Argument(x)], np.float32, 2,
                 reference)


def runtime_params(rng):
    """A layer whose params have no value: the caller passes the packed
    weights (bytes [N, ceil(K/4)]), the per-column scale and the bias as
    leading arguments, in declaration order (docs/targets/cpu.md)."""
    batch, k, n = 3, 37, 6
    t = rng.integers(-1, 2, size=(k, n)).astype(np.int8)
    scale = (rng.random(n) + 0.5).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    x = rng.standard_normal((batch, k)).astype(np.float32)
    packed = pack_offset2_along_k(t)
    rb = packed.shape[1]
    mlir = MAPS + f"""
ternary.layer @Linear {{
  ternary.param @w : !ternary.packed<{k}x{n}>
  ternary.param @s : tensor<{n}xf32>
  ternary.param @b : tensor<{n}xf32>
  func.func @forward(%x: tensor<?x{k}xf32>) -> tensor<?x{n}xf32> {{
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %x, %c0 : tensor<?x{k}xf32>
    %w = ternary.get_param @w : !ternary.packed<{k}x{n}>
    %s = ternary.get_param @s : tensor<{n}xf32>
    %y = ternary.matmul %x, %w scale %s : tensor<?x{k}xf32>, !ternary.packed<{k}x{n}>, tensor<{n}xf32> -> tensor<?x{n}xf32>
    %b = ternary.get_param @b : tensor<{n}xf32>{bias_add("%z", "%y", "%b", n)}
    return %z : tensor<?x{n}xf32>
  }}
}}
"""
    assert rb == (k + 3) // 4

    def reference():
        return (x.astype(np.float64) @ t.astype(np.float64)) * scale + bias

    return Model("runtime_params", mlir, "Linear_forward",
                 [Argument(packed.view(np.int8)), Argument(scale),
                  Argument(bias), Argument(x)],
                 np.float32, 2, reference)


def int8(rng):
    """i8 activations times packed ternary weights plus an i32 bias: an exact
    integer path (i32 accumulation)."""
    batch, k, n = 4, 300, 12
    t = rng.integers(-1, 2, size=(k, n)).astype(np.int8)
    bias = rng.integers(-1000, 1000, size=n).astype(np.int32)
    x = rng.integers(-128, 128, size=(batch, k)).astype(np.int8)
    x[0, :] = 127
    x[1, :] = -128
    packed = pack_offset2_along_k(t)
    mlir = f"""
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
ternary.layer @Quantized {{
  ternary.param @w : !ternary.packed<{k}x{n}> = dense<{mlir_bytes(packed)}> : tensor<{packed.size}xui8>
  ternary.param @b : tensor<{n}xi32> = dense<{mlir_ints(bias)}> : tensor<{n}xi32>
  func.func @forward(%x: tensor<?x{k}xi8>) -> tensor<?x{n}xi32> {{
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %x, %c0 : tensor<?x{k}xi8>
    %w = ternary.get_param @w : !ternary.packed<{k}x{n}>
    %y = ternary.matmul %x, %w : tensor<?x{k}xi8>, !ternary.packed<{k}x{n}> -> tensor<?x{n}xi32>
    %b = ternary.get_param @b : tensor<{n}xi32>
    %e = tensor.empty(%dim) : tensor<?x{n}xi32>
    %z = linalg.generic {{indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]}} ins(%y, %b : tensor<?x{n}xi32>, tensor<{n}xi32>) outs(%e : tensor<?x{n}xi32>) {{
    ^bb0(%in: i32, %in_0: i32, %out: i32):
      %s = arith.addi %in, %in_0 : i32
      linalg.yield %s : i32
    }} -> tensor<?x{n}xi32>
    return %z : tensor<?x{n}xi32>
  }}
}}
"""

    def reference():
        return x.astype(np.int64) @ t.astype(np.int64) + bias

    return Model("int8", mlir, "Quantized_forward", [Argument(x)], np.int32, 2,
                 reference, exact=True)


def classifier(rng):
    """The DESIGN's LinearClassifier, x @ weights + bias with
    TernaryTensor[784, 10]: 1960 bytes of packed weights (a dense_resource
    blob once repacked) and a float bias, batch 2."""
    batch, k, n = 2, 784, 10
    t = rng.integers(-1, 2, size=(k, n)).astype(np.int8)
    bias = rng.standard_normal(n).astype(np.float32)
    x = rng.random((batch, k)).astype(np.float32)
    packed = pack_offset2_along_k(t)
    mlir = MAPS + f"""
ternary.layer @LinearClassifier {{
  ternary.param @weights : !ternary.packed<{k}x{n}> = dense<{mlir_bytes(packed)}> : tensor<{packed.size}xui8>
  ternary.param @bias : tensor<{n}xf32> = dense<{mlir_floats(bias)}> : tensor<{n}xf32>
  func.func @forward(%x: tensor<?x{k}xf32>) -> tensor<?x{n}xf32> {{
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %x, %c0 : tensor<?x{k}xf32>
    %w = ternary.get_param @weights : !ternary.packed<{k}x{n}>
    %y = ternary.matmul %x, %w : tensor<?x{k}xf32>, !ternary.packed<{k}x{n}> -> tensor<?x{n}xf32>
    %b = ternary.get_param @bias : tensor<{n}xf32>{bias_add("%z", "%y", "%b", n)}
    return %z : tensor<?x{n}xf32>
  }}
}}
"""

    def reference():
        return x.astype(np.float64) @ t.astype(np.float64) + bias

    return Model("classifier", mlir, "LinearClassifier_forward",
                 [Argument(x)], np.float32, 2, reference)


MODELS = {"mlp": mlp, "runtime_params": runtime_params, "int8": int8,
          "classifier": classifier}
