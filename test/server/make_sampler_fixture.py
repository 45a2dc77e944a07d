"""Reference fills from training/sample.py (the Python spec of the sampler) for the TypeScript
sampler parity test (test/server/sampler-parity.test.ts). The inputs are documents and hole
ranges in characters, as the extension gets them: the reference tokenizes the text on each side
of a hole with the Python `tokenizers` library, adds <|doc|> at the document edges, windows the
context (sample.window) and heals the hole edges (sample.heal); the test lays out the same
text through the product's windowing and healing (server/sampler/window.ts, healing.ts) and must
get the same canvas and, driving the same ONNX graphs greedily (temperature 0, no RNG), the
same fills token for token.

    PYTHONPATH=. .venv/bin/python test/server/make_sampler_fixture.py [--model models/tiny] [--out test/server/fixtures/sampler-parity.json]

(PYTHONPATH=. makes this checkout's training/ the one imported.)
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import onnxruntime as ort
import torch
from tokenizers import Tokenizer

from training.sample import SampleOptions, heal, infill, layout, window

ROOT = Path(__file__).resolve().parents[2]

SHORT = (
    "def area(width, height):\n"
    "    \"\"\"Area of a rectangle.\"\"\"\n"
    "    return width * height\n"
    "\n"
    "\n"
    "def perimeter(width, height):\n"
    "    return 2 * (width + height)\n"
)


def long_text() -> str:
    """A document several canvases long, so that both sides of a hole are cut by the window."""
    lines = []
    for i in range(60):
        lines.append(f"def step_{i}(state, rate={i % 7}):\n    total = state.value * rate + {i}\n"
                     f"    return normalise(total, limit=state.limit_{i % 5})\n")
    return "\n".join(lines)


LONG = long_text()


def at(text: str, snippet: str, offset: int = 0) -> int:
    i = text.index(snippet)
    return i + offset


# (name, document, start, end): character offsets of the text to replace
HOLES = [
    # a cursor inside a word: head and tail healing
    ("mid-word cursor", SHORT, at(SHORT, "width * height", 3), at(SHORT, "width * height", 3)),
    # a selection to the end of its line: head healing only (the suffix starts with a newline)
    ("selection to line end", SHORT, at(SHORT, "width * height"), at(SHORT, "width * height") + len("width * height")),
    # the document start: <|doc|> before the hole, nothing to heal on the left
    ("document start", SHORT, 0, 0),
    # the middle of a long document: the window cuts both sides (no <|doc|>)
    ("long document, selection", LONG, at(LONG, "state.value * rate + 30"), at(LONG, "state.value * rate + 30") + 11),
    # near the end of a long document: the prefix is cut, the suffix reaches <|doc|>
    ("long document end, mid-word cursor", LONG, LONG.rindex("normalise") + 4, LONG.rindex("normalise") + 4),
]


class OnnxModel:
    """The two methods sample.py calls, backed by the exported graphs."""

    def __init__(self, folder: Path):
        m = json.loads((folder / "manifest.json").read_text())
        self.cfg = type("Cfg", (), {"canvas": m["architecture"]["canvas"]})
        self.special = m["special_ids"]
        self.vocab = m["architecture"]["vocab_size"]
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.enc = ort.InferenceSession(str(folder / "encoder.onnx"), opts, providers=["CPUExecutionProvider"])
        self.dec = ort.InferenceSession(str(folder / "decoder.onnx"), opts, providers=["CPUExecutionProvider"])

    def parameters(self):
        yield torch.zeros(1)

    def encode(self, ids, pos, mask):
        (mem,) = self.enc.run(None, {"clean_ids": ids.numpy(), "clean_pos": pos.numpy(), "clean_mask": mask.numpy()})
        return mem

    def decode(self, mem, pos, mask, qpos):
        (logits,) = self.dec.run(None, {"memory": mem, "clean_pos": pos.numpy(), "clean_mask": mask.numpy(), "query_pos": qpos.numpy()})
        return torch.from_numpy(logits)


def byte_decoder() -> dict[str, int]:
    """Byte-level BPE's printable stand-in character of each byte, inverted (GPT-2's table)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, n = list(keep), 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(keep, chars)}


def token_bytes_table(tok: Tokenizer, vocab: int, special: list[int]) -> list[bytes]:
    dec = byte_decoder()
    out = []
    for i in range(vocab):
        s = tok.id_to_token(i)
        out.append(b"" if s is None or i in special else bytes(dec[c] for c in s))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tiny")
    ap.add_argument("--out", type=Path, default=ROOT / "test" / "server" / "fixtures" / "sampler-parity.json")
    a = ap.parse_args()
    model = OnnxModel(a.model)
    tok = Tokenizer.from_file(str(a.model / "tokenizer.json"))
    doc = model.special["doc"]
    tb = token_bytes_table(tok, model.vocab, list(model.special.values()))
    def encode(s: str) -> list[int]:
        return tok.encode(s, add_special_tokens=False).ids

    def context(text: str, start: int, end: int):
        return [doc] + encode(text[:start]), encode(text[end:]) + [doc]

    cases = []
    pairs = [(0, 3), (1, 4), (2, 0), (3, 1), (4, 2), (0, 1)]
    settings = [(o, s, c) for o in ("left-to-right", "confidence") for s, c in ((4, 8), (3, 12), (8, 8))]
    for n, (order, steps, cap) in enumerate(settings):
        holes = [HOLES[i] for i in pairs[n % len(pairs)]]
        prefixes, suffixes, layouts = [], [], []
        for _, text, start, end in holes:
            pre, suf = context(text, start, end)
            prefixes.append(pre)
            suffixes.append(suf)
            # what infill() does with token_bytes, kept for the test to compare canvases
            wp, ws = window(pre, suf, cap, model.cfg.canvas)
            wp, ws, head, tail = heal(wp, ws, tb, doc)
            healed = cap + bool(head) + bool(tail)
            ids, pos, hole = layout(wp, ws, healed, model.cfg.canvas)
            layouts.append({"ids": ids, "pos": pos, "holeStart": hole[0], "capacity": healed,
                            "head": list(head), "tail": list(tail)})
        opts = SampleOptions(steps=steps, order=order, temperature=0.0, top_p=1.0, seed=0)
        fills = infill(model, prefixes, suffixes, [cap] * len(holes), model.special, opts, token_bytes=tb)
        cases.append({"order": order, "steps": steps, "capacity": cap,
                      "holes": [{"name": h[0], "text": h[1], "start": h[2], "end": h[3]} for h in holes],
                      "layouts": layouts, "fills": fills})
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"model": a.model.name, "cases": cases}))
    healed = sum(bool(lay["head"]) + bool(lay["tail"]) for c in cases for lay in c["layouts"])
    print(f"wrote {len(cases)} cases ({healed} healed hole edges) to {a.out}")


if __name__ == "__main__":
    main()
