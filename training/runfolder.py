"""A run folder (`--out`): never silently replaced, one trainer at a time, one log per run.

- Starting without `--resume` in a folder that holds a run is refused; `--overwrite` replaces it.
- `run.lock` holds the trainer's PID and host. The lock itself is an flock on that file, which the
  kernel drops when the process dies (even on SIGKILL): a lock file nobody holds is stale, and
  taking it over is reported with the dead owner's PID and host.
- `log.jsonl` belongs to one run. Every session appends a marker (`started` or `resumed`) with its
  session number, PID, host and command line, so the sessions of a run stay apart.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

from training.errors import UserError

LOCK = "run.lock"
LOG = "log.jsonl"
CKPT = "ckpt.pt"
RUN_FILES = (CKPT, CKPT + ".tmp", LOG, "config.json")  # what makes a folder "hold a run"


class RunFolderError(UserError):
    pass


def owner_text(info: dict) -> str:
    started = info.get("started")
    when = time.strftime(" since %Y-%m-%d %H:%M:%S", time.localtime(started)) if started else ""
    return f"PID {info.get('pid', '?')} on {info.get('host', '?')}{when}"


class RunLock:
    """Exclusive lock on OUT/run.lock for the life of this process."""

    def __init__(self, path: Path):
        self.path, self.fd = Path(path), None

    def acquire(self) -> dict | None:
        """Take the lock. Returns the previous owner's record when the lock was stale (its
        owner died without releasing it); raises RunFolderError when a live trainer holds it."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                info = _read_record(fd)
                os.close(fd)
                raise RunFolderError(
                    f"{self.path.parent} is in use by another trainer ({owner_text(info)}); "
                    "wait for it or stop it, or choose another --out") from None
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the holder removed the file between our open and flock: try again
        stale = _read_record(fd) or None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                  "started": time.time()}).encode(), 0)
        os.fsync(fd)
        self.fd = fd
        return stale

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        os.close(self.fd)  # closing drops the flock
        self.fd = None


def _read_record(fd: int) -> dict:
    raw = os.pread(fd, 4096, 0)
    try:
        return json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {"pid": "?", "host": "? (unreadable lock file)"}


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def holds_run(out: Path) -> bool:
    return any((out / f).exists() for f in RUN_FILES)


def last_step(out: Path) -> int | None:
    """The last step the run's log mentions (cheap: no checkpoint load)."""
    step = None
    try:
        with open(out / LOG, encoding="utf-8") as f:
            for line in f:
                try:
                    step = json.loads(line).get("step", step)
                except ValueError:
                    continue
    except FileNotFoundError:
        pass
    return step


class RunFolder:
    """Open OUT for one training session: lock it, then refuse, replace or continue the run."""

    def __init__(self, out: Path, command: list[str]):
        self.out, self.command = Path(out), command
        self.lock = RunLock(self.out / LOCK)
        self.notes: list[str] = []

    def open(self, resume: bool, overwrite: bool) -> None:
        if resume and overwrite:
            raise RunFolderError("--resume and --overwrite contradict each other: choose one")
        self.out.mkdir(parents=True, exist_ok=True)
        stale = self.lock.acquire()
        if stale is not None:
            self.notes.append(f"took over a stale lock from a trainer that is gone ({owner_text(stale)})")
        try:
            if not resume and holds_run(self.out):
                if not overwrite:
                    step = last_step(self.out)
                    at = f" (logged up to step {step})" if step is not None else ""
                    raise RunFolderError(
                        f"{self.out} already holds a run{at}: continue it with --resume, "
                        "start another with a new --out, or replace it with --overwrite")
                for name in RUN_FILES:
                    (self.out / name).unlink(missing_ok=True)
                self.notes.append(f"--overwrite: replaced the run in {self.out}")
        except BaseException:
            self.lock.release()
            raise
        for note in self.notes:
            print(f"train: {note}", file=sys.stderr)

    def marker(self, resumed: bool, **fields) -> dict:
        """The session marker that opens this session's part of the log."""
        return {"event": "resumed" if resumed else "started", "session": self.sessions() + 1,
                "pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                **({"notes": self.notes} if self.notes else {}), **fields}

    def sessions(self) -> int:
        try:
            with open(self.out / LOG, encoding="utf-8") as f:
                return sum(1 for line in f if '"event": "started"' in line or '"event": "resumed"' in line)
        except FileNotFoundError:
            return 0

    def close(self) -> None:
        self.lock.release()
