"""Reference PGM infill sampler (PyTorch). The TypeScript sampler follows the same rules.

Per hole: the clean set is the prefix and suffix at their true canvas positions; the hole holds
`capacity` unknown positions. Each step runs the encoder over the clean set, queries positions,
samples, and commits k = ceil(remaining / steps_left) of them:
- `random`: a fixed uniformly random order over the hole (the paper's sampler);
- `left-to-right`: hole positions in order;
- `confidence`: query every unknown position, commit the k whose sampled token is most probable.
Gap fillers are stripped at the end, so the fill length is the model's choice up to capacity.
By default (`length="cdf"`) the length is chosen first, from the model's gap probabilities over
the empty hole (see choose_lengths); `length="free"` lets every position pick gap or token.
`allow_gap=False` forbids gaps (oracle-length evaluation). Holes are batched.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import torch

SETTINGS_JSON = Path(__file__).resolve().parents[1] / "contract" / "settings.json"


def extension_defaults() -> dict:
    """The extension's sampling defaults, from the settings table's JSON export (contract/)."""
    d = json.loads(SETTINGS_JSON.read_text(encoding="utf-8"))["defaults"]
    return {"steps": d["steps"], "order": d["order"], "temperature": d["temperature"],
            "top_p": d["topP"], "seed": d["seed"]}


EXTENSION_DEFAULTS = extension_defaults()


@dataclass
class SampleOptions:
    """Sampling settings; the defaults are the extension's (EXTENSION_DEFAULTS)."""
    steps: int = EXTENSION_DEFAULTS["steps"]
    order: str = EXTENSION_DEFAULTS["order"]
    temperature: float = EXTENSION_DEFAULTS["temperature"]
    top_p: float = EXTENSION_DEFAULTS["top_p"]
    seed: int = EXTENSION_DEFAULTS["seed"]   # < 0: a fresh random seed per call
    allow_gap: bool = True
    length: str = "cdf"   # "cdf": choose the fill length first (see choose_lengths); "free": per position


