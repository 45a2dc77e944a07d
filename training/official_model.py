"""Inference-only re-implementation of the paper's text PGM backbone (PartitionDIT).

Written from a reading of the `text_pretrain` branch of github.com/jdeschena/pgm (see
docs/official-checkpoints.md); no code is taken from it. Only what the inference forward pass
needs is here, in the shape of our own model contract (training/model.py `encode`/`decode`), so
training/export.py's export_graphs writes the encoder.onnx/decoder.onnx of the model contract for it.

What the official network computes at inference (clean tokens packed, masked positions queried):
- embedding table -> encoder blocks: pre-LayerNorm (weight only) modulated by adaLN
  `x * (1 + scale) + shift`, fused qkv attention with RoPE at the tokens' canvas positions,
  gated residuals `x + gate * f(x)`, tanh-GELU MLP. No final encoder norm.
- decoder: GroupSwap, then cross-attention blocks (queries: the decoder stream, modulated LN;
  keys/values: LayerNorm(weight only) of the encoder output), same gating, same MLP.
- GroupSwap: queries = query_processor(LayerNorm(base + sinusoid(pos))) (`learn+freqs`; `learn`
  drops the sinusoid, `+mean`/`+logsumexp` add a pooled encoder vector), keys/values = one
  linear layer of the encoder output, RoPE on both, output linear; no residual.
- final layer: modulated LayerNorm then a linear layer to the vocabulary (mask id included).
The PGM is never time conditioned (sigma = 0), so every adaLN modulation is a constant vector:
`fold_official` computes them once and folds shift/scale into LayerNorm weight and bias; the
gates stay per-block vectors. The result has no conditioning path at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

QUERY_MODES = ("learn", "learn+freqs", "learn+freqs+mean", "learn+freqs+logsumexp")


@dataclass
class OfficialConfig:
    vocab_size: int
    canvas: int
    d_model: int
    n_heads: int
    n_enc: int
    n_dec: int
    d_ff: int
    cond_dim: int
    freq_dim: int = 256
    query_mode: str = "learn+freqs"
    query_mlp: bool = False  # GroupSwap query processor: linear (False) or the 4x MLP ("mlp4")

    def __post_init__(self):
        if self.query_mode not in QUERY_MODES:
            raise ValueError(f"query_mode must be one of {QUERY_MODES}, got {self.query_mode!r}")
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError(f"d_model {self.d_model} / n_heads {self.n_heads} must be an even integer")


def rope(x: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
    """Rotary embedding, half-split convention: x [B, N, H, hd] rotated by angle pos * 10000^(-2i/hd)
    between channel i and i + hd/2 (the first half gets cos/-sin, the second sin/cos)."""
    hd = x.shape[-1]
    inv = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, device=x.device, dtype=torch.float32) / hd))
    ang = (pos.to(torch.float32).unsqueeze(-1) * inv).unsqueeze(2)  # [B, N, 1, hd/2]
    c, s = ang.cos(), ang.sin()
    a, b = x[..., : hd // 2], x[..., hd // 2:]
    return torch.cat([a * c - b * s, b * c + a * s], dim=-1)


def swap_sinusoid(pos: torch.Tensor, dim: int) -> torch.Tensor:
    """GroupSwap position features: [cos | sin] of pos / 10000^(2i/dim), shape [B, N, dim]."""
    den = 10000.0 ** (2 * torch.arange(dim // 2, device=pos.device) / dim)
    arg = pos.to(torch.float32).unsqueeze(-1) / den
    return torch.cat([arg.cos(), arg.sin()], dim=-1)


def masked_attention(q, k, v, key_mask: torch.Tensor) -> torch.Tensor:
    """q [B, Nq, H, hd], k/v [B, Nk, H, hd], key_mask bool [B, Nk] -> [B, Nq, H * hd]."""
    allow = key_mask[:, None, None, :]
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=allow)
    b, h, n, hd = out.shape
    return out.transpose(1, 2).reshape(b, n, h * hd)


class MLP(nn.Module):
    def __init__(self, d: int, d_ff: int):
        super().__init__()
        self.up, self.down = nn.Linear(d, d_ff), nn.Linear(d_ff, d)

    def forward(self, x):
        return self.down(F.gelu(self.up(x), approximate="tanh"))


class EncoderBlock(nn.Module):
    """Self-attention block; ln1/ln2 hold the folded adaLN shift/scale, gates the folded gates."""

    def __init__(self, cfg: OfficialConfig):
        super().__init__()
        d = cfg.d_model
        self.h = cfg.n_heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.out = nn.Linear(d, d, bias=False)
        self.mlp = MLP(d, cfg.d_ff)
        self.gate_attn, self.gate_mlp = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))

    def forward(self, x, pos, mask):
        b, n, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, n, 3, self.h, d // self.h).unbind(2)
        x = x + self.gate_attn * self.out(masked_attention(rope(q, pos), rope(k, pos), v, mask))
        return x + self.gate_mlp * self.mlp(self.ln2(x))


class DecoderBlock(nn.Module):
    """Cross-attention from the queries to the (normalised) encoder output."""

    def __init__(self, cfg: OfficialConfig):
        super().__init__()
        d = cfg.d_model
        self.h = cfg.n_heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.kv_norm = nn.LayerNorm(d, bias=False)
        self.q = nn.Linear(d, d, bias=False)
        self.kv = nn.Linear(d, 2 * d, bias=False)
        self.out = nn.Linear(d, d, bias=False)
        self.mlp = MLP(d, cfg.d_ff)
        self.gate_attn, self.gate_mlp = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))

    def forward(self, x, q_pos, mem, mem_pos, mask):
        b, nq, d = x.shape
        nk = mem.shape[1]
        q = self.q(self.ln1(x)).view(b, nq, self.h, d // self.h)
        k, v = self.kv(self.kv_norm(mem)).view(b, nk, 2, self.h, d // self.h).unbind(2)
        x = x + self.gate_attn * self.out(masked_attention(rope(q, q_pos), rope(k, mem_pos), v, mask))
        return x + self.gate_mlp * self.mlp(self.ln2(x))


class GroupSwap(nn.Module):
    def __init__(self, cfg: OfficialConfig):
        super().__init__()
        d = cfg.d_model
        self.h, self.d, self.mode = cfg.n_heads, d, cfg.query_mode
        self.base = nn.Parameter(torch.zeros(d))
        self.query_norm = nn.LayerNorm(d)
        self.query = (nn.Sequential(nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d)) if cfg.query_mlp
                      else nn.Linear(d, d))
        self.kv = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, d)

    def pooled(self, mem, mask):
        """The `+mean` / `+logsumexp` query term: one vector per row over the real clean tokens."""
        m = mask.unsqueeze(-1)
        if self.mode.endswith("mean"):
            return (mem * m).sum(1) / m.sum(1).clamp(min=1)
        lse = torch.logsumexp(mem.masked_fill(~m, float("-inf")), dim=1)
        return torch.where(torch.isinf(lse), torch.zeros_like(lse), lse)

    def forward(self, q_pos, mem, mem_pos, mask):
        b, nq = q_pos.shape
        nk = mem.shape[1]
        pre = self.base.expand(b, nq, self.d)
        if self.mode != "learn":
            pre = pre + swap_sinusoid(q_pos, self.d)
        if self.mode.startswith("learn+freqs+"):
            pre = pre + self.pooled(mem, mask).unsqueeze(1)
        q = self.query(self.query_norm(pre)).view(b, nq, self.h, self.d // self.h)
        k, v = self.kv(mem).view(b, nk, 2, self.h, self.d // self.h).unbind(2)
        return self.out(masked_attention(rope(q, q_pos), rope(k, mem_pos), v, mask))


class OfficialPGM(nn.Module):
    """encode/decode with the signatures of training/model.py's PartitionTransformer."""

    def __init__(self, cfg: OfficialConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Parameter(torch.zeros(cfg.vocab_size, cfg.d_model))
        self.enc = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_enc))
        self.swap = GroupSwap(cfg)
        self.dec = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_dec))
        self.head_ln = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode(self, clean_ids, clean_pos, clean_mask):
        x = self.embed[clean_ids]
        for blk in self.enc:
            x = blk(x, clean_pos, clean_mask)
        return x

    def decode(self, memory, clean_pos, clean_mask, query_pos):
        x = self.swap(query_pos, memory, clean_pos, clean_mask)
        for blk in self.dec:
            x = blk(x, query_pos, memory, clean_pos, clean_mask)
        return self.head(self.head_ln(x))


