"""Turn shipped weights + an evaluation report into the model folder the server loads:
ONNX graphs, tokenizer, manifest (with training provenance and metrics) and MODEL_CARD.md.

    python -m training.release --weights W.pt --eval runs/eval.json --tokenizer data/tokenizer.json \
        --corpus data/corpus/manifest.json --out models/pgm-code [--compute "1x H200, 8 min"]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from training.checkpoint import load_weights_any
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
Small (about {params / 1e6:.0f}M parameters) and trained on a modest budget: expect short,
plausible-looking fills, often wrong in detail. Context is the {prov['train_config']['model']['canvas']}-token canvas around
the hole (roughly {prov['train_config']['model']['canvas'] * 3} characters). Not trained on benchmark data.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", type=Path, required=True)
    ap.add_argument("--eval", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True, help="corpus manifest.json")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--compute", default="unspecified hardware")
    ap.add_argument("--verdict", default="")
    a = ap.parse_args(argv)
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
    a.out.mkdir(parents=True, exist_ok=True)
    worst = export_model(model, a.tokenizer, a.out, a.out.name, "PGM code infilling model", extra)
    (a.out / "MODEL_CARD.md").write_text(card_text(a.out.name, model.num_params(), prov, corpus, report,
                                                   a.compute, a.verdict or "See the table."))
    print(f"released {a.out}: parity {worst:.1e}")


if __name__ == "__main__":
    main()
