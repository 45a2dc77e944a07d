"""The context-cache graph of a model folder (approximate, dKV-Cache style; docs/server.md#context-cache).

Exact PGM sampling re-runs the encoder over every clean token at every step. `cache_step.onnx`
lets the server encode the context once and afterwards only the tokens committed since, in one
network call per step (encoder over the new tokens, decoder keys/values of the new rows, decoder
over the queried positions):

  inputs   new_ids, new_pos, new_mask [B, m]          tokens added to the clean set this step
           past_keys, past_values [n_enc, B, H, P, hd]  encoder keys/values of the cached tokens
           past_dec_keys, past_dec_values [n_dec + 1, B, H, P, hd]
                                                      GroupSwap + decoder-block keys/values of them
           past_mask [B, P], query_pos [B, q]
  outputs  logits [B, q, V], keys, values, dec_keys, dec_values (P + m rows), mask [B, P + m]

New tokens attend to the cached tokens and to each other; cached tokens do not see the new ones
(the approximation; the server's refresh setting bounds it). With P = 0 (a full encode) the step
is exact: it reproduces the encoder + decoder, which `export_cache_step` checks, so it is the one
graph a model folder needs (training/export.py writes step-only folders). Weights are stored in
fp16. The manifest lists it as "graphs": {"step": {...}} (STEP_GRAPH).

    python -m training.cache_export --model DIR   # adds the graph to an encoder+decoder folder
"""
from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from training.model import PartitionTransformer, PGMConfig, sinusoid
from training.onnx_weights import store_fp16
from training.trace_inputs import example_inputs

OPSET = 17
FILE = "cache_step.onnx"
INPUTS = ["new_ids", "new_pos", "new_mask", "past_keys", "past_values", "past_dec_keys", "past_dec_values",
          "past_mask", "query_pos"]
OUTPUTS = ["logits", "keys", "values", "dec_keys", "dec_values", "mask"]
STEP_GRAPH = {"step": {"file": FILE, "inputs": INPUTS, "outputs": OUTPUTS}}


def allow(mask_keys, n_queries):
    return mask_keys.unsqueeze(1).expand(-1, n_queries, -1)


class Extend(nn.Module):
    """Encoder over new tokens that also attend to cached keys/values -> memory, keys, values
    (of the new tokens only)."""

    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, new_ids, new_pos, new_mask, past_keys, past_values, past_mask):
        keymask = torch.cat([past_mask, new_mask], dim=1)
        x = self.m.embed(new_ids)
        ks, vs = [], []
        for i, blk in enumerate(self.m.enc):
            h = blk.ln1(x)
            k, v = blk.attn.keys_values(h, new_pos)
            kk, vv = torch.cat([past_keys[i], k], dim=2), torch.cat([past_values[i], v], dim=2)
            x = x + blk.attn.attend_to(h, new_pos, kk, vv, allow(keymask, new_ids.shape[1]))
            x = x + blk.mlp(blk.ln2(x))
            ks.append(k)
            vs.append(v)
        return self.m.enc_ln(x), torch.stack(ks), torch.stack(vs)


class DecoderKV(nn.Module):
    """Memory rows -> GroupSwap's and every decoder block's keys/values (per token)."""

    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, memory, clean_pos):
        kv = [self.m.swap.attn.keys_values(memory, clean_pos)] + [b.attn.keys_values(memory, clean_pos) for b in self.m.dec]
        return torch.stack([k for k, _ in kv]), torch.stack([v for _, v in kv])


class DecoderQuery(nn.Module):
    """Query positions + decoder keys/values -> logits (the decoder without re-projection)."""

    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, query_pos, dec_keys, dec_values, clean_mask):
        m = self.m
        a = allow(clean_mask, query_pos.shape[1])
        x = m.swap.ln(m.swap.u + sinusoid(query_pos, m.swap.d))
        x = m.swap.attn.attend_to(x, query_pos, dec_keys[0], dec_values[0], a)
        for i, blk in enumerate(m.dec):
            x = x + blk.attn.attend_to(blk.ln1(x), query_pos, dec_keys[i + 1], dec_values[i + 1], a)
            x = x + blk.mlp(blk.ln2(x))
        return m.head(m.head_ln(x))


# the three parts of the step for this architecture; another architecture with the same
# encode/decode contract passes its own (bench/official_cache_graphs.py)
OWN_PARTS = (Extend, DecoderKV, DecoderQuery)


class CacheStep(nn.Module):
    def __init__(self, m, parts=OWN_PARTS):
        super().__init__()
        self.extend, self.kv, self.query = (p(m) for p in parts)

    def forward(self, new_ids, new_pos, new_mask, past_keys, past_values, past_dec_keys, past_dec_values,
                past_mask, query_pos):
        mem, k, v = self.extend(new_ids, new_pos, new_mask, past_keys, past_values, past_mask)
        dk, dv = self.kv(mem, new_pos)
        keymask = torch.cat([past_mask, new_mask], dim=1)
        dk, dv = torch.cat([past_dec_keys, dk], dim=3), torch.cat([past_dec_values, dv], dim=3)
        logits = self.query(query_pos, dk, dv, keymask)
        return logits, torch.cat([past_keys, k], dim=3), torch.cat([past_values, v], dim=3), dk, dv, keymask


