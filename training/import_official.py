"""Convert one of the paper's released PGM checkpoints into a model folder the server loads.

    python -m training.import_official CHECKPOINT OUT_DIR [--gpt2 DIR] [--canvas 1024] [--heads N]

CHECKPOINT: a training checkpoint of github.com/jdeschena/pgm (`text_pretrain` branch), e.g. the
OpenWebText PGM files on huggingface.co/jdeschena/pgm (see docs/official-checkpoints.md). The EMA
weights are used when the file has them (`--raw-weights` takes the raw ones). Block counts,
width, MLP size and vocabulary come from the tensor shapes; heads, canvas and the GroupSwap query
mode are not visible in shapes and default to the released models' values.

--gpt2 DIR: a folder with GPT-2's `vocab.json` and `merges.txt` (the files of the Hugging Face
`gpt2` model; without the flag the local Hugging Face cache is searched). They become
tokenizer.json, built with `tokenizers`.

Writes encoder.onnx, decoder.onnx (the contract of docs/model-contract.md), tokenizer.json,
manifest.json (`fill_length: "fixed"`: the model has no gap filler) and fixture.json, and checks
onnxruntime against the PyTorch re-implementation before it finishes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import torch

from training.export import DEC_IN, DEC_OUT, ENC_IN, ENC_OUT, OPSET, check_onnx, export_graphs, reference_cases
from training.official_checkpoint import OfficialFormatError, backbone_state, detect_config, read_checkpoint
from training.official_model import QUERY_MODES, OfficialPGM, fold_official, folded_names

EOT = "<|endoftext|>"


def find_gpt2_files(explicit: Path | None) -> Path:
    """The folder holding GPT-2's vocab.json and merges.txt."""
    if explicit is not None:
        candidates = [explicit]
    else:
        hub = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"
        candidates = sorted(hub.glob("models--gpt2/snapshots/*")) + sorted(hub.glob("models--openai-community--gpt2/snapshots/*"))
    for c in candidates:
        if (c / "vocab.json").is_file() and (c / "merges.txt").is_file():
            return c
    where = str(explicit) if explicit else "the Hugging Face cache (models--gpt2)"
    raise OfficialFormatError(f"no GPT-2 vocab.json + merges.txt in {where}; download them with "
                              "`huggingface-cli download openai-community/gpt2 vocab.json merges.txt --local-dir gpt2` "
                              "and pass --gpt2 gpt2")


def build_tokenizer(folder: Path, model_vocab: int):
    """GPT-2's byte-level BPE as a tokenizers.Tokenizer; the model's extra id (the mask) has no token."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tok = Tokenizer(models.BPE.from_file(str(folder / "vocab.json"), str(folder / "merges.txt")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken(EOT, special=True)])
    eot, size = tok.token_to_id(EOT), tok.get_vocab_size()
    if eot is None or size + 1 != model_vocab:
        raise OfficialFormatError(f"tokenizer in {folder} has {size} tokens (eot id {eot}); the checkpoint's "
                                  f"vocabulary is {model_vocab} = tokenizer + 1 mask id")
    return tok, eot


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(out: Path, model: OfficialPGM, eot: int, source: dict, worst: float) -> dict:
    c = model.cfg
    manifest = {
        "format": "pgm-infill-model", "format_version": 1, "name": out.name,
        "description": "The paper's PGM (OpenWebText, GPT-2 tokens), converted by training/import_official.py",
        "architecture": {"type": "partition-transformer", "d_model": c.d_model, "n_heads": c.n_heads, "n_enc": c.n_enc,
                         "n_dec": c.n_dec, "d_ff": c.d_ff, "vocab_size": c.vocab_size, "canvas": c.canvas},
        "tokenizer": {"type": "bpe", "file": "tokenizer.json"},
        # no gap filler: every hole is filled with exactly its length (docs/model-contract.md);
        # pad is the official mask id, which the model never predicts
        "special_ids": {"doc": eot, "pad": c.vocab_size - 1},
        "fill_length": "fixed",
        "graphs": {"encoder": {"file": "encoder.onnx", "inputs": ENC_IN, "outputs": ENC_OUT},
                   "decoder": {"file": "decoder.onnx", "inputs": DEC_IN, "outputs": DEC_OUT}},
        "opset": OPSET, "parameters": model.num_params(), "parity_max_abs_diff": worst,
        "source": {"architecture": "PartitionDIT (github.com/jdeschena/pgm, text_pretrain)",
                   "query_mode": c.query_mode, "query_mlp": c.query_mlp, "cond_dim": c.cond_dim, **source},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def convert(ckpt_path: Path, out: Path, gpt2: Path | None, canvas: int = 1024, heads: int | None = None,
            query_mode: str = "learn+freqs", use_ema: bool = True, tol: float = 1e-4) -> dict:
    tok_dir = find_gpt2_files(gpt2)  # fail before the slow part
    ckpt = read_checkpoint(ckpt_path)
    sd, which = backbone_state(ckpt, use_ema)
    cfg = detect_config(sd, canvas, heads, query_mode)
    tok, eot = build_tokenizer(tok_dir, cfg.vocab_size)
    try:
        model = fold_official(sd, cfg)
    except RuntimeError as e:  # a tensor whose shape does not fit the detected config
        raise OfficialFormatError(f"weights do not fit the detected config {cfg}: {e}") from e
    keep = frozenset(folded_names(model))
    with torch.no_grad():  # the graphs store fp16 weights: round first so the reference logits match
        for name, p in model.named_parameters():
            if name not in keep:
                p.copy_(p.half().float())
    out.mkdir(parents=True, exist_ok=True)
    export_graphs(model, out, keep)
    tok.save(str(out / "tokenizer.json"))
    cases = reference_cases(model)
    worst = check_onnx(out, cases, tol)
    (out / "fixture.json").write_text(json.dumps({"tolerance": tol, "cases": cases}))
    step = ckpt.get("global_step")
    source = {"checkpoint": ckpt_path.name, "sha256": sha256(ckpt_path), "weights": which,
              **({"global_step": step} if isinstance(step, int) else {})}
    return write_manifest(out, model, eot, source, worst)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--gpt2", type=Path, help="folder with GPT-2 vocab.json and merges.txt")
    ap.add_argument("--canvas", type=int, default=1024, help="the model length it was trained at (default 1024)")
    ap.add_argument("--heads", type=int, help="attention heads (default: width / 64, i.e. 12 at width 768)")
    ap.add_argument("--query-mode", default="learn+freqs", choices=QUERY_MODES, help="GroupSwap pre-query mode")
    ap.add_argument("--raw-weights", action="store_true", help="use the raw weights even if EMA weights exist")
    a = ap.parse_args(argv)
    try:
        m = convert(a.checkpoint, a.out, a.gpt2, a.canvas, a.heads, a.query_mode, not a.raw_weights)
    except OfficialFormatError as e:
        sys.exit(f"import_official: {e}")
    print(f"wrote {a.out} ({m['parameters']:,} params, {m['source']['weights']} weights), "
          f"onnxruntime parity {m['parity_max_abs_diff']:.1e}")


if __name__ == "__main__":
    main()
