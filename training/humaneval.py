"""HumanEval-infilling (single line) pass@1 for a PGM, from ../shared/benchmarks (evaluation only:
never train on it). Each task's fill is spliced between prompt and suffix and the task's tests
run in a subprocess with a timeout.

    python -m training.humaneval --ckpt models/pgm-code --tokenizer models/pgm-code/tokenizer.json \
        --bench ../shared/benchmarks/human-eval-infilling/HumanEval-SingleLineInfilling.jsonl.gz --limit 200
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from training.evaluate import context_ids, load_model
from training.sample import SampleOptions, infill
from training.tokenizer import SPECIAL_IDS, load_tokenizer


def passes(program: str, timeout: float) -> bool:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "task.py"
        path.write_text(program)
        try:
            r = subprocess.run([sys.executable, str(path)], cwd=d, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return r.returncode == 0


DEFAULTS = SampleOptions()  # the extension's sampling defaults


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--bench", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=200, help="tasks sampled (seeded); 0 = all")
    ap.add_argument("--capacity", type=int, default=24)
    ap.add_argument("--steps", type=int, default=DEFAULTS.steps)
    ap.add_argument("--temperature", type=float, default=DEFAULTS.temperature)
    ap.add_argument("--top-p", type=float, default=DEFAULTS.top_p)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--multi-line-fills", action="store_true",
                    help="keep fills as sampled (default: single-line stop rule, as the editor's inline mode)")
    ap.add_argument("--out", type=Path)
    return ap


def main(argv=None):
    ap = parser()
    ap.add_argument("--debug", action="store_true", help="on an expected error, show the full traceback")
    a = ap.parse_args(argv)
    tasks = [json.loads(line) for line in gzip.open(a.bench, "rt")]
    if a.limit:
        tasks = random.Random(0).sample(tasks, min(a.limit, len(tasks)))
    model, tok = load_model(a.ckpt), load_tokenizer(a.tokenizer)
    holes = [context_ids(t["prompt"], t["canonical_solution"], t["suffix"], [], tok) for t in tasks]
    fills = []
    for i in range(0, len(holes), a.batch):
        hb = holes[i:i + a.batch]
        opts = SampleOptions(steps=a.steps, temperature=a.temperature, top_p=a.top_p, seed=i)
        ids = infill(model, [h["p_ids"] for h in hb], [h["s_ids"] for h in hb], [a.capacity] * len(hb),
                     SPECIAL_IDS, opts)
        fills += [tok.decode(x, skip_special_tokens=False) for x in ids]
    if not a.multi_line_fills:  # the task is one whole line: stop at the first newline
        fills = [f.split("\n", 1)[0] + "\n" for f in fills]
    ok = [passes(t["prompt"] + f + t["suffix"] + "\n" + t["test"] + f"\ncheck({t['entry_point']})\n", a.timeout)
          for t, f in zip(tasks, fills)]
    em = [f.strip() == t["canonical_solution"].strip() for t, f in zip(tasks, fills)]
    report = {"benchmark": a.bench.name, "tasks": len(tasks), "pass@1": sum(ok) / len(ok),
              "exact_match": sum(em) / len(em), "capacity": a.capacity, "steps": a.steps,
              "temperature": a.temperature, "top_p": a.top_p, "single_line_stop": not a.multi_line_fills,
              "examples": [{"task": t["task_id"], "fill": f, "truth": t["canonical_solution"]}
                           for t, f in zip(tasks[:5], fills[:5])]}
    text = json.dumps(report, indent=2)
    if a.out:
        a.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    from training.errors import run_cli
    run_cli(main, "humaneval")
