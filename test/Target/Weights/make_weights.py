"""Writes the weights files of errors.test into a folder: one safetensors
file per case, built by hand (struct + json) so that broken files can be
written too. The good tensors are those of examples/mlp.tri:
MLP.w1 [784, 256] (TernaryTensor), MLP.b1 [256], MLP.w2 [256, 10], MLP.b2 [10].
"""
import json
import os
import struct
import sys

import numpy as np


def tensors():
    rng = np.random.default_rng(1)
    return {
        "MLP.w1": rng.standard_normal((784, 256)).astype(np.float32),
        "MLP.b1": rng.standard_normal(256).astype(np.float32),
        "MLP.w2": rng.standard_normal((256, 10)).astype(np.float32),
        "MLP.b2": rng.standard_normal(10).astype(np.float32),
    }


DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32",
          np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8"}


def encode(arrays, metadata=None):
    header, data = {}, b""
    for name, array in arrays.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def cases():
    t = tensors()
    yield "good", encode(t)
    yield "missing", encode({k: v for k, v in t.items() if k != "MLP.b2"})
    yield "extra", encode({**t, "MLP.w3": np.zeros(3, np.float32)})
    yield "shape", encode({**t, "MLP.b1": np.zeros(255, np.float32)})
    yield "dtype", encode({**t, "MLP.b1": np.zeros(256, np.int32)})
    yield "ternary-dtype", encode({**t, "MLP.w1": np.zeros((784, 256), np.int32)})
    yield "not-trits", encode({**t, "MLP.w1": np.full((784, 256), 2, np.int8)})
    packed = np.full(256 * 196, 0x55, np.uint8)
    packed[5] = 0xFF
    yield "bad-code", encode({**t, "MLP.w1": packed}, {"MLP.w1.encoding": "offset2"})
    yield "no-encoding", encode({**t, "MLP.w1": np.full(256 * 196, 0x55, np.uint8)})
    yield "packed-size", encode({**t, "MLP.w1": np.full(1000, 0x55, np.uint8)},
                                {"MLP.w1.encoding": "offset2"})
    nan = t["MLP.w1"].copy()
    nan[3, 4] = np.nan
    yield "nan", encode({**t, "MLP.w1": nan})
    good = encode(t)
    yield "truncated", good[:-100]
    lying = bytearray(good)
    lying[0:8] = struct.pack("<Q", len(good))
    yield "header-length", bytes(lying)
    yield "tiny", b"\x01\x02\x03"
    text = b'{"MLP.w1": '
    yield "bad-json", struct.pack("<Q", len(text)) + text
    header = {"MLP.b1": {"dtype": "F32", "shape": [256], "data_offsets": [0, 4096]}}
    text = json.dumps(header).encode()
    yield "offsets", struct.pack("<Q", len(text)) + text + bytes(4096)


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, data in cases():
        with open(os.path.join(folder, name + ".safetensors"), "wb") as file:
            file.write(data)


if __name__ == "__main__":
    main()
