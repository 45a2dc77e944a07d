"""A random-weight model folder at a run config's size (with its context-cache graph), for timing
candidate sizes before training them (docs/training.md, "Model size for v2").

    .venv/bin/python -m bench.random_model --config training/configs/pgm-v2.json --out /tmp/v2-random
    flock /tmp/heavy.lock node --import tsx bench/size_server.ts 15 /tmp/v2-random

Uses the shipped tokenizer (models/pgm-code). Fills are gibberish; only the timing means anything.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from training.config import RunConfig
from training.export import export_model
from training.model import PartitionTransformer

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    cfg = RunConfig.load(a.config).model
    torch.manual_seed(0)
    model = PartitionTransformer(cfg)
    with torch.no_grad():  # zero-initialised projections would make a trivially cheap-looking net
        for p in model.parameters():
            if p.dim() == 2 and not p.abs().sum():
                p.normal_(std=0.02)
    export_model(model, ROOT / "models" / "pgm-code" / "tokenizer.json", a.out, a.out.name,
                 "Random weights at a candidate size, for timing only.", {})
    size = sum(f.stat().st_size for f in a.out.iterdir())
    print(json.dumps({"params": model.num_params(), "folder_bytes": size, "out": str(a.out)}))


if __name__ == "__main__":
    main()
