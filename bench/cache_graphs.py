"""Encoder graphs with a context cache (approximate, dKV-Cache style) for a PGM model folder.

    .venv/bin/python -m bench.cache_graphs --model bench/.graphs/pgm        # writes into that folder
    .venv/bin/python -m bench.cache_graphs --model models/pgm-code --out /tmp/x

The exact sampler re-runs the encoder over every clean token at every step. These two graphs let
the sampler encode the context once and then only the tokens committed since:
  encoder_cache.onnx   clean_ids, clean_pos, clean_mask -> memory, keys, values
                       (keys/values: [n_enc, B, H, N, head_dim], per encoder layer, RoPE applied)
  encoder_extend.onnx  new_ids, new_pos, new_mask, past_keys, past_values, past_mask
                       -> memory [B, M, d], keys, values (of the new tokens only)
  decoder_kv.onnx      memory, clean_pos -> dec_keys, dec_values ([n_dec + 1, B, H, N, head_dim]:
                       GroupSwap and every decoder block; per token, so cached rows never change)
  decoder_query.onnx   query_pos, dec_keys, dec_values, clean_mask -> logits
New tokens attend to the cached tokens and to each other; cached tokens do NOT see the new ones
(that is the approximation; a periodic full refresh bounds it). With no new tokens the cache
graph reproduces encoder.onnx exactly (checked below). Also records them in manifest.json under
"cache_graphs" (an optional extension the server uses only when asked to).
"""
from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn

from training.checkpoint import load_weights_any
from training.model import PartitionTransformer, PGMConfig, apply_rope, attend, rope_tables, sinusoid

warnings.filterwarnings("ignore")
OPSET = 17


def layer(blk, x, pos, mask, past_k=None, past_v=None, past_mask=None):
    """One encoder block over tokens x that also attend to cached keys/values."""
    a = blk.attn
    h = blk.ln1(x)
    b, n, _ = h.shape
    q = a.split(a.q(h))
    k, v = a.kv(h).chunk(2, dim=-1)
    k, v = a.split(k), a.split(v)
    c, s = rope_tables(pos, a.hd, a.base)
    q, k = apply_rope(q, c, s), apply_rope(k, c, s)
    kk = k if past_k is None else torch.cat([past_k, k], dim=2)
    vv = v if past_v is None else torch.cat([past_v, v], dim=2)
    keymask = mask if past_mask is None else torch.cat([past_mask, mask], dim=1)
    out = attend(q, kk, vv, keymask.unsqueeze(1).expand(-1, n, -1))
    x = x + a.o(out.transpose(1, 2).reshape(b, n, a.h * a.hd))
    return x + blk.mlp(blk.ln2(x)), k, v


def mem_kv(attn, mem, mem_pos):
    """Keys/values one cross-attention layer takes from the memory: per token, RoPE at its position."""
    k, v = attn.kv(mem).chunk(2, dim=-1)
    k, v = attn.split(k), attn.split(v)
    c, s = rope_tables(mem_pos, attn.hd, attn.base)
    return apply_rope(k, c, s), v


def cross(attn, xq, q_pos, k, v, mask):
    q = attn.split(attn.q(xq))
    c, s = rope_tables(q_pos, attn.hd, attn.base)
    out = attend(apply_rope(q, c, s), k, v, mask.unsqueeze(1).expand(-1, xq.shape[1], -1))
    b, _, n, _ = out.shape
    return attn.o(out.transpose(1, 2).reshape(b, n, attn.h * attn.hd))


class DecoderKV(nn.Module):
    """memory rows -> the keys/values of GroupSwap and every decoder block (per token, so the
    rows of a frozen memory can be cached and new rows appended)."""

    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, memory, clean_pos):
        kv = [mem_kv(self.m.swap.attn, memory, clean_pos)] + [mem_kv(b.attn, memory, clean_pos) for b in self.m.dec]
        return torch.stack([k for k, _ in kv]), torch.stack([v for _, v in kv])


class DecoderQuery(nn.Module):
    """query positions + cached decoder keys/values -> logits (the decoder without re-projection)."""

    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, query_pos, dec_keys, dec_values, clean_mask):
        m = self.m
        x = m.swap.ln(m.swap.u + sinusoid(query_pos, m.swap.d))
        x = cross(m.swap.attn, x, query_pos, dec_keys[0], dec_values[0], clean_mask)
        for i, blk in enumerate(m.dec):
            x = x + cross(blk.attn, blk.ln1(x), query_pos, dec_keys[i + 1], dec_values[i + 1], clean_mask)
            x = x + blk.mlp(blk.ln2(x))
        return m.head(m.head_ln(x))


class CacheEncoder(nn.Module):
    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, clean_ids, clean_pos, clean_mask):
        x = self.m.embed(clean_ids)
        ks, vs = [], []
        for blk in self.m.enc:
            x, k, v = layer(blk, x, clean_pos, clean_mask)
            ks.append(k)
            vs.append(v)
        return self.m.enc_ln(x), torch.stack(ks), torch.stack(vs)


class ExtendEncoder(nn.Module):
    def __init__(self, m: PartitionTransformer):
        super().__init__()
        self.m = m

    def forward(self, new_ids, new_pos, new_mask, past_keys, past_values, past_mask):
        x = self.m.embed(new_ids)
        ks, vs = [], []
        for i, blk in enumerate(self.m.enc):
            x, k, v = layer(blk, x, new_pos, new_mask, past_keys[i], past_values[i], past_mask)
            ks.append(k)
            vs.append(v)
        return self.m.enc_ln(x), torch.stack(ks), torch.stack(vs)


