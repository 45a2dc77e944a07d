"""release.py: a training checkpoint + an evaluation report -> a model folder with card."""
import copy
import json
from pathlib import Path

import pytest
import torch

from training import release
from training.checkpoint import load_weights_any, save_training
from training.config import RunConfig
from training.errors import UserError
from training.model import PartitionTransformer, PGMConfig

TOKENIZER = Path(__file__).resolve().parents[2] / "models" / "tiny" / "tokenizer.json"


def test_release_from_training_checkpoint_writes_card_manifest_and_weights(tmp_path):
    cfg = RunConfig.from_dict({"model": {"vocab_size": 4096, "canvas": 64, "d_model": 32, "n_heads": 2,
                                         "n_enc": 1, "n_dec": 1, "d_ff": 64}})
    model = PartitionTransformer(cfg.model)
    ema = copy.deepcopy(model)
    opt = torch.optim.AdamW(model.parameters())
    save_training(tmp_path / "ckpt.pt", model=model, ema=ema, opt=opt, step=5, tokens=1234, wall_s=60.0,
                  config=cfg.to_dict(), extra={"tokens_before": 1000, "wall_s_before": 60.0})
    kind = {"holes": 2, **{k: {"exact_match": 0.0, "edit_similarity": 0.1} for k in
                          ("model_length", "oracle_length", "baseline_empty", "baseline_copy_previous_line")}}
    report = {"nelbo": {"val_bits_per_char": 2.0, "val_bits_per_token": 6.0},
              "infill_settings": {"steps": 8, "order": "confidence", "temperature": 0.5, "top_p": 0.95,
                                  "seed": 0, "capacity": {"single_line": 24}, "files": ["x.jsonl"]},
              "infill": {"single_line": kind}}
    (tmp_path / "eval.json").write_text(json.dumps(report))
    (tmp_path / "corpus.json").write_text(json.dumps({"totals": {"train": {"all": {"bytes": 10, "files": 1},
                                                                             "python": {"bytes": 10}}}}))
    out = tmp_path / "model"
    args = ["--weights", str(tmp_path / "ckpt.pt"), "--eval", str(tmp_path / "eval.json"),
            "--tokenizer", str(TOKENIZER), "--corpus", str(tmp_path / "corpus.json"), "--out", str(out)]
    release.main(args)
    with pytest.raises(UserError, match="--overwrite"):
        release.main(args)
    release.main(args + ["--overwrite"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["training"]["tokens"] == 2234  # counts what the starting weights had seen
    assert manifest["metrics"]["infill"]["single_line"]["holes"] == 2
    card = (out / "MODEL_CARD.md").read_text()
    assert "2,234 canvas tokens" in card and "| single_line | 2 |" in card
    assert "no closer to the truth (edit similarity) than copying the previous line on single_line" in card
    assert sorted(p.name for p in out.glob("*.onnx")) == ["cache_step.onnx"]  # one graph, weights once
    state, model_cfg, _ = load_weights_any(out)
    assert PGMConfig.from_dict(model_cfg) == cfg.model
    for k, v in ema.state_dict().items():
        assert torch.equal(state[k], v.half().float()), k


def test_release_refuses_an_existing_model_folder_unless_overwrite(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    with pytest.raises(UserError, match="--overwrite"):
        release.main(["--weights", "w.pt", "--eval", "e.json", "--tokenizer", "t", "--corpus", "c",
                      "--out", str(out)])
    assert (out / "manifest.json").read_text() == "{}"  # untouched
