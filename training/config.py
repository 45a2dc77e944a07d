"""Run configuration: one JSON file with `model`, `objective` and `train` sections.
Unknown keys anywhere are rejected, so a typo never silently falls back to a default."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from training.errors import ConfigError
from training.model import PGMConfig
from training.objective import ObjectiveConfig
from training.strict import strict_init


@dataclass
class TrainConfig:
    data: str = "data/tokens"          # folder with train.bin, val.bin, meta.json
    batch_size: int = 12               # per process, per micro-step
    grad_accum: int = 1
    lr: float = 1e-3                   # AdamW peak rate (all parameters, or non-Muon ones)
    optimizer: str = "adamw"           # "adamw" or "muon" (Muon on hidden matrices): training/optim.py
    muon_lr: float = 0.02
    muon_momentum: float = 0.95
    schedule: str = "constant"         # "constant" (warm-up then flat) or "wsd" (+ linear cooldown)
    cooldown_fraction: float = 0.2     # wsd: share of the run spent cooling down to 0
    warmup_steps: int = 500
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    ema_decay: float = 0.999
    max_steps: int = 1_000_000
    max_minutes: float = 0.0           # stop after this wall time (0 = no limit)
    budget_minutes: float = 0.0        # the schedule's horizon on `clock`, over resumes: the wsd
                                       # cooldown ends and the run stops there (0 = max_minutes,
                                       # else max_steps); max_minutes can stop a session earlier
    clock: str = "wall"                # budget clock: "wall" or "cpu" (process CPU time, for A/Bs
                                       # on a shared machine)
    ckpt_every_minutes: float = 10.0
    log_every: int = 20
    eval_every: int = 500
    eval_batches: int = 8
    seed: int = 0
    bf16: bool = True                  # autocast on CUDA only
    threads: int = 0                   # torch CPU threads (0 = torch default)
    compile: bool = True               # torch.compile the model (CUDA only)
    attention: str = "mask"            # "mask" (dense boolean mask, SDPA) or "flex" (FlexAttention
                                       # block masks, CUDA only; see model.py)
    peak_flops: float = 989e12         # for MFU in the log: H100/H200 SXM dense bf16

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        return strict_init(cls, d, "train")

    def __post_init__(self):
        for key, allowed in (("optimizer", ("adamw", "muon")), ("schedule", ("constant", "wsd")),
                             ("clock", ("wall", "cpu")), ("attention", ("mask", "flex"))):
            if getattr(self, key) not in allowed:
                raise ValueError(f"train.{key} must be one of {allowed}, got {getattr(self, key)!r}")


@dataclass
class RunConfig:
    model: PGMConfig = field(default_factory=PGMConfig)
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    @classmethod
    def from_dict(cls, d: dict) -> RunConfig:
        unknown = set(d) - {"model", "objective", "train"}
        if unknown:
            raise ValueError(f"unknown config sections: {sorted(unknown)}")
        return cls(PGMConfig.from_dict(d.get("model", {})),
                   ObjectiveConfig.from_dict(d.get("objective", {})),
                   TrainConfig.from_dict(d.get("train", {})))

    @classmethod
    def load(cls, path: str | Path, overrides: list[str] = ()) -> RunConfig:
        """Read a run config; every way it can be wrong is a ConfigError naming the file."""
        try:
            d = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except ValueError as e:
            raise ConfigError(f"{path} is not valid JSON: {e}") from None
        try:
            for o in overrides:
                apply_override(d, o)
            return cls.from_dict(d)
        except (ValueError, TypeError) as e:
            raise ConfigError(f"{path}: {e}") from e

    def to_dict(self) -> dict:
        return asdict(self)


def apply_override(d: dict, spec: str) -> None:
    """`section.key=value` with value parsed as JSON when it can be (numbers, booleans)."""
    key, _, raw = spec.partition("=")
    section, _, name = key.partition(".")
    if not name or section not in ("model", "objective", "train"):
        raise ValueError(f"override must look like train.lr=3e-4, got {spec!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    d.setdefault(section, {})[name] = value
