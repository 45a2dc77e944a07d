"""A random-weight model at the size of the paper's "PGM 8/8" checkpoint, for speed only.

    .venv/bin/python -m bench.official_size --out /tmp/pgm-owt-random

Writes an official-format checkpoint (the key layout training/import_official.py expects; 8
encoder + 8 decoder blocks, width 768, 12 heads, cond 128, MLP x4, vocabulary 50257 + mask) with
random weights, and a synthetic byte-level BPE with GPT-2's vocabulary size (the real GPT-2
files cannot be downloaded here; only the size matters for speed), then converts both with
training/import_official.py. The graphs have the released models' shapes; fills are gibberish.
About 0.4 GB on disk: keep it out of git. Timing: docs/benchmarks.md ("The paper's model size").
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from training.import_official import convert
from training.official_checkpoint import expected_keys
from training.official_model import OfficialConfig

CFG = OfficialConfig(vocab_size=50258, canvas=1024, d_model=768, n_heads=12, n_enc=8, n_dec=8, d_ff=3072, cond_dim=128)


def shape_of(key: str, c: OfficialConfig) -> tuple[int, ...]:
    d, leaf = c.d_model, key.rsplit(".", 2)
    name = ".".join(leaf[-2:])
    table = {
        "vocab_embed.embedding": (c.vocab_size, d), "mlp.0.weight": (c.d_ff, d), "mlp.0.bias": (c.d_ff,),
        "mlp.2.weight": (d, c.d_ff), "attn_qkv.weight": (3 * d, d), "attn_kv.weight": (2 * d, d),
        "hidden_to_key_value.weight": (2 * d, d), "hidden_to_key_value.bias": (2 * d,),
        "output_layer.linear.weight": (c.vocab_size, d), "output_layer.linear.bias": (c.vocab_size,), "decoder.group_swap.base_embedding": (1, d),
    }
    if key.startswith("sigma_map."):
        return {"0.weight": (c.cond_dim, c.freq_dim), "2.weight": (c.cond_dim, c.cond_dim)}.get(name, (c.cond_dim,))
    if name.startswith("adaLN_modulation."):
        k = 2 if key.startswith("output_layer.") else 6
        return (k * d, c.cond_dim) if name.endswith("weight") else (k * d,)
    for suffix, shape in table.items():
        if key.endswith(suffix):
            return shape
    return (d, d) if key.endswith("weight") and "norm" not in key else (d,)


def synthetic_gpt2(folder: Path, size: int = 50257) -> None:
    """A valid byte-level BPE with `size` tokens: the 256 byte symbols, merges of an existing
    token with a byte symbol, and <|endoftext|> last, as in GPT-2's vocab.json."""
    from tokenizers import pre_tokenizers
    chars = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {ch: i for i, ch in enumerate(chars)}
    tokens, merges, i = list(chars), [], 0
    while len(vocab) < size - 1:
        left, right = tokens[i // 94], chars[i % 94]
        i += 1
        if left + right not in vocab:
            vocab[left + right] = len(vocab)
            tokens.append(left + right)
            merges.append(f"{left} {right}")
    vocab["<|endoftext|>"] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    work = a.out.with_name(a.out.name + "-src")
    work.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(0)
    sd = {}
    for key in sorted(expected_keys(CFG)):
        shape = shape_of(key, CFG)
        sd["backbone." + key] = (1 + 0.1 * torch.randn(shape, generator=g)) if "norm" in key and key.endswith("weight") \
            else torch.randn(shape, generator=g) * (0.5 / shape[-1] ** 0.5)
    torch.save({"state_dict": sd, "global_step": 0}, work / "random.ckpt")
    synthetic_gpt2(work / "gpt2")
    m = convert(work / "random.ckpt", a.out, work / "gpt2")
    print(f"wrote {a.out}: {m['parameters']:,} params, parity {m['parity_max_abs_diff']:.1e}")


if __name__ == "__main__":
    main()
