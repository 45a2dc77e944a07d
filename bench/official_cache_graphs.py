"""The context-cache step graph (see training/cache_export.py) for a model converted from the
paper's checkpoints (training/import_official.py): same inputs/outputs, built from the three
parts of the step (extend encoder, decoder keys/values, decoder queries) over our
re-implementation of their network (training/official_model.py). Weights stay fp32 like the
converted graphs.

    .venv/bin/python -m bench.official_cache_graphs --model models/pgm-owt     # writes into that folder

Only the `learn+freqs` / `learn` GroupSwap query modes can be split: the `+mean`/`+logsumexp`
modes pool the whole memory into every query, which cached rows cannot provide.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from training.cache_export import add_to_manifest, export_cache_step
from training.official_model import OfficialConfig, OfficialPGM, rope, swap_sinusoid
from training.onnx_weights import read_state_dict


def heads(x: torch.Tensor, h: int) -> torch.Tensor:
    """[B, N, d] -> [B, N, H, hd]."""
    b, n, d = x.shape
    return x.view(b, n, h, d // h)


def attend(q, k, v, key_mask) -> torch.Tensor:
    """q [B, Nq, H, hd] (RoPE applied); k, v [B, H, Nk, hd] (cache layout); -> [B, Nq, d]."""
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k, v, attn_mask=key_mask[:, None, None, :])
    b, h, n, hd = out.shape
    return out.transpose(1, 2).reshape(b, n, h * hd)


def enc_layer(blk, x, pos, mask, past_k=None, past_v=None, past_mask=None):
    q, k, v = blk.qkv(blk.ln1(x)).view(*x.shape[:2], 3, blk.h, -1).unbind(2)
    q, k, v = rope(q, pos), rope(k, pos).transpose(1, 2), v.transpose(1, 2)
    kk = k if past_k is None else torch.cat([past_k, k], dim=2)
    vv = v if past_v is None else torch.cat([past_v, v], dim=2)
    keymask = mask if past_mask is None else torch.cat([past_mask, mask], dim=1)
    x = x + blk.gate_attn * blk.out(attend(q, kk, vv, keymask))
    return x + blk.gate_mlp * blk.mlp(blk.ln2(x)), k, v


class ExtendEncoder(nn.Module):
    def __init__(self, m: OfficialPGM):
        super().__init__()
        self.m = m

    def forward(self, new_ids, new_pos, new_mask, past_keys, past_values, past_mask):
        x, ks, vs = self.m.embed[new_ids], [], []
        for i, blk in enumerate(self.m.enc):
            x, k, v = enc_layer(blk, x, new_pos, new_mask, past_keys[i], past_values[i], past_mask)
            ks.append(k)
            vs.append(v)
        return x, torch.stack(ks), torch.stack(vs)


class DecoderKV(nn.Module):
    """memory rows -> GroupSwap's and every decoder block's keys/values (per token)."""

    def __init__(self, m: OfficialPGM):
        super().__init__()
        self.m = m

    def forward(self, memory, clean_pos):
        m, h = self.m, self.m.cfg.n_heads
        pairs = [m.swap.kv(memory)] + [blk.kv(blk.kv_norm(memory)) for blk in m.dec]
        ks = [rope(heads(kv[..., : m.cfg.d_model], h), clean_pos).transpose(1, 2) for kv in pairs]
        vs = [heads(kv[..., m.cfg.d_model:], h).transpose(1, 2) for kv in pairs]
        return torch.stack(ks), torch.stack(vs)


class DecoderQuery(nn.Module):
    def __init__(self, m: OfficialPGM):
        super().__init__()
        self.m = m

    def forward(self, query_pos, dec_keys, dec_values, clean_mask):
        m, sw, h = self.m, self.m.swap, self.m.cfg.n_heads
        pre = sw.base.expand(*query_pos.shape, sw.d)
        if sw.mode == "learn+freqs":
            pre = pre + swap_sinusoid(query_pos, sw.d)
        q = rope(heads(sw.query(sw.query_norm(pre)), h), query_pos)
        x = sw.out(attend(q, dec_keys[0], dec_values[0], clean_mask))
        for i, blk in enumerate(m.dec):
            q = rope(heads(blk.q(blk.ln1(x)), h), query_pos)
            x = x + blk.gate_attn * blk.out(attend(q, dec_keys[i + 1], dec_values[i + 1], clean_mask))
            x = x + blk.gate_mlp * blk.mlp(blk.ln2(x))
        return m.head(m.head_ln(x))


PARTS = (ExtendEncoder, DecoderKV, DecoderQuery)


def load(folder: Path) -> OfficialPGM:
    man = json.loads((folder / "manifest.json").read_text())
    a, src = man["architecture"], man.get("source", {})
    if not str(src.get("architecture", "")).startswith("PartitionDIT"):
        raise SystemExit(f"{folder} was not made by training/import_official.py (use python -m training.cache_export)")
    cfg = OfficialConfig(vocab_size=a["vocab_size"], canvas=a["canvas"], d_model=a["d_model"], n_heads=a["n_heads"],
                         n_enc=a["n_enc"], n_dec=a["n_dec"], d_ff=a["d_ff"], cond_dim=src["cond_dim"],
                         query_mode=src["query_mode"], query_mlp=src["query_mlp"])
    if cfg.query_mode not in ("learn", "learn+freqs"):
        raise SystemExit(f"GroupSwap query mode {cfg.query_mode} pools the whole memory: no per-token cache")
    model = OfficialPGM(cfg)
    sd = read_state_dict([folder / "encoder.onnx", folder / "decoder.onnx"])
    model.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    a = ap.parse_args()
    worst = export_cache_step(load(a.model), a.model, parts=PARTS, fp16=False)
    add_to_manifest(a.model)
    print(f"wrote the cache step graph into {a.model} (max logit difference {worst:.1e})")


if __name__ == "__main__":
    main()
