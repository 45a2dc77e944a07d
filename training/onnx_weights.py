"""fp16 weight storage inside the ONNX graphs, and reading the weights back for training.

The graphs are exported without constant folding, so every parameter stays an initializer named
after its PyTorch parameter (`m.enc.0.attn.q.weight`). `store_fp16` turns each float initializer
into fp16 and feeds its consumers through a Cast to float: half the bytes on disk, fp32 compute
(onnxruntime folds the casts when the session loads). `read_state_dict` collects the
initializers of a folder's graphs (the step graph, or the encoder and decoder) back into a state
dict, so the shipped ONNX files are the single copy of the weights that later training sessions
start from.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PREFIX = "m."


def parameter_name(initializer: str) -> str | None:
    """The parameter name (without "m.") of a weight initializer, else None. Wrapper modules put
    their attribute in front (the cache step graph's `extend.m.enc.0...`)."""
    if initializer.startswith(PREFIX):
        return initializer[len(PREFIX):]
    head, sep, rest = initializer.partition("." + PREFIX)
    return rest if sep and head.isidentifier() else None


def store_fp16(path: Path, keep: frozenset[str] = frozenset()) -> None:
    """`keep`: parameter names (without the "m." prefix) that stay float32."""
    model = onnx.load(str(path))
    g = model.graph
    casts = []
    for init in g.initializer:
        name = parameter_name(init.name)
        if init.data_type != TensorProto.FLOAT or name is None or name in keep:
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        init.CopyFrom(numpy_helper.from_array(arr, init.name))
        f32 = init.name + "::f32"
        for node in g.node:
            for i, name in enumerate(node.input):
                if name == init.name:
                    node.input[i] = f32
        casts.append(helper.make_node("Cast", [init.name], [f32], to=TensorProto.FLOAT,
                                      name=init.name + "::cast"))
    for c in reversed(casts):
        g.node.insert(0, c)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def read_state_dict(paths: list[Path]) -> dict:
    """PyTorch state dict (fp32 numpy arrays) from the parameter initializers of the graphs: the
    step graph alone, the encoder and decoder, or all three (older folders; a parameter stored in
    two graphs must hold the same values in both)."""
    state = {}
    for p in paths:
        for init in onnx.load(str(p)).graph.initializer:
            name = parameter_name(init.name)
            if name is None:
                continue
            value = numpy_helper.to_array(init).astype(np.float32)
            if name in state and not np.array_equal(state[name], value):
                raise ValueError(f"{p.name}: parameter {name} differs from the one in another graph of the folder")
            state[name] = value
    return state
