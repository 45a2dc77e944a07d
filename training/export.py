"""Export a trained PGM to the model folder the server loads (see docs/model-contract.md).

    python -m training.export --ckpt runs/x/ckpt.pt --tokenizer data/tokenizer.json --out models/pgm-code
    python -m training.export --tiny --tokenizer data/tokenizer.json --out models/tiny   # random weights

Writes a step-only folder: cache_step.onnx (the step graph, training/cache_export.py: exact with
an empty cache, the context cache with one; it holds every weight once, in fp16), tokenizer.json,
manifest.json and fixture.json (inputs plus PyTorch reference logits, replayed through the step
graph by the TypeScript parity test), and checks onnxruntime against PyTorch before it finishes.
The split encoder.onnx + decoder.onnx graphs (`export_graphs`) are the same network in two calls;
training/import_official.py and the benchmarks still write them.
"""
from __future__ import annotations

import argparse
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import torch

from training.cache_export import STEP_GRAPH, export_cache_step, run_step
from training.checkpoint import load_weights_any
from training.model import PartitionTransformer, PGMConfig
from training.onnx_weights import store_fp16
from training.tokenizer import SPECIAL_IDS
from training.trace_inputs import example_inputs

OPSET = 17
ENC_IN, ENC_OUT = ["clean_ids", "clean_pos", "clean_mask"], ["memory"]
DEC_IN, DEC_OUT = ["memory", "clean_pos", "clean_mask", "query_pos"], ["logits"]
ENC_DEC_GRAPHS = {"encoder": {"file": "encoder.onnx", "inputs": ENC_IN, "outputs": ENC_OUT},
                  "decoder": {"file": "decoder.onnx", "inputs": DEC_IN, "outputs": DEC_OUT}}
TINY = PGMConfig(vocab_size=4096, canvas=256, d_model=32, n_heads=2, n_enc=1, n_dec=1, d_ff=64)


class EncodeGraph(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, clean_ids, clean_pos, clean_mask):
        return self.m.encode(clean_ids, clean_pos, clean_mask)


class DecodeGraph(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, memory, clean_pos, clean_mask, query_pos):
        return self.m.decode(memory, clean_pos, clean_mask, query_pos)


def export_graphs(model: PartitionTransformer, out: Path, keep_fp32: frozenset[str] = frozenset()) -> None:
    ids, pos, mask, qpos = example_inputs(model.cfg)
    with torch.no_grad():
        mem = model.encode(ids, pos, mask)
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # legacy exporter on purpose:
    # it handles our explicit attention masks and dynamic axes; see docs/model-contract.md
    # No constant folding and training mode: every parameter stays its own initializer, named
    # after the PyTorch parameter (inference mode would merge equal-valued ones), so the graphs
    # double as the weight file (onnx_weights.read_state_dict). The model has no dropout or
    # batch-norm at export, so training mode computes the same function.
    common = dict(opset_version=OPSET, dynamo=False, do_constant_folding=False,
                  training=torch.onnx.TrainingMode.TRAINING)
    torch.onnx.export(EncodeGraph(model), (ids, pos, mask), str(out / "encoder.onnx"),
                      input_names=ENC_IN, output_names=ENC_OUT,
                      dynamic_axes={k: {0: "batch", 1: "clean"} for k in ENC_IN + ENC_OUT}, **common)
    torch.onnx.export(DecodeGraph(model), (mem, pos, mask, qpos), str(out / "decoder.onnx"),
                      input_names=DEC_IN, output_names=DEC_OUT,
                      dynamic_axes={"memory": {0: "batch", 1: "clean"}, "clean_pos": {0: "batch", 1: "clean"},
                                    "clean_mask": {0: "batch", 1: "clean"}, "query_pos": {0: "batch", 1: "query"},
                                    "logits": {0: "batch", 1: "query"}}, **common)
    for name in ("encoder.onnx", "decoder.onnx"):
        store_fp16(out / name, keep_fp32)


def reference_cases(model: PartitionTransformer) -> list[dict]:
    cases = []
    for seed, (b, n, q) in enumerate([(2, 17, 3), (2, 64, 2), (1, 5, 2)]):
        ids, pos, mask, qpos = example_inputs(model.cfg, b, n, q, seed=seed + 10)
        with torch.no_grad():
            logits = model.decode(model.encode(ids, pos, mask), pos, mask, qpos)
        cases.append({"clean_ids": ids.tolist(), "clean_pos": pos.tolist(),
                      "clean_mask": mask.tolist(), "query_pos": qpos.tolist(),
                      "logits": np.round(logits.numpy(), 6).tolist()})
    return cases


