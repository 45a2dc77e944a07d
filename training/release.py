"""Turn shipped weights + an evaluation report into the model folder the server loads:
ONNX graphs, tokenizer, manifest (with training provenance and metrics) and MODEL_CARD.md.

    python -m training.release --weights W.pt --eval runs/eval.json --tokenizer data/tokenizer.json \
        --corpus data/corpus/manifest.json --out models/my-model [--compute "1x H200, 8 min"]

An existing model folder is never replaced unless `--overwrite` is given. The folder is built
next to its destination and moved into place only when complete.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

from training.checkpoint import load_weights_any
from training.errors import UserError, add_debug_flag, run_cli
from training.export import export_model
from training.model import PartitionTransformer, PGMConfig


def corpus_summary(manifest: dict) -> dict:
    return {"train_bytes": manifest["totals"]["train"]["all"]["bytes"],
            "train_files": manifest["totals"]["train"]["all"]["files"],
            "per_language_train_bytes": {k: v["bytes"] for k, v in manifest["totals"]["train"].items() if k != "all"},
            "packages": manifest.get("packages_fetched"), "train_sha256": manifest.get("train_sha256"),
            "sources": "training/corpus_sources.json"}


def metrics_table(infill: dict) -> str:
    rows = ["| span kind | holes | model length EM / ES | oracle length EM / ES | empty fill ES | copy previous line EM / ES |",
            "|---|---|---|---|---|---|"]
    for kind, r in infill.items():
        f = lambda d: f"{d['exact_match']:.3f} / {d['edit_similarity']:.3f}"  # noqa: E731
        rows.append(f"| {kind} | {r['holes']} | {f(r['model_length'])} | {f(r['oracle_length'])} | "
                    f"{r['baseline_empty']['edit_similarity']:.3f} | {f(r['baseline_copy_previous_line'])} |")
    return "\n".join(rows)


def humaneval_line(h: dict | None) -> str:
    if not h:
        return ""
    return (f"\nHumanEval-infilling, single line ({h['tasks']} tasks sampled with seed 0, one fill each, "
            f"capacity {h['capacity']}, {h['steps']} steps, T {h['temperature']}, top-p {h['top_p']}"
            f"{', single-line stop rule' if h.get('single_line_stop') else ''}): pass@1 {h['pass@1']:.3f}, "
            f"exact match {h['exact_match']:.3f}. Evaluation only; never trained on.\n")


def baseline_line(infill: dict) -> str:
    """What the table says about usefulness, from the numbers (not a fixed claim)."""
    es = lambda d: d["edit_similarity"]  # noqa: E731
    better = [k for k, r in infill.items() if es(r["model_length"]) > es(r["baseline_copy_previous_line"])]
    worse = [k for k in infill if k not in better]
    if not worse:
        return "Its fills are closer to the truth (edit similarity) than copying the previous line on every span kind measured."
    return (f"Its fills are no closer to the truth (edit similarity) than copying the previous line on {', '.join(worse)}"
            f"{' (better only on ' + ', '.join(better) + ')' if better else ''}: there, treat them as drafts at best.")


def card_text(name, params, prov, corpus, report, compute, verdict) -> str:
    n = report.get("nelbo", {})
    s = report["infill_settings"]
    return f"""# Model card: {name}

A Partition Generative Model (Partition Transformer, see docs/model-contract.md) for code
infilling, trained from scratch by `training/train.py` on the corpus built by
`training/build_corpus.py`. Exported to ONNX (encoder + decoder graphs) for the language server.

| | |
|---|---|
| parameters | {params:,} |
| architecture | {json.dumps(prov['train_config']['model'])} |
| tokenizer | byte-level BPE, 4,096 ids (`tokenizer.json`), specials `<\\|doc\\|>`=0 `<\\|gap\\|>`=1 `<\\|pad\\|>`=2 |
| training data | {corpus['train_bytes'] / 1e6:.1f} MB of permissively licensed Python/TypeScript/JavaScript/Markdown from {corpus['packages']} pinned Debian and npm packages ({corpus['sources']}) |
| tokens seen | {prov['tokens']:,} canvas tokens ({prov['step']:,} optimizer steps) |
| training wall time | {prov['wall_s'] / 60:.1f} min ({compute}) |
| validation NELBO | {n.get('val_bits_per_char', float('nan')):.3f} bits/char, {n.get('val_bits_per_token', float('nan')):.3f} bits/token (held-out files of the same packages) |

## Infill metrics (measured by `training/evaluate.py`)
Held-out files: {', '.join(s['files'])} (`data/corpus/val.jsonl` is the validation split, by file,
of the training packages; `data/heldout` holds packages outside the training list,
`training/heldout_sources.json`). Sampler: {s['steps']} steps, order {s['order']},
temperature {s['temperature']}, top-p {s['top_p']}, seed {s['seed']}. Capacities (model length):
{json.dumps(s['capacity'])}. EM = exact match after stripping surrounding whitespace,
ES = edit similarity (1 - Levenshtein / longer length).

{metrics_table(report['infill'])}
{humaneval_line(report.get('humaneval'))}

## Verdict
{verdict}

## Limits
About {params / 1e6:.0f}M parameters. {baseline_line(report['infill'])} Context is the {prov['train_config']['model']['canvas']}-token canvas around
the hole (roughly {prov['train_config']['model']['canvas'] * 3} characters). Not trained on benchmark data.
"""


def check_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file, not a model folder")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        held = ", ".join(sorted(p.name for p in out.iterdir())[:4])
        raise UserError(f"{out} already holds files ({held}): choose another --out, "
                        "or pass --overwrite to replace that model folder")


def move_into_place(staging: Path, out: Path) -> None:
    """Swap the finished folder in; the old one is deleted only after the swap."""
    old = out.with_name(f".{out.name}.replaced")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m training.release", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", type=Path, required=True)
    ap.add_argument("--eval", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True, help="corpus manifest.json")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--compute", default="unspecified hardware")
    ap.add_argument("--verdict", default="")
    ap.add_argument("--overwrite", action="store_true", help="replace the model folder at --out if it exists")
    add_debug_flag(ap)
    a = ap.parse_args(argv)
    check_out(a.out, a.overwrite)
    weights, model_cfg, prov = load_weights_any(a.weights)
    # a run started with --init-from counts what its starting weights had seen before it
    prov["tokens"] += prov.get("tokens_before", 0)
    prov["wall_s"] += prov.get("wall_s_before", 0.0)
    model = PartitionTransformer(PGMConfig.from_dict(model_cfg))
    model.load_state_dict(weights)
    report = json.loads(a.eval.read_text())
    corpus = corpus_summary(json.loads(a.corpus.read_text()))
    extra = {"training": {"tokens": prov["tokens"], "steps": prov["step"], "wall_s": prov["wall_s"],
                          "compute": a.compute, "data": corpus, "config": prov["train_config"]},
             "metrics": {"nelbo": report.get("nelbo"), "infill": report["infill"],
                         "humaneval_single_line": {k: v for k, v in report.get("humaneval", {}).items() if k != "examples"},
                         "infill_settings": report["infill_settings"]}}
    staging = a.out.with_name(f".{a.out.name}.release-part")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        worst = export_model(model, a.tokenizer, staging, a.out.name, "PGM code infilling model", extra)
        (staging / "MODEL_CARD.md").write_text(card_text(a.out.name, model.num_params(), prov, corpus, report,
                                                         a.compute, a.verdict or "See the table."))
        move_into_place(staging, a.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"released {a.out}: parity {worst:.1e}")


if __name__ == "__main__":
    run_cli(main, "release")
