"""Trainer: exact resume after SIGKILL, corrupt checkpoints refused, distributed path (gloo)."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from training.checkpoint import FORMAT, CheckpointError, load_checked

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ["-m", "training.train"]


def make_data(d: Path) -> Path:
    rng = np.random.default_rng(0)
    d.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", 20000), ("val", 4000)):
        rng.integers(3, 60, n).astype(np.uint16).tofile(d / f"{split}.bin")
    meta = {"vocab_size": 64, "special_ids": {"doc": 0, "gap": 1, "pad": 2},
            "splits": {"train": {"tokens": 20000, "chars": 60000, "files": 1},
                       "val": {"tokens": 4000, "chars": 12000, "files": 1}}}
    (d / "meta.json").write_text(json.dumps(meta))
    return d


def make_config(tmp: Path, data: Path, model: dict | None = None, **train) -> Path:
    cfg = {"model": {"vocab_size": 64, "canvas": 32, "d_model": 16, "n_heads": 2, "n_enc": 1, "n_dec": 1, "d_ff": 32,
                     **(model or {})},
           "objective": {"max_capacity": 8},
           "train": {"data": str(data), "batch_size": 4, "warmup_steps": 2, "log_every": 1, "eval_every": 1000,
                     "eval_batches": 1, "ckpt_every_minutes": 0.0, "threads": 1, **train}}
    p = tmp / "cfg.json"
    p.write_text(json.dumps(cfg))
    return p


def run(args, **kw):
    env = {**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, *TRAIN, *args], env=env, cwd=ROOT, capture_output=True, text=True, **kw)


def weights(path: Path):
    return load_checked(path, FORMAT)


V2 = ({"qk_norm": True, "mlp": "relu2", "bias": False, "zero_init_out": True},
      {"optimizer": "muon", "schedule": "wsd", "cooldown_fraction": 0.5})


@pytest.mark.parametrize("model,train", [({}, {}), V2], ids=["adamw-v1", "muon-wsd-v2flags"])
def test_resume_after_sigkill_matches_uninterrupted_run(tmp_path, model, train):
    data = make_data(tmp_path / "data")
    cfg = make_config(tmp_path, data, model, max_steps=12, **train)
    ref = run(["--config", str(cfg), "--out", str(tmp_path / "ref")])
    assert ref.returncode == 0, ref.stderr
    # same run, killed hard partway (checkpoint every step), then resumed
    out = tmp_path / "killed"
    env = {**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    p = subprocess.Popen([sys.executable, *TRAIN, "--config", str(cfg), "--out", str(out)], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if '"step": 6' in line:
            break
    p.send_signal(signal.SIGKILL)
    p.wait()
    step_at_kill = weights(out / "ckpt.pt")["step"]
    assert 1 <= step_at_kill < 12
    res = run(["--config", str(cfg), "--out", str(out), "--resume"])
    assert res.returncode == 0, res.stderr
    a, b = weights(tmp_path / "ref" / "ckpt.pt"), weights(out / "ckpt.pt")
    assert a["step"] == b["step"] == 12 and a["tokens"] == b["tokens"]
    for k in a["model"]:
        assert torch.allclose(a["model"][k], b["model"][k], atol=1e-6), k


def test_corrupt_checkpoint_is_refused_not_restarted(tmp_path):
    data = make_data(tmp_path / "data")
    cfg = make_config(tmp_path, data, max_steps=2)
    out = tmp_path / "run"
    out.mkdir()
    (out / "ckpt.pt").write_bytes(b"\x00garbage" * 100)
    res = run(["--config", str(cfg), "--out", str(out), "--resume"])
    assert res.returncode != 0
    assert "corrupt or unreadable" in res.stderr
    assert (out / "ckpt.pt").read_bytes().startswith(b"\x00garbage")  # left untouched
    with pytest.raises(CheckpointError):
        load_checked(out / "ckpt.pt", FORMAT)


def test_unknown_config_key_is_rejected(tmp_path):
    data = make_data(tmp_path / "data")
    cfg = make_config(tmp_path, data, max_step=2)
    res = run(["--config", str(cfg), "--out", str(tmp_path / "r")])
    assert res.returncode != 0 and "unknown train config keys" in res.stderr


def test_distributed_two_processes_gloo_keep_replicas_identical(tmp_path):
    data = make_data(tmp_path / "data")
    cfg = make_config(tmp_path, data, max_steps=3)
    env = {**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    res = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          *TRAIN, "--config", str(cfg), "--out", str(tmp_path / "ddp")],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    ck = weights(tmp_path / "ddp" / "ckpt.pt")
    assert ck["step"] == 3
    assert ck["tokens"] == 3 * 4 * 32 * 2  # steps * batch * canvas * world