def check_onnx(out: Path, cases: list[dict], tol: float) -> float:
    """The reference cases through encoder.onnx + decoder.onnx; the worst absolute difference."""
    import onnxruntime as ort
    enc = ort.InferenceSession(str(out / "encoder.onnx"), providers=["CPUExecutionProvider"])
    dec = ort.InferenceSession(str(out / "decoder.onnx"), providers=["CPUExecutionProvider"])
    worst = 0.0
    for c in cases:
        feeds = {"clean_ids": np.array(c["clean_ids"], np.int64), "clean_pos": np.array(c["clean_pos"], np.int64),
                 "clean_mask": np.array(c["clean_mask"], bool)}
        (mem,) = enc.run(None, feeds)
        (logits,) = dec.run(None, {"memory": mem, "clean_pos": feeds["clean_pos"],
                                   "clean_mask": feeds["clean_mask"],
                                   "query_pos": np.array(c["query_pos"], np.int64)})
        worst = max(worst, float(np.abs(logits - np.array(c["logits"])).max()))
    if worst > tol:
        raise RuntimeError(f"onnxruntime differs from PyTorch by {worst:.2e} > {tol:.0e}")
    return worst


def check_step(out: Path, cases: list[dict], tol: float) -> float:
    """The reference cases through the step graph with an empty cache (P = 0), as the server
    samples exactly; the worst absolute difference."""
    import onnxruntime as ort
    sess = ort.InferenceSession(str(out / STEP_GRAPH["step"]["file"]), providers=["CPUExecutionProvider"])
    worst = 0.0
    for c in cases:
        logits = run_step(sess, np.array(c["clean_ids"], np.int64), np.array(c["clean_pos"], np.int64),
                          np.array(c["clean_mask"], bool), np.array(c["query_pos"], np.int64))
        worst = max(worst, float(np.abs(logits - np.array(c["logits"])).max()))
    if worst > tol:
        raise RuntimeError(f"the step graph differs from PyTorch by {worst:.2e} > {tol:.0e}")
    return worst


def write_manifest(out: Path, cfg: PGMConfig, name: str, description: str, extra: dict,
                   graphs: dict = STEP_GRAPH) -> dict:
    manifest = {
        "format": "pgm-infill-model", "format_version": 1, "name": name, "description": description,
        "architecture": {"type": "partition-transformer", "d_model": cfg.d_model, "n_heads": cfg.n_heads,
                         "n_enc": cfg.n_enc, "n_dec": cfg.n_dec, "d_ff": cfg.d_ff,
                         "vocab_size": cfg.vocab_size, "canvas": cfg.canvas,
                         "qk_norm": cfg.qk_norm, "mlp": cfg.mlp, "bias": cfg.bias},
        "tokenizer": {"type": "bpe", "file": "tokenizer.json"},
        "special_ids": dict(SPECIAL_IDS),
        "graphs": graphs, "opset": OPSET, **extra}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def export_model(model: PartitionTransformer, tokenizer: Path, out: Path, name: str,
                 description: str, extra: dict, tol: float = 1e-4) -> float:
    """A step-only model folder (one graph, every weight once); the worst logit difference."""
    # the graph stores fp16 weights: round first so the reference logits match what ships
    model = model.eval().half().float()
    out.mkdir(parents=True, exist_ok=True)
    worst = export_cache_step(model, out, tol)
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    cases = reference_cases(model)
    worst = max(worst, check_step(out, cases, tol))
    (out / "fixture.json").write_text(json.dumps({"tolerance": tol, "cases": cases}))
    write_manifest(out, model.cfg, name, description,
                   {"parameters": model.num_params(), "parity_max_abs_diff": worst, **extra})
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, help="training checkpoint (EMA weights used) or weights.pt")
    ap.add_argument("--tiny", action="store_true", help="random-weights tiny model for fast tests")
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--name", default=None)
    ap.add_argument("--extra", type=Path, help="JSON merged into the manifest (training, metrics)")
    ap.add_argument("--debug", action="store_true", help="on an expected error, show the full traceback")
    a = ap.parse_args(argv)
    extra = json.loads(a.extra.read_text()) if a.extra else {}
    if a.tiny:
        torch.manual_seed(0)
        model = PartitionTransformer(TINY)
        name, desc = a.name or "tiny-random", "Random weights, for tests only: fills are gibberish."
    elif a.ckpt:
        weights, model_cfg, prov = load_weights_any(a.ckpt)
        model = PartitionTransformer(PGMConfig.from_dict(model_cfg))
        model.load_state_dict(weights)
        name, desc = a.name or a.out.name, "PGM infilling model trained by training/train.py"
    else:
        ap.error("give --ckpt or --tiny")
    worst = export_model(model, a.tokenizer, a.out, name, desc, extra)
    print(f"exported {a.out} ({model.num_params():,} params), onnxruntime parity {worst:.1e}")


if __name__ == "__main__":
    from training.errors import run_cli
    run_cli(main, "export")
