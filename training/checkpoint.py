"""Checkpoints: atomic writes, exact resume, clear refusal of corrupt files.

A training checkpoint (`ckpt.pt`) holds model, EMA, optimizer, step, tokens seen, wall time and
the run config. A shipped checkpoint (`weights.pt`) holds only the EMA weights in fp16 plus the
model config and provenance: later sessions start from it with a fresh optimizer and a warm-up.
"""
from __future__ import annotations

import os
from pathlib import Path

import torch

FORMAT = "pgm-infill-ckpt-v1"
SHIPPED_FORMAT = "pgm-infill-weights-v1"


class CheckpointError(RuntimeError):
    pass


def atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_checked(path: Path, expected_format: str | tuple[str, ...]) -> dict:
    """torch.load with a clear error for missing, truncated or foreign files."""
    expected = (expected_format,) if isinstance(expected_format, str) else expected_format
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # truncated zip, garbage bytes, pickle errors
        raise CheckpointError(
            f"checkpoint {path} is corrupt or unreadable ({type(e).__name__}: {e}). "
            "Refusing to start from scratch silently: delete it or pass another run folder.") from e
    if not isinstance(obj, dict) or obj.get("format") not in expected:
        got = obj.get("format") if isinstance(obj, dict) else type(obj).__name__
        raise CheckpointError(f"{path} is not a {' or '.join(expected)} file (found {got!r})")
    return obj


def save_training(path: Path, *, model, ema, opt, step, tokens, wall_s, config: dict,
                  extra: dict | None = None) -> None:
    atomic_save({"format": FORMAT, "model": model.state_dict(), "ema": ema.state_dict(),
                 "opt": opt.state_dict(), "step": step, "tokens": tokens, "wall_s": wall_s,
                 "config": config, "extra": extra or {}}, path)


def save_shipped(path: Path, *, ema_state: dict, model_config: dict, provenance: dict) -> None:
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in ema_state.items()}
    atomic_save({"format": SHIPPED_FORMAT, "weights": half, "model_config": model_config,
                 "provenance": provenance}, path)


def load_weights_any(path: Path) -> tuple[dict, dict, dict]:
    """(state_dict fp32, model_config, provenance) from a training checkpoint (its EMA
    weights), a shipped weights file, or a released model folder (weights read from its ONNX)."""
    path = Path(path)
    if path.is_dir():
        return load_model_folder(path)
    obj = load_checked(path, (FORMAT, SHIPPED_FORMAT))
    if obj["format"] == FORMAT:
        return obj["ema"], obj["config"]["model"], {"tokens": obj["tokens"], "wall_s": obj["wall_s"],
                                                     "step": obj["step"], "train_config": obj["config"],
                                                     **obj.get("extra", {})}
    w = {k: (v.float() if v.is_floating_point() else v) for k, v in obj["weights"].items()}
    return w, obj["model_config"], obj["provenance"]


def load_model_folder(folder: Path) -> tuple[dict, dict, dict]:
    import json

    from training.onnx_weights import read_state_dict
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise CheckpointError(f"{folder} is not a model folder (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    arch = {k: v for k, v in manifest["architecture"].items() if k != "type"}
    files = [folder / g["file"] for g in manifest["graphs"].values()]
    state = {k: torch.from_numpy(v) for k, v in read_state_dict(files).items()}
    train = manifest.get("training", {})
    prov = {"tokens": train.get("tokens", 0), "wall_s": train.get("wall_s", 0.0),
            "step": train.get("steps", 0), "train_config": train.get("config", {})}
    model_cfg = train.get("config", {}).get("model") or arch
    return state, model_cfg, prov


def ship(ckpt: Path, out: Path) -> dict:
    """Training checkpoint -> shipped weights (EMA, fp16, no optimizer state)."""
    ck = load_checked(ckpt, FORMAT)
    prov = {"step": ck["step"], "tokens": ck["tokens"], "wall_s": ck["wall_s"],
            "train_config": ck["config"], **ck.get("extra", {})}
    save_shipped(out, ema_state=ck["ema"], model_config=ck["config"]["model"], provenance=prov)
    return prov


def main(argv=None):
    import argparse
    import json
    ap = argparse.ArgumentParser(description="checkpoint utilities")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ship", help="write the fp16 EMA weights of a training checkpoint")
    s.add_argument("--ckpt", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--debug", action="store_true", help="on an expected error, show the full traceback")
    a = ap.parse_args(argv)
    prov = ship(a.ckpt, a.out)
    print(json.dumps({k: v for k, v in prov.items() if k != "train_config"}))


if __name__ == "__main__":
    from training.checkpoint import main as package_main  # the package's CheckpointError, not __main__'s
    from training.errors import run_cli
    run_cli(package_main, "checkpoint")
