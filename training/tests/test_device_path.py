"""The device path, dry run on CPU with a tiny config: pack tokens -> device_train.sh (two calls,
the second continues exactly) -> weights in parts -> device_release.sh (reassemble, checksum,
evaluate, release) -> the CLI fills a file with the released model."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from training.checkpoint import FORMAT, load_checked
from training.pack_tokens import pack, unpack

ROOT = Path(__file__).resolve().parents[2]
TOKENIZER = ROOT / "models" / "tiny" / "tokenizer.json"
MODEL = {"vocab_size": 4096, "canvas": 128, "d_model": 32, "n_heads": 2, "n_enc": 1, "n_dec": 1, "d_ff": 64,
         "qk_norm": True, "mlp": "relu2", "bias": False, "zero_init_out": True}
TRAIN = {"batch_size": 4, "lr": 2e-3, "optimizer": "muon", "schedule": "wsd", "warmup_steps": 2,
         "max_steps": 30, "log_every": 1, "eval_every": 1000, "eval_batches": 1, "threads": 1}


def make_tokens(d: Path, n_train=200_000, n_val=20_000) -> Path:
    rng = np.random.default_rng(0)
    d.mkdir(parents=True)
    for split, n in (("train", n_train), ("val", n_val)):
        rng.integers(3, 4096, n).astype(np.uint16).tofile(d / f"{split}.bin")
    (d / "meta.json").write_text(json.dumps({
        "vocab_size": 4096, "special_ids": {"doc": 0, "gap": 1, "pad": 2},
        "splits": {"train": {"tokens": n_train, "chars": 3 * n_train, "files": 1},
                   "val": {"tokens": n_val, "chars": 3 * n_val, "files": 1}}}))
    return d


def test_pack_cuts_shards_that_fit_one_call_and_unpack_appends_them_once(tmp_path):
    data = make_tokens(tmp_path / "tokens")
    packed = pack(data, tmp_path / "packed", max_mib=0.3, chunk_tokens=50_000)
    shards = packed["shards"]
    assert len(shards) >= 2 and sum(s["tokens"] for s in shards) == 200_000
    for s in shards:  # one shard + val.bin + meta.json per call
        assert (tmp_path / "packed" / s["file"]).stat().st_size + (data / "val.bin").stat().st_size <= 0.3 * 2**20
    full = np.fromfile(data / "train.bin", dtype=np.uint16)
    carry, out = tmp_path / "carry", tmp_path / "out"
    carry.mkdir()
    for name in ("val.bin", "meta.json", shards[0]["file"]):
        shutil.copyfile(tmp_path / "packed" / name, carry / name)
    assert unpack(carry, out) == shards[0]["tokens"]
    shutil.copyfile(tmp_path / "packed" / shards[1]["file"], carry / shards[1]["file"])  # next call
    n = unpack(carry, out)  # shard 0 is not appended twice
    assert n == shards[0]["tokens"] + shards[1]["tokens"]
    assert np.array_equal(np.fromfile(out / "train.bin", dtype=np.uint16), full[:n])


def sh(script: str, env: dict, timeout=900):
    res = subprocess.run(["bash", str(ROOT / "training" / script)], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PY": sys.executable, "OMP_NUM_THREADS": "1", **env}, timeout=timeout)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


def test_tiny_device_path_end_to_end_on_cpu(tmp_path):
    data = make_tokens(tmp_path / "tokens")
    pack(data, tmp_path / "carry", max_mib=8, chunk_tokens=50_000)  # one shard holds it all
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps({"model": MODEL, "objective": {"max_capacity": 32}, "train": TRAIN}))
    work, out = tmp_path / "work", tmp_path / "out"
    env = {"CONFIG": str(cfg), "CARRY": str(tmp_path / "carry"), "OUT_DIR": str(out), "WORK": str(work),
           "BUDGET": "1000", "CKPT_MIN": "0", "PART_SIZE": "200k"}
    sh("device_train.sh", {**env, "MINUTES": "0.005"})  # first call: stopped by its time limit
    first = load_checked(work / "run" / "ckpt.pt", FORMAT)["step"]
    assert 1 <= first < TRAIN["max_steps"]
    sh("device_train.sh", {**env, "MINUTES": "100"})  # second call on the same machine: continues
    ref = subprocess.run([sys.executable, "-m", "training.train", "--config", str(cfg), "--out", str(tmp_path / "ref"),
                          "--set", f'train.data="{work / "data"}"', "--set", "train.budget_minutes=1000"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"})
    assert ref.returncode == 0, ref.stderr[-3000:]
    a, b = load_checked(tmp_path / "ref" / "ckpt.pt", FORMAT), load_checked(work / "run" / "ckpt.pt", FORMAT)
    assert a["step"] == b["step"] == TRAIN["max_steps"]
    for k in a["ema"]:
        assert torch.equal(a["ema"][k], b["ema"][k]), k
    parts = sorted(out.glob("weights.pt.part-*"))
    assert len(parts) >= 2 and all(p.stat().st_size <= 200 * 1024 for p in parts)
    assert len(list(out.iterdir())) <= 8  # what $OUT may bring back

    heldout = tmp_path / "heldout.jsonl"
    text = (ROOT / "examples" / "hello.py").read_text().replace("<FILL>", "name")
    heldout.write_text("".join(json.dumps({"text": text * 3}) + "\n" for _ in range(3)))
    corpus = tmp_path / "corpus.json"
    corpus.write_text(json.dumps({"totals": {"train": {"all": {"bytes": 10, "files": 1}, "python": {"bytes": 10}}}}))
    model = tmp_path / "model"
    sh("device_release.sh", {"FROM": str(out), "MODEL_OUT": str(model), "RUN": str(tmp_path / "run"),
                             "TOKENIZER": str(TOKENIZER), "DATA": str(work / "data"), "FILES": str(heldout),
                             "CORPUS": str(corpus), "EVAL_ARGS": "--per-kind 1 --steps 2 --nelbo-batches 1 --batch 4"})
    manifest = json.loads((model / "manifest.json").read_text())
    assert manifest["training"]["steps"] == TRAIN["max_steps"] and manifest["architecture"]["qk_norm"] is True

    if not (ROOT / "dist" / "cli.js").exists():
        subprocess.run(["node", "scripts/build.mjs"], cwd=ROOT, check=True, capture_output=True)
    fill = subprocess.run(["node", "dist/cli.js", "fill", "examples/hello.py", "--model", str(model)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert fill.returncode == 0, fill.stderr
    assert "def greet" in fill.stdout and "<FILL>" not in fill.stdout
