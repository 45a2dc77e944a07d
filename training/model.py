"""The Partition Transformer (PGM backbone), as a plain nn.Module.

Training: one pass over a full canvas split into two groups; every position is predicted from the
*other* group only (encoder attention stays inside a group, GroupSwap and the decoder cross over).
Inference: `encode` runs over the clean tokens only, `decode` queries any set of positions.
Queries never attend to each other, so both paths give the same logits (tested).

No trainer or data imports here: this file is what gets exported to ONNX.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from training.strict import strict_init


@dataclass
class PGMConfig:
    vocab_size: int = 4096
    canvas: int = 256
    d_model: int = 256
    n_heads: int = 4
    n_enc: int = 4
    n_dec: int = 4
    d_ff: int = 1024
    dropout: float = 0.0
    rope_base: float = 10000.0

    @classmethod
    def from_dict(cls, d: dict) -> "PGMConfig":
        return strict_init(cls, d, "model")

    def __post_init__(self):
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError("d_model / n_heads must be an even integer (RoPE rotates pairs)")


def rope_tables(pos: torch.Tensor, head_dim: int, base: float):
    """cos/sin of shape [B, 1, N, head_dim] for absolute positions pos [B, N]."""
    inv = base ** (-torch.arange(0, head_dim, 2, device=pos.device, dtype=torch.float32) / head_dim)
    ang = pos.to(torch.float32).unsqueeze(-1) * inv  # [B, N, hd/2]
    ang = torch.cat([ang, ang], dim=-1).unsqueeze(1)
    return ang.cos(), ang.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos.to(x.dtype) + rot * sin.to(x.dtype)


def sinusoid(pos: torch.Tensor, dim: int) -> torch.Tensor:
    """Fixed sinusoidal features [B, N, dim] of absolute positions (GroupSwap queries)."""
    inv = 10000.0 ** (-torch.arange(0, dim, 2, device=pos.device, dtype=torch.float32) / dim)
    ang = pos.to(torch.float32).unsqueeze(-1) * inv
    return torch.cat([ang.sin(), ang.cos()], dim=-1)


def attend(q, k, v, allow: torch.Tensor) -> torch.Tensor:
    """Masked attention; rows with no allowed key return zeros instead of NaN.

    q: [B, H, Nq, hd], k/v: [B, H, Nk, hd], allow: bool [B, Nq, Nk].
    """
    has_key = allow.any(dim=-1, keepdim=True)  # [B, Nq, 1]
    allow = allow | ~has_key
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=allow.unsqueeze(1))
    return out * has_key.unsqueeze(1).to(out.dtype)


class Attention(nn.Module):
    """Multi-head attention with RoPE on absolute canvas positions (self or cross)."""

    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.h = cfg.n_heads
        self.hd = cfg.d_model // cfg.n_heads
        self.base = cfg.rope_base
        self.q = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        self.kv = nn.Linear(cfg.d_model, 2 * cfg.d_model, bias=False)
        self.o = nn.Linear(cfg.d_model, cfg.d_model, bias=False)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.h, self.hd).transpose(1, 2)

    def keys_values(self, xkv, kv_pos):
        """Per-token keys (RoPE applied) and values [B, H, N, hd]: what a context cache keeps."""
        k, v = self.kv(xkv).chunk(2, dim=-1)
        ck, sk = rope_tables(kv_pos, self.hd, self.base)
        return apply_rope(self.split(k), ck, sk), self.split(v)

    def attend_to(self, xq, q_pos, k, v, allow):
        """Queries from xq over given keys/values (from keys_values)."""
        cq, sq = rope_tables(q_pos, self.hd, self.base)
        out = attend(apply_rope(self.split(self.q(xq)), cq, sq), k, v, allow)
        b, _, n, _ = out.shape
        return self.o(out.transpose(1, 2).reshape(b, n, self.h * self.hd))

    def forward(self, xq, q_pos, xkv, kv_pos, allow):
        return self.attend_to(xq, q_pos, *self.keys_values(xkv, kv_pos), allow)


def dropout(p: float) -> nn.Module:
    # Identity when unused, so graphs exported in training mode carry no Dropout nodes.
    return nn.Dropout(p) if p > 0 else nn.Identity()


class MLP(nn.Module):
    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.up = nn.Linear(cfg.d_model, cfg.d_ff)
        self.down = nn.Linear(cfg.d_ff, cfg.d_model)
        self.drop = dropout(cfg.dropout)

    def forward(self, x):
        return self.drop(self.down(F.gelu(self.up(x))))


class EncoderBlock(nn.Module):
    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn, self.mlp = Attention(cfg), MLP(cfg)
        self.drop = dropout(cfg.dropout)

    def forward(self, x, pos, allow):
        h = self.ln1(x)
        x = x + self.drop(self.attn(h, pos, h, pos, allow))
        return x + self.mlp(self.ln2(x))


class DecoderBlock(nn.Module):
    """Cross-attention only (no self-attention between queries) + MLP."""

    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn, self.mlp = Attention(cfg), MLP(cfg)
        self.drop = dropout(cfg.dropout)

    def forward(self, x, q_pos, mem, mem_pos, allow):
        x = x + self.drop(self.attn(self.ln1(x), q_pos, mem, mem_pos, allow))
        return x + self.mlp(self.ln2(x))


class GroupSwap(nn.Module):
    """Data-independent queries LN(u + sinusoid(pos)) cross-attending to the other group."""

    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.d = cfg.d_model
        self.u = nn.Parameter(torch.zeros(cfg.d_model))
        self.ln = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg)

    def forward(self, q_pos, mem, mem_pos, allow):
        x = self.ln(self.u + sinusoid(q_pos, self.d))
        return self.attn(x, q_pos, mem, mem_pos, allow)


class PartitionTransformer(nn.Module):
    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.enc = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_enc))
        self.enc_ln = nn.LayerNorm(cfg.d_model)
        self.swap = GroupSwap(cfg)
        self.dec = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_dec))
        self.head_ln = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # --- shared pieces -----------------------------------------------------------------------
    def _encode(self, ids, pos, allow):
        x = self.embed(ids)
        for blk in self.enc:
            x = blk(x, pos, allow)
        return self.enc_ln(x)

    def _decode(self, q_pos, mem, mem_pos, allow):
        x = self.swap(q_pos, mem, mem_pos, allow)
        for blk in self.dec:
            x = blk(x, q_pos, mem, mem_pos, allow)
        return self.head(self.head_ln(x))

    # --- training path: full canvas, two groups ------------------------------------------------
    def forward(self, ids: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
        """ids, groups: [B, L] (groups in {0, 1}). Returns logits [B, L, V], each position
        predicted from the other group only."""
        b, n = ids.shape
        pos = torch.arange(n, device=ids.device).expand(b, n)
        same = groups.unsqueeze(2) == groups.unsqueeze(1)
        mem = self._encode(ids, pos, same)
        return self._decode(pos, mem, pos, ~same)

    # --- inference path: clean tokens in, queried positions out -------------------------------
    def encode(self, clean_ids, clean_pos, clean_mask):
        allow = clean_mask.unsqueeze(1).expand(-1, clean_ids.shape[1], -1)
        return self._encode(clean_ids, clean_pos, allow)

    def decode(self, memory, clean_pos, clean_mask, query_pos):
        allow = clean_mask.unsqueeze(1).expand(-1, query_pos.shape[1], -1)
        return self._decode(query_pos, memory, clean_pos, allow)

