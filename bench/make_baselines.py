"""Random-weight ONNX graphs for `npm run bench` (timing only; no training involved).

    .venv/bin/python -m bench.make_baselines [--out bench/.graphs] [--config training/configs/pgm-code.json]

Writes, for the model config of the shipped model (same width, same total depth):
  pgm/       the Partition Transformer (encoder.onnx + decoder.onnx as training/export.py's export_graphs writes them)
  mdlm/      an MDLM-style network: n_enc + n_dec bidirectional self-attention blocks over the full
             canvas (ids, pos, mask, query_pos -> logits at query_pos; the head only runs at the
             queried positions, which is the strongest fair version of the baseline)
  ar/        a causal decoder-only transformer of the same width and total depth with a KV cache:
             prefill.onnx (ids -> last logits + cache) and step.onnx (one token + cache -> logits + cache)
  pgm/cache_step.onnx      the context-cache graph (training/cache_export.py)
  matmul_KxN.onnx  fp32 [M, K] x [K, N] MatMuls (a large square one and the encoder's own shapes),
               to measure this machine's matmul peak as the best of several shapes
  graphs.json  the configs and parameter counts
"""
from __future__ import annotations

import argparse
import json
import shutil
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.cache_export import STEP_GRAPH, export_cache_step
from training.export import ENC_DEC_GRAPHS, export_graphs, write_manifest
from training.model import EncoderBlock, PartitionTransformer, PGMConfig

ROOT = Path(__file__).resolve().parents[1]
OPSET = 17
warnings.filterwarnings("ignore")


class MDLM(nn.Module):
    """Full-canvas bidirectional transformer with the PGM's block type (same per-block cost)."""

    def __init__(self, cfg: PGMConfig, depth: int):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size + 1, cfg.d_model)  # + [MASK]
        self.blocks = nn.ModuleList(EncoderBlock(cfg) for _ in range(depth))
        self.ln = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    def forward(self, ids, pos, mask, query_pos):
        allow = mask.unsqueeze(1).expand(-1, ids.shape[1], -1)
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x, pos, allow)
        x = torch.gather(x, 1, query_pos.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        return self.head(self.ln(x))


class CausalBlock(nn.Module):
    def __init__(self, d: int, h: int, ff: int):
        super().__init__()
        self.h, self.hd = h, d // h
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.o = nn.Linear(d, 3 * d, bias=False), nn.Linear(d, d, bias=False)
        self.up, self.down = nn.Linear(d, ff), nn.Linear(ff, d)

    def forward(self, x, past_k, past_v):
        b, n, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, n, 3, self.h, self.hd).permute(2, 0, 3, 1, 4)
        k = torch.cat([past_k, k], dim=2) if past_k is not None else k
        v = torch.cat([past_v, v], dim=2) if past_v is not None else v
        att = F.scaled_dot_product_attention(q, k, v, is_causal=past_k is None)
        x = x + self.o(att.transpose(1, 2).reshape(b, n, d))
        return x + self.down(F.gelu(self.up(self.ln2(x)))), k, v


class AR(nn.Module):
    def __init__(self, cfg: PGMConfig, depth: int):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos = nn.Embedding(cfg.canvas, cfg.d_model)
        self.blocks = nn.ModuleList(CausalBlock(cfg.d_model, cfg.n_heads, cfg.d_ff) for _ in range(depth))
        self.ln = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    def run(self, ids, pos, past_k=None, past_v=None):
        x = self.embed(ids) + self.pos(pos)
        ks, vs = [], []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, None if past_k is None else past_k[i], None if past_v is None else past_v[i])
            ks.append(k)
            vs.append(v)
        return self.head(self.ln(x[:, -1])), torch.stack(ks), torch.stack(vs)


class Prefill(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, ids, pos):
        return self.m.run(ids, pos)


class Step(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, ids, pos, past_k, past_v):
        return self.m.run(ids, pos, past_k, past_v)


