#!/usr/bin/env python3
"""Prints an ONNX model as text for FileCheck, one line per item, after
onnx.checker.check_model(full_check=True):

  opset DOMAIN VERSION
  input NAME TYPE[DIMS]           (a dynamic dim is its dim_param, or ?)
  init NAME TYPE[DIMS] = VALUES   (values of at most 8 elements)
  node OUTPUT = [DOMAIN.]OP(INPUTS) ATTR=VALUE ...
  output NAME TYPE[DIMS]
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def type_text(type_proto):
    tensor = type_proto.tensor_type
    dims = [d.dim_param if d.dim_param else (str(d.dim_value) if d.HasField("dim_value") else "?")
            for d in tensor.shape.dim]
    return "%s[%s]" % (helper.tensor_dtype_to_np_dtype(tensor.elem_type).name, ",".join(dims))


def main():
    data = sys.stdin.buffer.read() if len(sys.argv) < 2 else open(sys.argv[1], "rb").read()
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model, full_check=True)
    for opset in model.opset_import:
        print("opset %s %d" % (opset.domain or "ai.onnx", opset.version))
    graph = model.graph
    print("graph %s" % graph.name)
    for value in graph.input:
        print("input %s %s" % (value.name, type_text(value.type)))
    for tensor in graph.initializer:
        array = numpy_helper.to_array(tensor)
        text = "init %s %s[%s]" % (tensor.name, array.dtype.name,
                                   ",".join(str(d) for d in array.shape))
        if array.size <= 8:
            text += " = " + " ".join(str(v) for v in np.ravel(array).tolist())
        print(text)
    for node in graph.node:
        attrs = []
        for attr in node.attribute:
            value = helper.get_attribute_value(attr)
            if isinstance(value, bytes):
                value = value.decode()
            if isinstance(value, list):
                value = "[" + ",".join(str(v) for v in value) + "]"
            attrs.append("%s=%s" % (attr.name, value))
        op = (node.domain + "." if node.domain else "") + node.op_type
        print("node %s = %s(%s)%s" % (", ".join(node.output), op, ", ".join(node.input),
                                     (" " + " ".join(attrs)) if attrs else ""))
    for value in graph.output:
        print("output %s %s" % (value.name, type_text(value.type)))


if __name__ == "__main__":
    main()