# --- from the official state dict (names without the `backbone.` prefix) -----------------------

def time_condition(sd: dict, freq_dim: int) -> torch.Tensor:
    """silu(sigma_map(0)): the constant conditioning vector of an untimed PGM, in float64."""
    half = freq_dim // 2
    t_freq = torch.cat([torch.ones(half), torch.zeros(freq_dim - half)]).double()  # cos(0) | sin(0)
    h = F.silu(F.linear(t_freq, sd["sigma_map.mlp.0.weight"].double(), sd["sigma_map.mlp.0.bias"].double()))
    return F.silu(F.linear(h, sd["sigma_map.mlp.2.weight"].double(), sd["sigma_map.mlp.2.bias"].double()))


def modulation(sd: dict, prefix: str, cond: torch.Tensor, parts: int) -> list[torch.Tensor]:
    w, b = sd[prefix + "adaLN_modulation.weight"].double(), sd[prefix + "adaLN_modulation.bias"].double()
    return list(F.linear(cond, w, b).chunk(parts))


def fold_norm(ln: nn.LayerNorm, weight: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> None:
    """LN(x) * weight * (1 + scale) + shift as one LayerNorm's weight and bias."""
    ln.weight.data.copy_(weight.double() * (1 + scale))
    ln.bias.data.copy_(shift)


def copy_mlp(mlp: MLP, sd: dict, prefix: str) -> None:
    for ours, theirs in ((mlp.up, "mlp.0"), (mlp.down, "mlp.2")):
        ours.weight.data.copy_(sd[f"{prefix}{theirs}.weight"])
        ours.bias.data.copy_(sd[f"{prefix}{theirs}.bias"])


def load_encoder_block(blk: EncoderBlock, sd: dict, p: str, cond: torch.Tensor) -> None:
    shift1, scale1, gate1, shift2, scale2, gate2 = modulation(sd, p, cond, 6)
    fold_norm(blk.ln1, sd[p + "norm1.weight"], shift1, scale1)
    fold_norm(blk.ln2, sd[p + "norm2.weight"], shift2, scale2)
    blk.qkv.weight.data.copy_(sd[p + "attn_qkv.weight"])
    blk.out.weight.data.copy_(sd[p + "attn_out.weight"])
    copy_mlp(blk.mlp, sd, p)
    blk.gate_attn.data.copy_(gate1)
    blk.gate_mlp.data.copy_(gate2)


def load_decoder_block(blk: DecoderBlock, sd: dict, p: str, cond: torch.Tensor) -> None:
    shift1, scale1, gate1, shift2, scale2, gate2 = modulation(sd, p, cond, 6)
    fold_norm(blk.ln1, sd[p + "q_norm1.weight"], shift1, scale1)
    fold_norm(blk.ln2, sd[p + "norm2.weight"], shift2, scale2)
    blk.kv_norm.weight.data.copy_(sd[p + "kv_norm1.weight"])
    blk.q.weight.data.copy_(sd[p + "attn_q.weight"])
    blk.kv.weight.data.copy_(sd[p + "attn_kv.weight"])
    blk.out.weight.data.copy_(sd[p + "attn_out.weight"])
    copy_mlp(blk.mlp, sd, p)
    blk.gate_attn.data.copy_(gate1)
    blk.gate_mlp.data.copy_(gate2)


def load_swap(sw: GroupSwap, sd: dict, p: str = "decoder.group_swap.") -> None:
    sw.base.data.copy_(sd[p + "base_embedding"].reshape(-1))
    sw.query_norm.weight.data.copy_(sd[p + "pre_query_norm.weight"])
    sw.query_norm.bias.data.copy_(sd[p + "pre_query_norm.bias"])
    pairs = [(sw.query[0], "query_processor.0"), (sw.query[2], "query_processor.2")] if isinstance(sw.query, nn.Sequential) \
        else [(sw.query, "query_processor")]
    pairs += [(sw.kv, "hidden_to_key_value"), (sw.out, "output_linear")]
    for lin, name in pairs:
        lin.weight.data.copy_(sd[f"{p}{name}.weight"])
        lin.bias.data.copy_(sd[f"{p}{name}.bias"])


@torch.no_grad()
def fold_official(sd: dict, cfg: OfficialConfig) -> OfficialPGM:
    """Our inference model from an official PartitionDIT state dict (float weights)."""
    model = OfficialPGM(cfg).double()
    cond = time_condition(sd, cfg.freq_dim)
    model.embed.data.copy_(sd["vocab_embed.embedding"])
    for i, blk in enumerate(model.enc):
        load_encoder_block(blk, sd, f"encoder.blocks.{i}.", cond)
    load_swap(model.swap, sd)
    for i, blk in enumerate(model.dec):
        load_decoder_block(blk, sd, f"decoder.layers.{i}.", cond)
    shift, scale = modulation(sd, "output_layer.", cond, 2)
    fold_norm(model.head_ln, sd["output_layer.norm_final.weight"], shift, scale)
    model.head.weight.data.copy_(sd["output_layer.linear.weight"])
    model.head.bias.data.copy_(sd["output_layer.linear.bias"])
    return model.float().eval()


def folded_names(model: OfficialPGM) -> list[str]:
    """Parameters computed at fold time (LayerNorm weight/bias with adaLN, gates): not fp16-exact
    products of stored weights, so the export keeps them in float32 (they are tiny)."""
    keep = []
    for name, _ in model.named_parameters():
        leaf = name.rsplit(".", 2)
        if name.startswith("head_ln.") or (len(leaf) == 3 and leaf[1] in ("ln1", "ln2")) or leaf[-1].startswith("gate_"):
            keep.append(name)
    return keep

