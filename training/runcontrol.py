"""When a training session stops, why, and what it says: budgets, signals, progress, exit codes.

Budgets are totals over the whole run, across resumes: `max_steps` counts optimizer steps and
`max_minutes` counts training wall time (the `wall_s` a checkpoint carries forward; time lost
to a crash after the last checkpoint is not counted, as its work is redone). Reaching either
finishes the run: exit status 0. To train further, resume with a larger budget
(`--set train.max_minutes=...`).

SIGINT (Ctrl-C) and SIGTERM interrupt it: the current step finishes, a checkpoint is written, and
the process exits with 128 + the signal number (130, 143) after printing
"interrupted at step N; resume with ...". A second signal aborts at once, without a checkpoint.
"""
from __future__ import annotations

import shlex
import signal
import sys

from tqdm import tqdm

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopControl:
    def __init__(self, max_steps: int, max_minutes: float):
        self.max_steps = max_steps
        self.budget_s = max_minutes * 60 if max_minutes else None
        self.signum: int | None = None

    def install(self) -> None:
        def handler(signum, _frame):
            if self.signum is not None:  # second signal: abort without a checkpoint
                raise KeyboardInterrupt
            self.signum = signum
            print(f"\ntrain: {signal.Signals(signum).name}: finishing this step, then checkpointing "
                  "(send it again to abort without a checkpoint)", file=sys.stderr, flush=True)
        for s in SIGNALS:
            signal.signal(s, handler)

    def reason(self, step: int, wall_s: float) -> str | None:
        """Why to stop now: 'signal', 'max_steps', 'max_minutes', or None to go on."""
        if self.signum is not None:
            return "signal"
        if step >= self.max_steps:
            return "max_steps"
        if self.budget_s is not None and wall_s >= self.budget_s:
            return "max_minutes"
        return None

    def exit_code(self) -> int:
        return 128 + self.signum if self.signum is not None else 0


def binding_limit(step: int, wall_s: float, max_steps: int, budget_s: float | None,
                  s_per_step: float | None) -> tuple[str, float, float | None]:
    """(limit that ends the run first, fraction of it used, seconds left or None if unknown)."""
    steps_left = max(0, max_steps - step)
    by_steps = steps_left * s_per_step if s_per_step else None
    by_time = max(0.0, budget_s - wall_s) if budget_s is not None else None
    if by_time is not None and (by_steps is None or by_time <= by_steps):
        return "max_minutes", min(1.0, wall_s / budget_s) if budget_s else 1.0, by_time
    return "max_steps", min(1.0, step / max_steps) if max_steps else 1.0, by_steps


def horizon_eta(frac0: float, frac: float, wall0: float, wall: float) -> float | None:
    """Seconds left on the schedule's horizon (train.budget_minutes, on the wall or CPU clock),
    from how fast its share of the run grew this session; None until it has grown."""
    if frac >= 1.0:
        return 0.0
    if frac <= frac0 or wall <= wall0:
        return None
    return (wall - wall0) * (1.0 - frac) / (frac - frac0)


def fmt_duration(s: float | None) -> str:
    if s is None:
        return "?"
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """A bar over whichever limit ends the run first, with the ETA that limit implies."""

    def __init__(self, ctl: StopControl, step: int, wall_s: float, enabled: bool, horizon: float | None = None):
        """`horizon`: the share of train.budget_minutes used so far (None: the run has no such budget)."""
        self.ctl, self.step0, self.wall0, self.horizon0 = ctl, step, wall_s, horizon
        self.bar = tqdm(total=1000, bar_format="{percentage:3.0f}%|{bar}| {desc}", disable=not enabled,
                        dynamic_ncols=True, mininterval=0.5)
        self.extra = ""

    def update(self, step: int, wall_s: float, horizon: float | None = None, **extra) -> None:
        if extra:
            self.extra = ", ".join(f"{k} {v}" for k, v in extra.items())
        done = step - self.step0
        rate = (wall_s - self.wall0) / done if done > 0 else None
        limit, frac, left = binding_limit(step, wall_s, self.ctl.max_steps, self.ctl.budget_s, rate)
        if horizon is not None and self.horizon0 is not None:
            h_left = horizon_eta(self.horizon0, horizon, self.wall0, wall_s)
            if horizon >= frac or (h_left is not None and (left is None or h_left <= left)):
                limit, frac, left = "budget_minutes", min(1.0, horizon), h_left
        budget = f"{wall_s / 60:.2f}/{self.ctl.budget_s / 60:g} min" if self.ctl.budget_s else f"{wall_s / 60:.2f} min"
        self.bar.n = int(frac * 1000)
        self.bar.set_description_str(f"step {step}/{self.ctl.max_steps}, {budget}, ETA {fmt_duration(left)} "
                                     f"({limit})" + (f", {self.extra}" if self.extra else ""), refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def resume_command(argv: list[str], drop_set: str | None = None) -> str:
    """The command that continues this run: same arguments, --resume instead of --overwrite /
    --init-from (and without `--set DROP_SET=...` when given)."""
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if a in ("--overwrite", "--resume", "--debug") or a.startswith("--init-from="):
            i += 1
        elif a == "--init-from" or (a == "--set" and drop_set and nxt.startswith(drop_set + "=")):
            i += 2
        else:
            out.append(a)
            i += 1
    return shlex.join(["python", "-m", "training.train", *out, "--resume"])


def stop_message(reason: str, ctl: StopControl, step: int, wall_s: float, argv: list[str]) -> str:
    if reason == "signal":
        name = signal.Signals(ctl.signum).name
        return f"interrupted ({name}) at step {step}; checkpoint saved; resume with: {resume_command(argv)}"
    used = f"step {step}, {wall_s / 60:.2f} min of training in total"
    if reason == "max_steps":
        return f"finished: max_steps reached ({used})"
    return (f"finished: max_minutes budget of {ctl.budget_s / 60:g} min used ({used}); to train on, "
            f"resume with a larger budget: {resume_command(argv, 'train.max_minutes')} --set train.max_minutes=N")
