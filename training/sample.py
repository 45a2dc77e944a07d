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
With `token_bytes` (the byte string of every token id), holes are token-healed at their edges
as the extension does (see heal()); without it, context is taken as given.
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


def window(prefix: list[int], suffix: list[int], capacity: int, canvas: int):
    """Balance context around the hole: the suffix gets at most half of what the hole leaves,
    the prefix the rest (and any share the suffix does not need). Returns the kept context."""
    budget = canvas - capacity
    if budget < 1:
        raise ValueError(f"capacity {capacity} leaves no room for context in canvas {canvas}")
    s = min(len(suffix), budget // 2)
    p = min(len(prefix), budget - s)
    s = min(len(suffix), budget - p)
    return prefix[len(prefix) - p:], suffix[:s]


def layout(prefix: list[int], suffix: list[int], capacity: int, canvas: int):
    """Canvas ids, positions and hole positions: windowed prefix, hole, windowed suffix."""
    prefix, suffix = window(prefix, suffix, capacity, canvas)
    p, s = len(prefix), len(suffix)
    pos = list(range(p)) + list(range(p + capacity, p + capacity + s))
    return prefix + suffix, pos, list(range(p, p + capacity))


def _word_byte(b: int) -> bool:
    return chr(b).isascii() and (chr(b).isalnum() or b == 0x5F) or b >= 0x80


def heal(prefix: list[int], suffix: list[int], token_bytes: list[bytes], doc: int):
    """Token healing at a hole's edges. Tokenising the text before a hole on its own can end
    in a fragment ("fo|"): the last context token moves into the hole, whose first token must
    then start with its bytes (`head`). The first suffix token moves in too when it starts
    with a word character (a fill would run into it): the fill must end with its bytes
    (`tail`). <|doc|> never moves. Returns (prefix, suffix, head, tail)."""
    head = tail = b""
    if prefix and prefix[-1] != doc and token_bytes[prefix[-1]]:
        head, prefix = token_bytes[prefix[-1]], prefix[:-1]
    if suffix and suffix[0] != doc and token_bytes[suffix[0]] and _word_byte(token_bytes[suffix[0]][0]):
        tail, suffix = token_bytes[suffix[0]], suffix[1:]
    return prefix, suffix, head, tail


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
def infill(model, prefixes, suffixes, capacities, special_ids: dict, opts: SampleOptions,
           token_bytes: list[bytes] | None = None):
    """Fill a batch of holes; returns token lists with gap fillers removed. With `token_bytes`,
    each hole is healed (heal()) after windowing: its first token must start with the moved
    prefix bytes, its last real token must end with the moved suffix bytes (re-drawn once at
    the end under that rule if it does not), and a healed hole is at least one token long. The
    returned fills then include the moved tokens' bytes."""
    L = model.cfg.canvas
    gen = torch.Generator().manual_seed(opts.seed if opts.seed >= 0 else random.randrange(2**31))
    clean, holes, heads, tails = [], [], [], []
    for pre, suf, cap in zip(prefixes, suffixes, capacities):
        head = tail = b""
        if token_bytes is not None:
            pre, suf = window(pre, suf, cap, L)
            pre, suf, head, tail = heal(pre, suf, token_bytes, special_ids["doc"])
            cap += bool(head) + bool(tail)
        ids, pos, hole = layout(pre, suf, cap, L)
        clean.append(list(zip(pos, ids)))
        order = torch.randperm(cap, generator=gen).tolist() if opts.order == "random" else range(cap)
        holes.append([hole[i] for i in order])
        heads.append(head)
        tails.append(tail)
    filled = [dict() for _ in prefixes]
    steps = max(1, min(opts.steps, max(len(h) for h in holes)))
    banned = [special_ids["pad"], special_ids["doc"]] + ([] if opts.allow_gap else [special_ids["gap"]])
    if opts.allow_gap and opts.length == "cdf":
        choose_lengths(model, clean, holes, filled, special_ids["gap"],
                       min_lengths=[int(bool(h or t)) for h, t in zip(heads, tails)])
        banned.append(special_ids["gap"])
    # the first position of a head-healed hole may only draw tokens that start with its bytes
    first_ok = [None if not h else torch.tensor([not b.startswith(h) for b in token_bytes]) for h in heads]
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
            if first_ok[b] is not None and min(holes[b]) in q:
                lg[q.index(min(holes[b])), first_ok[b]] = -math.inf
            tok, conf = draw(lg, opts, gen)
            k = math.ceil(len([p for p in holes[b] if p not in filled[b]]) / (steps - step))
            # ties (common at temperature 0) go to the earlier position: q is in position order
            keep = conf.argsort(descending=True, stable=True)[:k] if opts.order == "confidence" else range(min(k, len(q)))
            for i in keep:
                filled[b][q[i]] = int(tok[i])
                clean[b].append((q[i], int(tok[i])))
    gap = special_ids["gap"]
    if any(tails):
        _heal_tails(model, clean, holes, filled, heads, tails, token_bytes, banned, gap, opts, gen)
    return [[f[p] for p in sorted(f) if f[p] != gap] for f in filled]


def _heal_tails(model, clean, holes, filled, heads, tails, token_bytes, banned, gap, opts, gen):
    """Suffix-side healing: where a tail-healed hole's last real token does not end with the
    moved suffix bytes, re-draw that one position (left out of the clean set) from the tokens
    that do (and that start with the head bytes too, if it is the hole's first position)."""
    redraw = []
    for b, tail in enumerate(tails):
        if not tail:
            continue
        real = [p for p in sorted(filled[b]) if filled[b][p] != gap]
        at = real[-1] if real else min(holes[b])
        if real and token_bytes[filled[b][at]].endswith(tail):
            continue
        head = heads[b] if at == min(holes[b]) else b""
        ok = torch.tensor([bool(t) and t.endswith(tail) and t.startswith(head) for t in token_bytes])
        ok[banned] = False
        if ok.any():
            redraw.append((b, at, ok))
    if not redraw:
        return
    rows = [[c for c in clean[b] if c[0] != at] for b, at, _ in redraw]
    logits = _run(model, rows, [[at] for _, at, _ in redraw])
    for i, (b, at, ok) in enumerate(redraw):
        lg = logits[i, :1].clone()
        lg[:, ~ok] = -math.inf
        tok, _ = draw(lg, opts, gen)
        known = at in filled[b]
        filled[b][at] = int(tok[0])
        if not known:
            clean[b].append((at, int(tok[0])))
        else:
            clean[b] = [(p, int(tok[0])) if p == at else (p, t) for p, t in clean[b]]


def choose_lengths(model, clean, holes, filled, gap: int, threshold: float = 0.5, min_lengths=None):
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
        p_gap[: (min_lengths[b] if min_lengths else 0)] = 0  # a healed hole keeps >= 1 token
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
