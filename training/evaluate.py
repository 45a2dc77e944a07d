"""Evaluate a PGM: validation NELBO (bits/char, bits/token) and infill metrics on held-out files.

    python -m training.evaluate --ckpt runs/x/ckpt.pt --tokenizer data/tokenizer.json \
        --data data/tokens --files data/corpus/val.jsonl --out runs/x/eval.json

Infill holes come in three kinds (single line, multi-line, random span), cut from held-out files
with a fixed seed. Each is filled twice: with the model choosing the length (capacity M, gap
fillers allowed) and with the oracle length (capacity = true token count, no gaps). Metrics:
exact match (after stripping surrounding whitespace) and edit similarity (1 - Levenshtein /
longer length). Baselines: the empty fill and copy-previous-line(s).
Prints a summary table; the full report (with example fills) goes to --out, or to stdout with --json.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from training.checkpoint import load_weights_any
from training.errors import add_debug_flag, run_cli
from training.model import PartitionTransformer, PGMConfig
from training.sample import SampleOptions, infill
from training.tokenizer import SPECIAL_IDS, load_tokenizer
from training.train import evaluate as nelbo_eval, load_stream

CAPACITY = {"single_line": 24, "multi_line": 96, "random_span": 48}
CONTEXT_CHARS = 3000


def edit_similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1.0 - prev[-1] / max(len(a), len(b))


def cut_hole(text: str, kind: str, rng: random.Random):
    """(prefix, middle, suffix) or None when the file has no suitable place."""
    lines = text.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in lines]).tolist()
    if kind == "random_span":
        if len(text) < 200:
            return None
        a = rng.randrange(50, len(text) - 60)
        b = min(len(text), a + rng.randint(10, 120))
        return text[:a], text[a:b], text[b:]
    n = 1 if kind == "single_line" else rng.randint(2, 6)
    cands = [i for i in range(1, len(lines) - n) if all(len(lines[j].strip()) >= 4 for j in range(i, i + n))]
    if not cands:
        return None
    i = rng.choice(cands)
    indent = len(lines[i]) - len(lines[i].lstrip())
    a = starts[i] + indent
    b = starts[i + n - 1] + len(lines[i + n - 1])
    return text[:a], text[a:b], text[b:]


def previous_lines(prefix: str, n: int) -> str:
    lines = [line for line in prefix.split("\n")[:-1] if line.strip()]
    return "\n".join(lines[-n:]).strip() if lines else ""


def make_holes(files: list[str], kind: str, count: int, seed: int, tok) -> list[dict]:
    rng = random.Random(f"{seed}-{kind}")
    holes, tries = [], 0
    while len(holes) < count and tries < count * 50:
        tries += 1
        cut = cut_hole(rng.choice(files), kind, rng)
        if cut is None:
            continue
        pre, mid, suf = cut
        mid_ids = tok.encode(mid, add_special_tokens=False).ids
        if not mid_ids or len(mid_ids) > CAPACITY[kind]:
            continue
        holes.append(context_ids(pre, mid, suf, mid_ids, tok))
    return holes


def context_ids(pre, mid, suf, mid_ids, tok) -> dict:
    doc = SPECIAL_IDS["doc"]
    p = tok.encode(pre[-CONTEXT_CHARS:], add_special_tokens=False).ids
    s = tok.encode(suf[:CONTEXT_CHARS], add_special_tokens=False).ids
    if len(pre) <= CONTEXT_CHARS:
        p = [doc] + p
    if len(suf) <= CONTEXT_CHARS:
        s = s + [doc]
    return {"prefix": pre, "middle": mid, "suffix": suf, "p_ids": p, "s_ids": s, "m_len": len(mid_ids)}


def score(preds: list[str], holes: list[dict]) -> dict:
    em = [p.strip() == h["middle"].strip() for p, h in zip(preds, holes)]
    es = [edit_similarity(p.strip(), h["middle"].strip()) for p, h in zip(preds, holes)]
    return {"exact_match": float(np.mean(em)), "edit_similarity": float(np.mean(es))}


def run_fills(model, tok, holes, kind, oracle: bool, opts: SampleOptions, batch: int) -> list[str]:
    out = []
    for i in range(0, len(holes), batch):
        hb = holes[i:i + batch]
        caps = [h["m_len"] if oracle else CAPACITY[kind] for h in hb]
        o = SampleOptions(**{**opts.__dict__, "allow_gap": not oracle, "seed": opts.seed + i})
        ids = infill(model, [h["p_ids"] for h in hb], [h["s_ids"] for h in hb], caps, SPECIAL_IDS, o)
        out += [tok.decode(x, skip_special_tokens=False) for x in ids]
        print(f"  {kind} ({'oracle' if oracle else 'model'} length): {len(out)}/{len(holes)} holes",
              file=sys.stderr, flush=True)
    return out


def infill_metrics(model, tok, files, per_kind: int, opts: SampleOptions, seed: int, batch: int):
    results, examples = {}, {}
    for kind in CAPACITY:
        holes = make_holes(files, kind, per_kind, seed, tok)
        n_lines = [h["middle"].count("\n") + 1 for h in holes]
        results[kind] = {
            "holes": len(holes),
            "model_length": score(run_fills(model, tok, holes, kind, False, opts, batch), holes),
            "oracle_length": score(preds := run_fills(model, tok, holes, kind, True, opts, batch), holes),
            "baseline_empty": score([""] * len(holes), holes),
            "baseline_copy_previous_line": score(
                [previous_lines(h["prefix"], n) for h, n in zip(holes, n_lines)], holes),
        }
        examples[kind] = [{"middle": h["middle"], "oracle_fill": p} for h, p in zip(holes[:3], preds[:3])]
    return results, examples


def load_model(path: Path) -> PartitionTransformer:
    weights, model_cfg, prov = load_weights_any(path)
    model = PartitionTransformer(PGMConfig.from_dict(model_cfg))
    model.load_state_dict(weights)
    model.provenance = prov
    return model.eval()


DEFAULTS = SampleOptions()  # the extension's sampling defaults


def summary(report: dict) -> str:
    """A few lines a person reads: NELBO and, per span kind, EM / ES against the baselines."""
    lines = [f"{report['checkpoint']}: {report['parameters']:,} parameters"]
    n = report.get("nelbo")
    if n:
        lines.append(f"validation NELBO: {n['val_bits_per_char']:.3f} bits/char, {n['val_bits_per_token']:.3f} bits/token")
    f = lambda d: f"{d['exact_match']:.3f} / {d['edit_similarity']:.3f}"  # noqa: E731
    lines.append(f"{'span kind':<12} {'holes':>5}  {'model length':>13}  {'oracle length':>13}  "
                 f"{'empty ES':>8}  {'copy prev line':>14}   (EM / ES)")
    for kind, r in report["infill"].items():
        lines.append(f"{kind:<12} {r['holes']:>5}  {f(r['model_length']):>13}  {f(r['oracle_length']):>13}  "
                     f"{r['baseline_empty']['edit_similarity']:>8.3f}  {f(r['baseline_copy_previous_line']):>14}")
    lines.append(f"({report['eval_seconds']:.0f} s)")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--data", type=Path, help="token folder for NELBO (val.bin, meta.json)")
    ap.add_argument("--files", type=Path, nargs="+", required=True, help="held-out JSONL files")
    ap.add_argument("--per-kind", type=int, default=100)
    ap.add_argument("--steps", type=int, default=DEFAULTS.steps)
    ap.add_argument("--order", default=DEFAULTS.order, choices=["confidence", "random", "left-to-right"])
    ap.add_argument("--temperature", type=float, default=DEFAULTS.temperature)
    ap.add_argument("--top-p", type=float, default=DEFAULTS.top_p)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--nelbo-batches", type=int, default=16)
    ap.add_argument("--out", type=Path, help="write the full report (JSON, with example fills) here")
    ap.add_argument("--json", action="store_true", help="print the full report instead of the summary")
    add_debug_flag(ap)
    return ap


def main(argv=None):
    a = parser().parse_args(argv)
    t0 = time.time()
    model, tok = load_model(a.ckpt), load_tokenizer(a.tokenizer)
    report = {"checkpoint": str(a.ckpt), "parameters": model.num_params(), "provenance": model.provenance}
    if a.data:
        meta = json.loads((a.data / "meta.json").read_text())["splits"]["val"]
        val = load_stream(a.data, "val", "cpu")
        report["nelbo"] = nelbo_eval(model, val, model.cfg.canvas, a.nelbo_batches, 16,
                                     meta["chars"] / meta["tokens"])
    files = [json.loads(line)["text"] for f in a.files for line in open(f, encoding="utf-8")]
    opts = SampleOptions(steps=a.steps, order=a.order, temperature=a.temperature, top_p=a.top_p, seed=a.seed)
    report["infill_settings"] = {**opts.__dict__, "capacity": CAPACITY, "files": [str(f) for f in a.files]}
    report["infill"], report["examples"] = infill_metrics(model, tok, files, a.per_kind, opts, a.seed, a.batch)
    report["eval_seconds"] = round(time.time() - t0, 1)
    text = json.dumps(report, indent=2)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text + "\n")
    print(text if a.json else summary(report) + (f"\nfull report: {a.out}" if a.out else ""))


if __name__ == "__main__":
    run_cli(main, "evaluate")
