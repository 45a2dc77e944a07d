"""The CUDA speed path, kept apart from the trainer's logic: torch.compile, FlexAttention for
the training pass, and the model-FLOPs count behind the MFU in the log.

Everything here falls back to the plain eager path on CPU (FlexAttention has no CPU backward;
compiling on these small CPU runs costs more than it saves), so CPU runs are unchanged.
"""
from __future__ import annotations

import sys

import torch


def flops_per_token(cfg) -> float:
    """Training FLOPs per canvas token (forward + backward = 3x forward): 6 x the matmul
    parameters (every projection and the output head; the embedding is a lookup) plus the
    attention scores and weighted sums, each over the full canvas (12 x L x d per attention
    layer: encoder blocks, GroupSwap, decoder blocks)."""
    d, ff = cfg.d_model, cfg.d_ff
    block = 4 * d * d + 2 * d * ff
    matmul = (cfg.n_enc + cfg.n_dec) * block + 4 * d * d + d * cfg.vocab_size
    attn_layers = cfg.n_enc + cfg.n_dec + 1
    return 6.0 * matmul + 12.0 * cfg.canvas * d * attn_layers


def prepare_model(model: torch.nn.Module, tc, device: torch.device) -> torch.nn.Module:
    """The module the training step calls. On CUDA: FlexAttention block masks (if configured)
    and torch.compile (if configured). On CPU: the model itself."""
    if device.type != "cuda":
        if tc.attention == "flex":
            print("train.attention=flex needs CUDA: using the dense-mask path on CPU", file=sys.stderr)
        return model
    model.flex_attention = tc.attention == "flex"
    return torch.compile(model) if tc.compile else model
