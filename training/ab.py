"""CPU A/B of trainer settings at small scale, each arm on the same process-CPU budget.

    python -m training.ab --config training/configs/ab-small.json --out runs/ab \
        --arm adamw= --arm muon=train.optimizer=muon --arm qk=train.optimizer=muon,model.qk_norm=true

Each arm is `name=override,override,...` (the trainer's --set syntax). Arms run as
`nice -n 10` subprocesses with one torch thread, at most --parallel at once, and stop on the
config's CPU budget (train.clock=cpu, train.budget_minutes), so arms get equal compute however
busy the machine is. Prints a markdown table of the final EMA validation bits/char.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_arm(spec: str) -> tuple[str, list[str]]:
    name, _, sets = spec.partition("=")
    return name, [s for s in sets.split(",") if s]


def launch(config: Path, out: Path, sets: list[str]) -> subprocess.Popen:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    cmd = ["nice", "-n", "10", sys.executable, "-m", "training.train", "--config", str(config.resolve()),
           "--out", str(out.resolve()), "--resume", *[x for s in sets for x in ("--set", s)]]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=open(out / "stdout.txt", "a"),
                            stderr=subprocess.STDOUT)


def result(out: Path) -> dict | None:
    log = out / "log.jsonl"
    if not log.exists():
        return None
    stops = [r for r in map(json.loads, log.read_text().splitlines()) if r.get("event") in ("finished", "stopped")]
    return stops[-1] if stops else None


def table(rows: list[tuple[str, list[str], dict]]) -> str:
    lines = ["| arm | overrides | steps | tokens | CPU min | val bits/char |", "|---|---|---|---|---|---|"]
    for name, sets, r in rows:
        cpu = r.get("cpu_s", float("nan")) / 60
        lines.append(f"| {name} | {' '.join(sets) or '(config)'} | {r['step']} | {r['tokens']:,} | {cpu:.1f} | "
                     f"{r['val_bits_per_char']:.4f} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--arm", action="append", required=True, help="name=section.key=value,...")
    ap.add_argument("--parallel", type=int, default=2)
    a = ap.parse_args(argv)
    arms = [parse_arm(s) for s in a.arm]
    pending = [arm for arm in arms if result(a.out / arm[0]) is None]  # finished arms are kept
    running: list[tuple[str, subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < a.parallel:
            name, sets = pending.pop(0)
            running.append((name, launch(a.config, a.out / name, sets)))
        time.sleep(5)
        for name, p in [r for r in running if r[1].poll() is not None]:
            running.remove((name, p))
            if p.returncode:
                print(f"arm {name} failed (exit {p.returncode}): see {a.out / name / 'stdout.txt'}", file=sys.stderr)
    rows = [(n, s, result(a.out / n)) for n, s in arms]
    print(table([r for r in rows if r[2]]))


if __name__ == "__main__":
    main()