def layout(prefix: list[int], suffix: list[int], capacity: int, canvas: int):
    """Balance context around the hole: the suffix gets at most half of what the hole leaves,
    the prefix the rest (and any share the suffix does not need)."""
    budget = canvas - capacity
    if budget < 1:
        raise ValueError(f"capacity {capacity} leaves no room for context in canvas {canvas}")
    s = min(len(suffix), budget // 2)
    p = min(len(prefix), budget - s)
    s = min(len(suffix), budget - p)
    ids = prefix[len(prefix) - p:] + suffix[:s]
    pos = list(range(p)) + list(range(p + capacity, p + capacity + s))
    return ids, pos, list(range(p, p + capacity))


def filter_logits(logits: torch.Tensor, temperature: float, top_p: float) -> torch.Tensor:
    logits = logits.double() / max(temperature, 1e-6)
    if top_p < 1.0:
        sorted_l, idx = logits.sort(dim=-1, descending=True)
        cum = sorted_l.softmax(-1).cumsum(-1)
        drop = cum - sorted_l.softmax(-1) > top_p
        sorted_l = sorted_l.masked_fill(drop, -math.inf)
        logits = torch.full_like(logits, -math.inf).scatter(-1, idx, sorted_l)
    return logits


def draw(lg: torch.Tensor, opts: SampleOptions, gen):
    """Token per query row and its confidence: the probability of the drawn token under the
    adjusted distribution; at temperature <= 0 (greedy) the untempered probability of the
    argmax, so confidences stay comparable instead of all being ~1."""
    if opts.temperature <= 0:
        probs = lg.double().softmax(-1)
        tok = probs.argmax(-1)
    else:
        probs = filter_logits(lg, opts.temperature, opts.top_p).softmax(-1)
        tok = torch.multinomial(probs, 1, generator=gen).squeeze(1)
    return tok, probs.gather(1, tok[:, None]).squeeze(1)


@torch.no_grad()
def infill(model, prefixes, suffixes, capacities, special_ids: dict, opts: SampleOptions):
    """Fill a batch of holes; returns token lists with gap fillers removed."""
    L = model.cfg.canvas
    gen = torch.Generator().manual_seed(opts.seed if opts.seed >= 0 else random.randrange(2**31))
    clean, holes = [], []
    for pre, suf, cap in zip(prefixes, suffixes, capacities):
        ids, pos, hole = layout(pre, suf, cap, L)
        clean.append(list(zip(pos, ids)))
        order = torch.randperm(cap, generator=gen).tolist() if opts.order == "random" else range(cap)
        holes.append([hole[i] for i in order])
    filled = [dict() for _ in prefixes]
    steps = max(1, min(opts.steps, max(capacities)))
    banned = [special_ids["pad"], special_ids["doc"]] + ([] if opts.allow_gap else [special_ids["gap"]])
    if opts.allow_gap and opts.length == "cdf":
        choose_lengths(model, clean, holes, filled, special_ids["gap"])
        banned.append(special_ids["gap"])
    for step in range(steps):
        queries = [_queries(h, f, steps - step, opts.order) for h, f in zip(holes, filled)]
        if not any(queries):
            break
        logits = _run(model, clean, queries)
        for b, q in enumerate(queries):
            if not q:
                continue
            lg = logits[b, : len(q)].clone()
            lg[:, banned] = -math.inf
            tok, conf = draw(lg, opts, gen)
            k = math.ceil(len([p for p in holes[b] if p not in filled[b]]) / (steps - step))
            # ties (common at temperature 0) go to the earlier position: q is in position order
            keep = conf.argsort(descending=True, stable=True)[:k] if opts.order == "confidence" else range(min(k, len(q)))
            for i in keep:
                filled[b][q[i]] = int(tok[i])
                clean[b].append((q[i], int(tok[i])))
    gap = special_ids["gap"]
    return [[f[p] for p in sorted(f) if f[p] != gap] for f in filled]


def choose_lengths(model, clean, holes, filled, gap: int, threshold: float = 0.5):
    """Decide each fill's length before any token is drawn.

    Training puts the middle first and the gap fillers after it, so P(gap at hole offset j),
    queried from the context alone, is the model's CDF of the fill length: the length is the
    first offset where it reaches `threshold` (the median). Positions from there on are
    committed as gap fillers (they become clean context); the rest are filled without gaps.
    Committing per-position gaps by confidence instead shortens fills step after step, because
    every committed trailing gap makes the one before it likelier still."""
    queries = [sorted(h) for h in holes]
    logits = _run(model, clean, queries)
    for b, q in enumerate(queries):
        p_gap = logits[b, : len(q)].double().softmax(-1)[:, gap]
        reached = (p_gap >= threshold).nonzero().flatten()
        length = int(reached[0]) if len(reached) else len(q)
        for pos in q[length:]:
            filled[b][pos] = gap
            clean[b].append((pos, gap))


def _queries(hole, filled, steps_left, order):
    todo = [p for p in hole if p not in filled]
    if order == "confidence":
        return todo
    return todo[: math.ceil(len(todo) / steps_left)]


def _run(model, clean, queries):
    device = next(model.parameters()).device
    n = max(len(c) for c in clean)
    q = max(1, max(len(x) for x in queries))
    B = len(clean)
    ids = torch.zeros(B, n, dtype=torch.long)
    pos = torch.zeros(B, n, dtype=torch.long)
    mask = torch.zeros(B, n, dtype=torch.bool)
    qpos = torch.zeros(B, q, dtype=torch.long)
    for b, c in enumerate(clean):
        if c:
            pos[b, : len(c)] = torch.tensor([p for p, _ in c])
            ids[b, : len(c)] = torch.tensor([t for _, t in c])
            mask[b, : len(c)] = True
        if queries[b]:
            qpos[b, : len(queries[b])] = torch.tensor(queries[b])
    mem = model.encode(ids.to(device), pos.to(device), mask.to(device))
    return model.decode(mem, pos.to(device), mask.to(device), qpos.to(device)).float().cpu()