def export_mdlm(cfg: PGMConfig, out: Path) -> int:
    m = MDLM(cfg, cfg.n_enc + cfg.n_dec).eval()
    b, n, q = 2, 32, 5
    ids = torch.randint(0, cfg.vocab_size, (b, n))
    pos = torch.arange(n).expand(b, n)
    mask = torch.ones(b, n, dtype=torch.bool)
    qpos = torch.randint(0, n, (b, q))
    torch.onnx.export(m, (ids, pos, mask, qpos), str(out / "mdlm.onnx"), opset_version=OPSET, dynamo=False,
                      input_names=["ids", "pos", "mask", "query_pos"], output_names=["logits"],
                      dynamic_axes={"ids": {0: "b", 1: "n"}, "pos": {0: "b", 1: "n"}, "mask": {0: "b", 1: "n"},
                                    "query_pos": {0: "b", 1: "q"}, "logits": {0: "b", 1: "q"}})
    return sum(p.numel() for p in m.parameters())


def export_ar(cfg: PGMConfig, out: Path) -> int:
    m = AR(cfg, cfg.n_enc + cfg.n_dec).eval()
    b, t = 2, 9
    ids = torch.randint(0, cfg.vocab_size, (b, t))
    pos = torch.arange(t).expand(b, t)
    cache_axes = {1: "b", 3: "t"}
    torch.onnx.export(Prefill(m), (ids, pos), str(out / "prefill.onnx"), opset_version=OPSET, dynamo=False,
                      input_names=["ids", "pos"], output_names=["logits", "present_k", "present_v"],
                      dynamic_axes={"ids": {0: "b", 1: "t"}, "pos": {0: "b", 1: "t"}, "logits": {0: "b"},
                                    "present_k": cache_axes, "present_v": cache_axes})
    with torch.no_grad():
        _, k, v = m.run(ids, pos)
    step_ids, step_pos = ids[:, :1], torch.full((b, 1), t)
    torch.onnx.export(Step(m), (step_ids, step_pos, k, v), str(out / "step.onnx"), opset_version=OPSET, dynamo=False,
                      input_names=["ids", "pos", "past_k", "past_v"], output_names=["logits", "present_k", "present_v"],
                      dynamic_axes={"ids": {0: "b"}, "pos": {0: "b"}, "past_k": cache_axes, "past_v": cache_axes,
                                    "logits": {0: "b"}, "present_k": cache_axes, "present_v": cache_axes})
    return sum(p.numel() for p in m.parameters())


class MatMul(nn.Module):
    def __init__(self, k: int = 1024, n: int = 1024):
        super().__init__()
        self.w = nn.Parameter(torch.randn(k, n) / k ** 0.5)

    def forward(self, x):
        return x @ self.w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / ".graphs")
    ap.add_argument("--config", type=Path, default=ROOT / "training" / "configs" / "pgm-code.json")
    a = ap.parse_args()
    torch.manual_seed(0)
    cfg = PGMConfig.from_dict(json.loads(a.config.read_text())["model"])
    for sub in ("pgm", "mdlm", "ar"):
        (a.out / sub).mkdir(parents=True, exist_ok=True)
    pgm = PartitionTransformer(cfg).eval().half().float()  # the graphs store fp16 weights
    export_graphs(pgm, a.out / "pgm")
    export_cache_step(pgm, a.out / "pgm")  # the approximate context cache (training/cache_export.py)
    # a loadable model folder: the server and the CLI can run the benchmark model as is
    shutil.copyfile(ROOT / "models" / "tiny" / "tokenizer.json", a.out / "pgm" / "tokenizer.json")
    # all three graphs: the regimes time the encoder pass alone (loadModel exact: 'encoder-decoder')
    write_manifest(a.out / "pgm", cfg, "bench-random", "Random weights at the shipped config, for benchmarks only.",
                   {"parameters": pgm.num_params()}, graphs={**ENC_DEC_GRAPHS, **STEP_GRAPH})
    info = {"config": cfg.__dict__, "pgm_params": pgm.num_params(),
            "mdlm_params": export_mdlm(cfg, a.out / "mdlm"), "ar_params": export_ar(cfg, a.out / "ar")}
    d, f = cfg.d_model, cfg.d_ff
    info["matmuls"] = [[1024, 1024], [d, d], [d, 2 * d], [d, f], [f, d]]
    for k, n in info["matmuls"]:
        torch.onnx.export(MatMul(k, n), (torch.randn(64, k),), str(a.out / f"matmul_{k}x{n}.onnx"), opset_version=OPSET,
                          dynamo=False, input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "m"}, "y": {0: "m"}})
    (a.out / "graphs.json").write_text(json.dumps(info, indent=2))
    print(json.dumps(info))


if __name__ == "__main__":
    main()
