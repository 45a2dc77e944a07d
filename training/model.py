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
    # architecture flags (docs/training.md has the A/B); the defaults are v1's architecture
    qk_norm: bool = False          # RMS-normalise queries and keys per head (learned scale)
    mlp: str = "gelu"              # "gelu" or "relu2" (squared ReLU)
    bias: bool = True              # biases in MLP linears and LayerNorms
    zero_init_out: bool = False    # attention output and MLP down projections start at zero

    @classmethod
    def from_dict(cls, d: dict) -> PGMConfig:
        return strict_init(cls, d, "model")

    def __post_init__(self):
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError("d_model / n_heads must be an even integer (RoPE rotates pairs)")
        if self.mlp not in ("gelu", "relu2"):
            raise ValueError(f"mlp must be 'gelu' or 'relu2', got {self.mlp!r}")


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


def layer_norm(cfg: PGMConfig) -> nn.LayerNorm:
    return nn.LayerNorm(cfg.d_model, bias=cfg.bias)


class RMSNorm(nn.Module):
    """x / rms(x) * scale over the last dim, written out so every ONNX opset exports it."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def group_block_masks(groups: torch.Tensor):
    """FlexAttention block masks for the training pass (same group / other group), built from
    the [B, L] group ids without materialising a dense [B, L, L] mask."""
    from torch.nn.attention.flex_attention import create_block_mask
    b, n = groups.shape

    def same(bi, h, qi, ki):
        return groups[bi, qi] == groups[bi, ki]

    def other(bi, h, qi, ki):
        return groups[bi, qi] != groups[bi, ki]

    return (create_block_mask(same, b, None, n, n, device=groups.device),
            create_block_mask(other, b, None, n, n, device=groups.device))


def attend(q, k, v, allow) -> torch.Tensor:
    """Masked attention; rows with no allowed key return zeros instead of NaN.

    q: [B, H, Nq, hd], k/v: [B, H, Nk, hd], allow: bool [B, Nq, Nk], or a FlexAttention
    BlockMask (training path with `flex_attention` on; its empty rows are zero as well).
    """
    if not isinstance(allow, torch.Tensor):
        from torch.nn.attention.flex_attention import flex_attention
        return flex_attention(q, k, v, block_mask=allow)
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
        self.o.is_output_proj = True
        self.q_norm = RMSNorm(self.hd) if cfg.qk_norm else nn.Identity()
        self.k_norm = RMSNorm(self.hd) if cfg.qk_norm else nn.Identity()

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.h, self.hd).transpose(1, 2)

    def keys_values(self, xkv, kv_pos):
        """Per-token keys (QK-norm and RoPE applied) and values [B, H, N, hd]: what a context
        cache keeps."""
        k, v = self.kv(xkv).chunk(2, dim=-1)
        ck, sk = rope_tables(kv_pos, self.hd, self.base)
        return apply_rope(self.k_norm(self.split(k)), ck, sk), self.split(v)

    def attend_to(self, xq, q_pos, k, v, allow):
        """Queries from xq over given keys/values (from keys_values)."""
        cq, sq = rope_tables(q_pos, self.hd, self.base)
        out = attend(apply_rope(self.q_norm(self.split(self.q(xq))), cq, sq), k, v, allow)
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
        self.up = nn.Linear(cfg.d_model, cfg.d_ff, bias=cfg.bias)
        self.down = nn.Linear(cfg.d_ff, cfg.d_model, bias=cfg.bias)
        self.down.is_output_proj = True
        self.relu2 = cfg.mlp == "relu2"
        self.drop = dropout(cfg.dropout)

    def forward(self, x):
        h = self.up(x)
        h = F.relu(h).square() if self.relu2 else F.gelu(h)
        return self.drop(self.down(h))


class EncoderBlock(nn.Module):
    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.ln1, self.ln2 = layer_norm(cfg), layer_norm(cfg)
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
        self.ln1, self.ln2 = layer_norm(cfg), layer_norm(cfg)
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
        self.ln = layer_norm(cfg)
        self.attn = Attention(cfg)
        self.attn.o.is_output_proj = False  # not a residual branch: it starts the decoder stream

    def forward(self, q_pos, mem, mem_pos, allow):
        x = self.ln(self.u + sinusoid(q_pos, self.d))
        return self.attn(x, q_pos, mem, mem_pos, allow)


class PartitionTransformer(nn.Module):
    def __init__(self, cfg: PGMConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.enc = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_enc))
        self.enc_ln = layer_norm(cfg)
        self.swap = GroupSwap(cfg)
        self.dec = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_dec))
        self.head_ln = layer_norm(cfg)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.flex_attention = False  # training pass only; a trainer switch, not part of the weights
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
            if self.cfg.zero_init_out and getattr(m, "is_output_proj", False):
                nn.init.zeros_(m.weight)

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
        if self.flex_attention:
            same, other = group_block_masks(groups)
        else:
            same = groups.unsqueeze(2) == groups.unsqueeze(1)
            other = ~same
        mem = self._encode(ids, pos, same)
        return self._decode(pos, mem, pos, other)

    # --- inference path: clean tokens in, queried positions out -------------------------------
    def encode(self, clean_ids, clean_pos, clean_mask):
        allow = clean_mask.unsqueeze(1).expand(-1, clean_ids.shape[1], -1)
        return self._encode(clean_ids, clean_pos, allow)

    def decode(self, memory, clean_pos, clean_mask, query_pos):
        allow = clean_mask.unsqueeze(1).expand(-1, query_pos.shape[1], -1)
        return self._decode(query_pos, memory, clean_pos, allow)

