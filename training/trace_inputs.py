"""Random inputs for tracing and checking the exported graphs (export.py, cache_export.py)."""
from __future__ import annotations

import torch


def example_inputs(cfg, b=3, n=40, q=7, seed=0):
    """(ids, positions, mask, query positions). Batch >= 2 with padding in some rows, so no
    trace-time branch is baked in."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, cfg.vocab_size, (b, n), generator=g)
    pos = torch.stack([torch.randperm(cfg.canvas, generator=g)[:n] for _ in range(b)])
    mask = torch.ones(b, n, dtype=torch.bool)
    if b > 1:
        mask[1, n // 2:] = False
    return ids, pos, mask, torch.randint(0, cfg.canvas, (b, q), generator=g)
