"""tokenizer.py encode: nothing left behind on failure, the old streams kept until success."""
import json
from pathlib import Path

import numpy as np
import pytest

from training.errors import UserError
from training.tokenizer import encode_corpus

TOKENIZER = Path(__file__).resolve().parents[2] / "models" / "tiny" / "tokenizer.json"


def corpus(d: Path, val_lines: list[str]) -> Path:
    d.mkdir(parents=True)
    (d / "train.jsonl").write_text("".join(json.dumps({"text": f"def f{i}():\n    return {i}\n"}) + "\n"
                                           for i in range(50)))
    (d / "val.jsonl").write_text("".join(line + "\n" for line in val_lines))
    return d


def test_missing_corpus_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(UserError, match="train.jsonl"):
        encode_corpus(tmp_path / "nope", TOKENIZER, tmp_path / "tokens")
    assert not (tmp_path / "tokens").exists()


def test_a_failed_encode_leaves_the_folder_as_it_was(tmp_path):
    good = corpus(tmp_path / "good", [json.dumps({"text": "x = 1\n"})])
    meta = encode_corpus(good, TOKENIZER, tmp_path / "tokens")
    before = {p.name: p.read_bytes() for p in (tmp_path / "tokens").iterdir()}
    assert sorted(before) == ["meta.json", "train.bin", "val.bin"]
    assert np.fromfile(tmp_path / "tokens" / "val.bin", dtype=np.uint16).size == meta["splits"]["val"]["tokens"]
    bad = corpus(tmp_path / "bad", ["{broken json"])  # train encodes, then val fails
    with pytest.raises(ValueError):
        encode_corpus(bad, TOKENIZER, tmp_path / "tokens")
    assert {p.name: p.read_bytes() for p in (tmp_path / "tokens").iterdir()} == before
    with pytest.raises(ValueError):
        encode_corpus(bad, TOKENIZER, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
