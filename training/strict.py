"""Dataclass construction that rejects unknown keys, so a typo in a config never silently
falls back to a default. Shared by the model, objective and trainer configs."""
from __future__ import annotations

from dataclasses import fields


def strict_init(cls, d: dict, what: str):
    unknown = set(d) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {what} config keys: {sorted(unknown)}")
    return cls(**d)
