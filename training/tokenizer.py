"""Byte-level BPE tokenizer (Hugging Face `tokenizers`) and corpus tokenisation.

    python -m training.tokenizer train --corpus data/corpus --out data/tokenizer.json
    python -m training.tokenizer encode --corpus data/corpus --tokenizer data/tokenizer.json --out data/tokens

The special tokens come first, so their ids are fixed: <|doc|>=0, <|gap|>=1, <|pad|>=2.
`encode` writes train.bin / val.bin (uint16 token streams, files joined by <|doc|>) and meta.json
(token and character counts, so losses convert to bits per character), with a progress bar per
split. It writes temporary files and moves them into place only when every split is done: a
failed or interrupted encode leaves the output folder as it was.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from training.errors import UserError, add_debug_flag, run_cli

SPECIALS = ["<|doc|>", "<|gap|>", "<|pad|>"]
SPECIAL_IDS = {"doc": 0, "gap": 1, "pad": 2}


def iter_texts(jsonl: Path, limit_bytes: int | None = None):
    """Texts of a corpus split, optionally stopping after about limit_bytes characters."""
    seen = 0
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            yield text
            seen += len(text)
            if limit_bytes is not None and seen >= limit_bytes:
                return


def train_tokenizer(corpus: Path, out: Path, vocab_size: int = 4096, sample_mb: int = 60):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=SPECIALS, min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(iter_texts(corpus / "train.jsonl", sample_mb * 2**20), trainer=trainer)
    for name, i in SPECIAL_IDS.items():
        assert tok.token_to_id(SPECIALS[i]) == i, f"special {name} did not get id {i}"
    out.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(out))
    return tok


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer
    return Tokenizer.from_file(str(path))


def encode_split(tok, jsonl: Path, out_bin: Path, batch: int = 256) -> dict:
    """Tokenise one split into a uint16 stream: <|doc|> file <|doc|> file ... <|doc|>."""
    doc = SPECIAL_IDS["doc"]
    n_tok, n_chr, n_files = 0, 0, 0
    with open(out_bin, "wb") as f, open(jsonl, "rb") as src, \
            tqdm(total=jsonl.stat().st_size, unit="B", unit_scale=True, desc=jsonl.stem, mininterval=1) as bar:
        f.write(np.array([doc], dtype=np.uint16).tobytes())
        texts = []
        for line in src:
            texts.append(json.loads(line)["text"])
            bar.update(len(line))
            if len(texts) == batch:
                n_tok, n_chr, n_files = _flush(tok, texts, f, n_tok, n_chr, n_files)
                texts = []
        n_tok, n_chr, n_files = _flush(tok, texts, f, n_tok, n_chr, n_files)
        f.flush()
        os.fsync(f.fileno())
    return {"tokens": n_tok + 1, "chars": n_chr, "files": n_files}


def _flush(tok, texts, f, n_tok, n_chr, n_files):
    if not texts:
        return n_tok, n_chr, n_files
    doc = SPECIAL_IDS["doc"]
    for enc, text in zip(tok.encode_batch(texts, add_special_tokens=False), texts):
        ids = np.array(enc.ids + [doc], dtype=np.uint16)
        f.write(ids.tobytes())
        n_tok += len(ids)
        n_chr += len(text) + 1  # the separator stands for one boundary character
        n_files += 1
    return n_tok, n_chr, n_files


SPLITS = ("train", "val")


def encode_corpus(corpus: Path, tokenizer: Path, out: Path) -> dict:
    """Encode every split into temporary files, then move them into place together."""
    missing = [str(p) for p in [tokenizer, *(corpus / f"{s}.jsonl" for s in SPLITS)] if not p.is_file()]
    if missing:
        raise UserError(f"missing input: {', '.join(missing)} (build the corpus with "
                        "python -m training.build_corpus, the tokenizer with python -m training.tokenizer train)")
    tok = load_tokenizer(tokenizer)
    made_out = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    tmp = {s: out / f".{s}.bin.part" for s in SPLITS}
    meta = {"tokenizer": str(tokenizer), "vocab_size": tok.get_vocab_size(),
            "special_ids": SPECIAL_IDS, "splits": {}}
    try:
        for split in SPLITS:
            t0 = time.time()
            meta["splits"][split] = s = encode_split(tok, corpus / f"{split}.jsonl", tmp[split])
            print(f"{split}: {s['files']} files, {s['tokens']:,} tokens, {s['chars']:,} chars, "
                  f"{s['chars'] / max(1, s['tokens']):.2f} chars/token ({time.time() - t0:.0f}s)")
        (out / ".meta.json.part").write_text(json.dumps(meta, indent=2))
    except BaseException:
        for p in [*tmp.values(), out / ".meta.json.part"]:
            p.unlink(missing_ok=True)
        if made_out and not any(out.iterdir()):
            out.rmdir()
        raise
    (out / "meta.json").unlink(missing_ok=True)  # never a meta.json that describes other streams
    for split in SPLITS:
        os.replace(tmp[split], out / f"{split}.bin")
    os.replace(out / ".meta.json.part", out / "meta.json")
    return meta


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m training.tokenizer", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train the BPE tokenizer on the corpus train split")
    t.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    t.add_argument("--out", type=Path, default=Path("data/tokenizer.json"))
    t.add_argument("--vocab-size", type=int, default=4096)
    t.add_argument("--sample-mb", type=int, default=60)
    e = sub.add_parser("encode", help="tokenise the corpus into uint16 streams")
    e.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    e.add_argument("--tokenizer", type=Path, default=Path("data/tokenizer.json"))
    e.add_argument("--out", type=Path, default=Path("data/tokens"))
    for sp in (t, e):
        add_debug_flag(sp)
    a = ap.parse_args(argv)
    if a.cmd == "train":
        tok = train_tokenizer(a.corpus, a.out, a.vocab_size, a.sample_mb)
        print(f"wrote {a.out} (vocab {tok.get_vocab_size()})")
    else:
        encode_corpus(a.corpus, a.tokenizer, a.out)


if __name__ == "__main__":
    run_cli(main, "tokenizer")