OWN_PARTS = SimpleNamespace(cache=CacheEncoder, extend=ExtendEncoder, decoder_kv=DecoderKV, decoder_query=DecoderQuery)


def export(model: PartitionTransformer, out: Path, parts=None) -> float:
    """`parts`: the four graph modules (cache, extend, decoder_kv, decoder_query) of another
    architecture with the same encode/decode contract (bench/official_cache_graphs.py)."""
    parts = parts or OWN_PARTS
    cfg = model.cfg
    g = torch.Generator().manual_seed(0)
    b, n, m = 2, 24, 5
    ids = torch.randint(3, cfg.vocab_size, (b, n), generator=g)
    pos = torch.stack([torch.randperm(cfg.canvas, generator=g)[:n] for _ in range(b)])
    mask = torch.ones(b, n, dtype=torch.bool)
    mask[1, n // 2:] = False
    cache, extend = parts.cache(model).eval(), parts.extend(model).eval()
    with torch.no_grad():
        mem, k, v = cache(ids, pos, mask)
        worst = float((mem - model.encode(ids, pos, mask)).abs().max())
    nid, npos = torch.randint(3, cfg.vocab_size, (b, m), generator=g), torch.randint(0, cfg.canvas, (b, m), generator=g)
    nmask = torch.ones(b, m, dtype=torch.bool)
    kv_axes = {1: "batch", 3: "clean"}
    common = dict(opset_version=OPSET, dynamo=False, do_constant_folding=True)
    torch.onnx.export(cache, (ids, pos, mask), str(out / "encoder_cache.onnx"),
                      input_names=["clean_ids", "clean_pos", "clean_mask"], output_names=["memory", "keys", "values"],
                      dynamic_axes={"clean_ids": {0: "batch", 1: "clean"}, "clean_pos": {0: "batch", 1: "clean"},
                                    "clean_mask": {0: "batch", 1: "clean"}, "memory": {0: "batch", 1: "clean"},
                                    "keys": kv_axes, "values": kv_axes}, **common)
    new_axes = {1: "batch", 3: "new"}
    torch.onnx.export(extend, (nid, npos, nmask, k, v, mask), str(out / "encoder_extend.onnx"),
                      input_names=["new_ids", "new_pos", "new_mask", "past_keys", "past_values", "past_mask"],
                      output_names=["memory", "keys", "values"],
                      dynamic_axes={"new_ids": {0: "batch", 1: "new"}, "new_pos": {0: "batch", 1: "new"},
                                    "new_mask": {0: "batch", 1: "new"}, "past_keys": kv_axes, "past_values": kv_axes,
                                    "past_mask": {0: "batch", 1: "clean"}, "memory": {0: "batch", 1: "new"},
                                    "keys": new_axes, "values": new_axes}, **common)
    export_decoder_split(model, out, mem, pos, mask, parts)
    return worst


def export_decoder_split(model: PartitionTransformer, out: Path, mem, pos, mask, parts) -> None:
    """decoder_kv.onnx + decoder_query.onnx, checked against the exact decoder."""
    g = torch.Generator().manual_seed(1)
    qpos = torch.randint(0, model.cfg.canvas, (mem.shape[0], 4), generator=g)
    kvg, qg = parts.decoder_kv(model).eval(), parts.decoder_query(model).eval()
    with torch.no_grad():
        k, v = kvg(mem, pos)
        diff = float((qg(qpos, k, v, mask) - model.decode(mem, pos, mask, qpos)).abs().max())
    if diff > 1e-4:
        raise RuntimeError(f"decoder split differs from the decoder by {diff:.1e}")
    common = dict(opset_version=OPSET, dynamo=False, do_constant_folding=True)
    kv_axes = {1: "batch", 3: "clean"}
    torch.onnx.export(kvg, (mem, pos), str(out / "decoder_kv.onnx"), input_names=["memory", "clean_pos"],
                      output_names=["dec_keys", "dec_values"],
                      dynamic_axes={"memory": {0: "batch", 1: "clean"}, "clean_pos": {0: "batch", 1: "clean"},
                                    "dec_keys": kv_axes, "dec_values": kv_axes}, **common)
    torch.onnx.export(qg, (qpos, k, v, mask), str(out / "decoder_query.onnx"),
                      input_names=["query_pos", "dec_keys", "dec_values", "clean_mask"], output_names=["logits"],
                      dynamic_axes={"query_pos": {0: "batch", 1: "query"}, "dec_keys": kv_axes, "dec_values": kv_axes,
                                    "clean_mask": {0: "batch", 1: "clean"}, "logits": {0: "batch", 1: "query"}}, **common)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="model folder (weights read from its ONNX graphs)")
    ap.add_argument("--out", type=Path, help="default: the model folder itself")
    a = ap.parse_args()
    out = a.out or a.model
    out.mkdir(parents=True, exist_ok=True)
    weights, model_cfg, _ = load_weights_any(a.model)
    model = PartitionTransformer(PGMConfig.from_dict(model_cfg))
    model.load_state_dict(weights)
    model = model.eval().float()
    worst = export(model, out)
    mpath = out / "manifest.json"
    if mpath.exists():
        man = json.loads(mpath.read_text())
        man["cache_graphs"] = {"cache": "encoder_cache.onnx", "extend": "encoder_extend.onnx",
                               "decoder_kv": "decoder_kv.onnx", "decoder_query": "decoder_query.onnx"}
        mpath.write_text(json.dumps(man, indent=2) + "\n")
    print(f"wrote {out}/encoder_cache.onnx, encoder_extend.onnx (cache vs encoder max diff {worst:.1e})")


if __name__ == "__main__":
    main()
