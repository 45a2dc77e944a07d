"""Training objective: random partitions (the paper's complementary masking) mixed with
infill-shaped partitions (a hole of capacity M holding the true middle plus gap fillers).

Everything is vectorised torch on the training device, so batches cost no Python loop.
A batch is (ids [B, L], groups [B, L], weights [B, L]); loss = sum(weights * nll) / B.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from training.strict import strict_init


@dataclass
class ObjectiveConfig:
    infill_fraction: float = 0.5   # share of examples that are infill-shaped
    max_capacity: int = 96         # largest hole (tokens) seen in training
    t_min: float = 0.02            # random partitions: t in [t_min, 1 - t_min] (caps 1/t)
    length_prior: str = "uniform"  # middle length m: "uniform" in [0, M], or "log-uniform" (m first,
                                   # then M in [m, max]): see sample_holes

    def __post_init__(self):
        if self.length_prior not in ("uniform", "log-uniform"):
            raise ValueError(f"length_prior must be 'uniform' or 'log-uniform', got {self.length_prior!r}")

    @classmethod
    def from_dict(cls, d: dict) -> ObjectiveConfig:
        return strict_init(cls, d, "objective")


def stratified_t(b: int, gen: torch.Generator, device) -> torch.Tensor:
    """One t per example, stratified over the batch: (perm(i) + U) / B."""
    u = torch.rand(b, generator=gen, device=device)
    perm = torch.randperm(b, generator=gen, device=device).to(torch.float32)
    return (perm + u) / b


def random_partition(b: int, L: int, t_min: float, gen, device):
    """Groups and ELBO weights for the paper's objective.

    Group 1 (rate t) is weighted 1/t, group 0 weighted 1/(1-t); summed and divided by 2L.
    Both groups are kept non-empty (one forced position each) so no row attends to nothing.
    """
    t = t_min + (1 - 2 * t_min) * stratified_t(b, gen, device)
    g = (torch.rand(b, L, generator=gen, device=device) < t[:, None]).long()
    rows = torch.arange(b, device=device)
    pick = torch.randint(0, L, (2, b), generator=gen, device=device)
    none1 = g.sum(1) == 0
    g[rows[none1], pick[0][none1]] = 1
    none0 = g.sum(1) == L
    g[rows[none0], pick[1][none0]] = 0
    w1, w0 = 1.0 / t, 1.0 / (1.0 - t)
    w = torch.where(g == 1, w1[:, None], w0[:, None]) / (2 * L)
    return g, w


def sample_holes(b: int, L: int, max_cap: int, gen, device, prior: str = "uniform"):
    """Capacity M, middle length m <= M, hole start a in [0, L - M].

    "uniform": M (half <= 32, half <= max_cap), then m ~ U{0..M}. The model then learns a length
    prior that scales with the capacity (median M/2), whatever the context says.
    "log-uniform": m first, log-uniform over 0..max_cap, then M ~ U{max(m,1)..max_cap}: the
    length depends on the text, not on how much room the user left."""
    u = lambda: torch.rand(b, generator=gen, device=device)  # noqa: E731
    if prior == "log-uniform":
        m = (torch.exp(u() * math.log(max_cap + 1)) - 1).long().clamp(0, max_cap)
        lo = m.clamp(min=1)
        M = lo + (u() * (max_cap - lo + 1).float()).long().clamp(max=max_cap - lo)
    else:
        cap_small = torch.randint(1, min(32, max_cap) + 1, (b,), generator=gen, device=device)
        cap_big = torch.randint(1, max_cap + 1, (b,), generator=gen, device=device)
        M = torch.where(u() < 0.5, cap_small, cap_big)
        m = (u() * (M + 1).float()).long().clamp(max=M)
    a = (u() * (L - M + 1).float()).long()
    return M, m, a


def infill_layout(offsets, M, m, a, L: int):
    """Source index into the token stream for every canvas position, and the gap mask.

    Canvas = stream[off : off+a+m] + [gap] * (M-m) + stream[off+a+m : ...]: the middle is
    left-aligned in the hole, the suffix starts right after the hole.
    """
    p = torch.arange(L, device=offsets.device)[None, :]
    after = p >= (a + M)[:, None]
    src = offsets[:, None] + p - after.long() * (M - m)[:, None]
    gap = (p >= (a + m)[:, None]) & ~after
    hole = (p >= a[:, None]) & ~after
    return src, gap, hole


def mask_in_hole(hole: torch.Tensor, M: torch.Tensor, gen):
    """Pick k ~ U{1..M} hole positions to predict (group 1); weight 1/k each (mean NLL)."""
    b, L = hole.shape
    k = (torch.rand(b, generator=gen, device=hole.device) * M.float()).long() + 1
    score = torch.rand(b, L, generator=gen, device=hole.device).masked_fill(~hole, 2.0)
    rank = score.argsort(dim=1).argsort(dim=1)
    g = (rank < k[:, None]).long()
    w = g.float() / k[:, None].float()
    return g, w


def make_batch(stream: torch.Tensor, b: int, L: int, cfg: ObjectiveConfig, gap_id: int,
               gen: torch.Generator):
    """Draw a mixed batch from a 1-D token stream (on the training device)."""
    device = stream.device
    n_inf = int(round(b * cfg.infill_fraction))
    n_rand = b - n_inf
    hi = stream.numel() - L - cfg.max_capacity
    if hi <= 0:
        raise ValueError(f"token stream too short ({stream.numel()}) for canvas {L}")
    off = torch.randint(0, hi, (b,), generator=gen, device=device)
    ids_r = stream[off[:n_rand, None] + torch.arange(L, device=device)[None, :]]
    g_r, w_r = random_partition(n_rand, L, cfg.t_min, gen, device)
    M, m, a = sample_holes(n_inf, L, cfg.max_capacity, gen, device, cfg.length_prior)
    src, gap, hole = infill_layout(off[n_rand:], M, m, a, L)
    ids_i = stream[src].masked_fill(gap, gap_id)
    g_i, w_i = mask_in_hole(hole, M, gen)
    ids = torch.cat([ids_r, ids_i]).long()
    return ids, torch.cat([g_r, g_i]), torch.cat([w_r, w_i])


def weighted_loss(logits: torch.Tensor, ids: torch.Tensor, weights: torch.Tensor):
    """sum(weights * nll) / B, computed in fp32; positions with weight 0 are skipped."""
    keep = weights > 0
    nll = F.cross_entropy(logits[keep].float(), ids[keep], reduction="none")
    return (nll * weights[keep]).sum() / ids.shape[0]


@torch.no_grad()
def nelbo_nats_per_token(model, ids: torch.Tensor) -> torch.Tensor:
    """Validation NELBO (nats/token) on full canvases: stratified deterministic t, only
    group-1 tokens counted with weight 1/t (empty groups are allowed and contribute 0)."""
    b, L = ids.shape
    gen = torch.Generator(device=ids.device).manual_seed(1234)
    t = (torch.arange(b, device=ids.device, dtype=torch.float32) + 0.5) / b
    g = (torch.rand(b, L, generator=gen, device=ids.device) < t[:, None]).long()
    logits = model(ids, g)
    nll = F.cross_entropy(logits.float().transpose(1, 2), ids, reduction="none")
    return ((nll * g / t[:, None]).sum(1) / L).mean()
