"""Reference fills from training/sample.py (the Python spec of the sampler) for the TypeScript
sampler parity test. The PyTorch sampler drives the same ONNX graphs through onnxruntime, so the
two samplers see identical logits; greedy decoding (temperature 0) removes the RNG from the
comparison.

    .venv/bin/python test/server/make_sampler_fixture.py [--model models/tiny] [--out test/server/fixtures/sampler-parity.json]

Needs the training package installed (`.venv/bin/pip install -e .`, as .ci/run does).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from training.sample import SampleOptions, infill

ROOT = Path(__file__).resolve().parents[2]


class OnnxModel:
    """The two methods sample.py calls, backed by the exported graphs."""

    def __init__(self, folder: Path):
        m = json.loads((folder / "manifest.json").read_text())
        self.cfg = type("Cfg", (), {"canvas": m["architecture"]["canvas"]})
        self.special = m["special_ids"]
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.enc = ort.InferenceSession(str(folder / "encoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.dec = ort.InferenceSession(str(folder / "decoder.onnx"), opts, providers=["CPUExecutionProvider"])

    def parameters(self):
        yield torch.zeros(1)

    def encode(self, ids, pos, mask):
        self._pos, self._mask = pos.numpy(), mask.numpy()
        (mem,) = self.enc.run(None, {"clean_ids": ids.numpy(), "clean_pos": self._pos, "clean_mask": self._mask})
        return mem

    def decode(self, mem, pos, mask, qpos):
        (logits,) = self.dec.run(None, {"memory": mem, "clean_pos": pos.numpy(), "clean_mask": mask.numpy(), "query_pos": qpos.numpy()})
        return torch.from_numpy(logits)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tiny")
    ap.add_argument("--out", type=Path, default=ROOT / "test" / "server" / "fixtures" / "sampler-parity.json")
    a = ap.parse_args()
    model = OnnxModel(a.model)
    rng = np.random.default_rng(0)
    cases = []
    for order in ("left-to-right", "confidence"):
        for steps, cap in ((4, 8), (3, 12), (8, 8)):
            prefixes = [rng.integers(3, 4096, size=int(n)).tolist() for n in (40, 7)]
            suffixes = [rng.integers(3, 4096, size=int(n)).tolist() for n in (30, 0)]
            opts = SampleOptions(steps=steps, order=order, temperature=0.0, top_p=1.0, seed=0)
            fills = infill(model, prefixes, suffixes, [cap, cap], model.special, opts)
            cases.append({"order": order, "steps": steps, "capacity": cap, "prefixes": prefixes,
                          "suffixes": suffixes, "fills": fills})
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"model": a.model.name, "cases": cases}))
    print(f"wrote {len(cases)} cases to {a.out}")


if __name__ == "__main__":
    main()