def empty_past(cfg, b: int):
    hd = cfg.d_model // cfg.n_heads
    z = lambda layers: torch.zeros(layers, b, cfg.n_heads, 0, hd)  # noqa: E731
    return z(cfg.n_enc), z(cfg.n_enc), z(cfg.n_dec + 1), z(cfg.n_dec + 1), torch.zeros(b, 0, dtype=torch.bool)


def export_cache_step(model, out: Path, tol: float = 1e-4, parts=OWN_PARTS, fp16: bool = True) -> float:
    """Writes out/cache_step.onnx; checks a full step against the exact model and a cached step
    (onnxruntime) against PyTorch. Returns the worst absolute logit difference. fp16: store the
    weights in fp16 as export.py does (the model must hold fp16-representable weights)."""
    step = CacheStep(model, parts).eval()
    cfg = model.cfg
    ids, pos, mask, qpos = example_inputs(cfg, 2, 24, 5, seed=0)
    with torch.no_grad():
        full = step(ids, pos, mask, *empty_past(cfg, 2), qpos)
        exact = model.decode(model.encode(ids, pos, mask), pos, mask, qpos)
    worst = float((full[0] - exact).abs().max())
    if worst > tol:
        raise RuntimeError(f"cache step with no past differs from the model by {worst:.1e}")
    nid, npos, nmask, _ = example_inputs(cfg, 2, 3, 1, seed=1)
    past = (full[1], full[2], full[3], full[4], full[5])
    warnings.filterwarnings("ignore")
    kv = {1: "batch", 3: "past"}
    dyn = {"new_ids": {0: "batch", 1: "new"}, "new_pos": {0: "batch", 1: "new"}, "new_mask": {0: "batch", 1: "new"},
           "past_keys": kv, "past_values": kv, "past_dec_keys": kv, "past_dec_values": kv,
           "past_mask": {0: "batch", 1: "past"}, "query_pos": {0: "batch", 1: "query"},
           "logits": {0: "batch", 1: "query"}, "keys": {1: "batch", 3: "all"}, "values": {1: "batch", 3: "all"},
           "dec_keys": {1: "batch", 3: "all"}, "dec_values": {1: "batch", 3: "all"}, "mask": {0: "batch", 1: "all"}}
    # as export.py: no constant folding + training mode keep every parameter a named initializer
    keep = dict(do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING) if fp16 else dict(do_constant_folding=True)
    torch.onnx.export(step, (nid, npos, nmask, *past, qpos), str(out / FILE), input_names=INPUTS, output_names=OUTPUTS,
                      dynamic_axes=dyn, opset_version=OPSET, dynamo=False, **keep)
    if fp16:
        store_fp16(out / FILE)
    with torch.no_grad():
        ref = step(nid, npos, nmask, *past, qpos)[0].numpy()
    import onnxruntime as ort
    sess = ort.InferenceSession(str(out / FILE), providers=["CPUExecutionProvider"])
    feeds = dict(zip(INPUTS, [t.numpy() for t in (nid, npos, nmask, *past, qpos)]))
    got = sess.run(["logits"], feeds)[0]
    worst = max(worst, float(np.abs(got - ref).max()))
    z = dict(zip(INPUTS, [t.numpy() for t in (ids, pos, mask, *empty_past(cfg, 2), qpos)]))
    worst = max(worst, float(np.abs(sess.run(["logits"], z)[0] - exact.numpy()).max()))
    if worst > tol:
        raise RuntimeError(f"{FILE}: onnxruntime differs from PyTorch by {worst:.1e} > {tol:.0e}")
    return worst


def run_step(sess, ids, pos, mask, qpos) -> np.ndarray:
    """Logits of the step graph (an onnxruntime session) with an empty cache: exact sampling."""
    shapes = {i.name: i.shape for i in sess.get_inputs()}
    n_enc, b, h, _, hd = shapes["past_keys"]
    n_dec1 = shapes["past_dec_keys"][0]
    if not all(isinstance(x, int) for x in (n_enc, n_dec1, h, hd)):
        raise ValueError(f"{FILE}: the cache tensors' layer/head axes must be fixed, got {shapes['past_keys']}")
    b = ids.shape[0]
    z = lambda layers: np.zeros((layers, b, h, 0, hd), np.float32)  # noqa: E731
    feeds = {"new_ids": ids, "new_pos": pos, "new_mask": mask, "past_keys": z(n_enc), "past_values": z(n_enc),
             "past_dec_keys": z(n_dec1), "past_dec_values": z(n_dec1), "past_mask": np.zeros((b, 0), bool),
             "query_pos": qpos}
    return sess.run(["logits"], feeds)[0]


def add_to_manifest(out: Path) -> None:
    """Lists the step graph in the folder's manifest (graphs.step), next to its encoder and decoder."""
    path = out / "manifest.json"
    man = json.loads(path.read_text())
    man.pop("cache_graphs", None)
    man["graphs"] = {**man["graphs"], **STEP_GRAPH}
    path.write_text(json.dumps(man, indent=2) + "\n")


def main(argv=None):
    from training.checkpoint import load_weights_any
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="model folder (weights read from its ONNX graphs)")
    a = ap.parse_args(argv)
    weights, model_cfg, _ = load_weights_any(a.model)
    model = PartitionTransformer(PGMConfig.from_dict(model_cfg))
    model.load_state_dict(weights)
    worst = export_cache_step(model.eval().float(), a.model)
    add_to_manifest(a.model)
    print(f"wrote {a.model / FILE} (max logit difference {worst:.1e})")


if __name__ == "__main__":
    main()
