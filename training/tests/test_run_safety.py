"""Runs that cannot be lost: no silent overwrite, one trainer per run folder (stale locks
reported), exit codes on SIGINT/SIGTERM, the total time budget, one-line errors.
Signals and the lock use real trainer processes; the rest runs the same entry point in-process
(`run_cli(main)`, as `python -m training.train` does), which is much faster here."""
import json
import os
import signal
import subprocess
import sys

import pytest

from training.checkpoint import FORMAT, load_checked
from training.errors import run_cli
from training.runcontrol import Progress, StopControl, binding_limit, horizon_eta, resume_command
from training.runfolder import RunFolderError, RunLock
from training.tests.test_train import ROOT, make_config, make_data
from training.train import main

ENV = {**os.environ, "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}


@pytest.fixture
def train(capsys, monkeypatch):
    """`python -m training.train ARGS` in this process: (returncode, stderr)."""
    monkeypatch.setenv("TQDM_DISABLE", "1")
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def call(*args):
        capsys.readouterr()
        try:
            run_cli(main, "train", [str(a) for a in args])
        except SystemExit as e:
            code = e.code
        finally:
            for s, h in saved.items():
                signal.signal(s, h)
        return subprocess.CompletedProcess(args, code, "", capsys.readouterr().err)
    return call


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "training.train", *map(str, args)], env=ENV, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_step(p, step: int):
    for line in p.stdout:
        if line.startswith("{") and json.loads(line).get("step", -1) >= step and "loss" in line:
            return
    raise AssertionError(f"trainer ended before step {step}: {p.stderr.read()[-2000:]}")


def events(out):
    return [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines() if '"event"' in line]


def step_of(out):
    return load_checked(out / "ckpt.pt", FORMAT)["step"]


def error_line(res) -> str:
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1, res.stderr[-2000:]
    assert "Traceback" not in res.stderr and len(lines) == 1, res.stderr
    return lines[0]


def test_a_run_folder_is_not_replaced_without_overwrite(tmp_path, train):
    cfg = make_config(tmp_path, make_data(tmp_path / "data"), max_steps=3)
    out = tmp_path / "run"
    assert train("--config", cfg, "--out", out).returncode == 0
    ckpt, log = (out / "ckpt.pt").read_bytes(), (out / "log.jsonl").read_text()
    line = error_line(train("--config", cfg, "--out", out))
    assert "already holds a run" in line and "--resume" in line and "--out" in line and "--overwrite" in line
    assert (out / "ckpt.pt").read_bytes() == ckpt and (out / "log.jsonl").read_text() == log  # untouched
    res = train("--config", cfg, "--out", out, "--overwrite", "--set", "train.max_steps=2")
    assert res.returncode == 0, res.stderr
    assert step_of(out) == 2
    assert [e["event"] for e in events(out)] == ["started", "finished"]  # the old run's log is gone


def test_resume_appends_a_session_marker(tmp_path, train):
    cfg = make_config(tmp_path, make_data(tmp_path / "data"), max_steps=2)
    out = tmp_path / "run"
    assert train("--config", cfg, "--out", out).returncode == 0
    assert train("--config", cfg, "--out", out, "--resume", "--set", "train.max_steps=4").returncode == 0
    ev = events(out)
    assert [e["event"] for e in ev] == ["started", "finished", "resumed", "finished"]
    assert (ev[2]["session"], ev[2]["step"], ev[2]["pid"]) == (2, 2, ev[2]["pid"]) and "--resume" in ev[2]["command"]


def test_the_lock_stops_a_second_trainer_and_a_stale_lock_is_reported(tmp_path, train):
    cfg = make_config(tmp_path, make_data(tmp_path / "data"), max_steps=100000)
    out = tmp_path / "run"
    first = start("--config", cfg, "--out", out)
    try:
        wait_for_step(first, 2)
        lock = json.loads((out / "run.lock").read_text())
        assert lock["pid"] == first.pid and lock["host"]
        line = error_line(train("--config", cfg, "--out", out, "--resume"))
        assert "in use by another trainer" in line and f"PID {first.pid}" in line
    finally:
        first.kill()  # SIGKILL: no cleanup, the lock file stays behind
        first.wait()
    assert json.loads((out / "run.lock").read_text())["pid"] == first.pid
    res = train("--config", cfg, "--out", out, "--resume", "--set", f"train.max_steps={step_of(out) + 1}")
    assert res.returncode == 0, res.stderr
    assert "stale lock" in res.stderr and f"PID {first.pid}" in res.stderr
    assert not (out / "run.lock").exists()  # released on exit


def test_lock_in_process_live_holder_refused_released_lock_reusable(tmp_path):
    a, b = RunLock(tmp_path / "run.lock"), RunLock(tmp_path / "run.lock")
    assert a.acquire() is None
    with pytest.raises(RunFolderError, match=f"PID {os.getpid()}"):
        b.acquire()
    a.release()
    assert b.acquire() is None  # a clean release leaves no stale record
    b.release()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_checkpoints_and_exits_with_the_signal_code(tmp_path, sig, code):
    cfg = make_config(tmp_path, make_data(tmp_path / "data"), max_steps=100000, ckpt_every_minutes=60.0)
    out = tmp_path / "run"
    p = start("--config", cfg, "--out", out)
    wait_for_step(p, 2)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert p.returncode == code, err[-2000:]
    step = step_of(out)  # a checkpoint written on the way out (the periodic one is hourly here)
    msg = f"interrupted ({sig.name}) at step {step}; checkpoint saved; resume with: "
    assert msg in err and "--resume" in err.split(msg)[1].splitlines()[0]
    assert events(out)[-1] == {**events(out)[-1], "event": "interrupted", "reason": "signal", "step": step}
    assert not (out / "run.lock").exists()


def test_max_minutes_is_a_budget_over_the_whole_run(tmp_path, train):
    cfg = make_config(tmp_path, make_data(tmp_path / "data"), max_steps=100000, max_minutes=0.02)
    out = tmp_path / "run"
    res = train("--config", cfg, "--out", out)
    assert res.returncode == 0 and "max_minutes budget" in res.stderr, res.stderr
    ck = load_checked(out / "ckpt.pt", FORMAT)
    assert ck["wall_s"] >= 1.2
    again = train("--config", cfg, "--out", out, "--resume")  # nothing left: no fresh budget
    assert again.returncode == 0 and step_of(out) == ck["step"], again.stderr
    more = train("--config", cfg, "--out", out, "--resume", "--set", "train.max_minutes=0.04")
    assert more.returncode == 0 and step_of(out) > ck["step"]
    assert 2.4 <= load_checked(out / "ckpt.pt", FORMAT)["wall_s"] < 2.4 + 30


def test_the_binding_limit_and_its_eta():
    # 10 s per step, 100 steps left = 1000 s; 600 s of a 3600 s budget used = 3000 s left: steps bind
    assert binding_limit(900, 600.0, 1000, 3600.0, 10.0) == ("max_steps", 0.9, 1000.0)
    # the budget ends first
    assert binding_limit(100, 3000.0, 1000, 3600.0, 10.0) == ("max_minutes", 3000 / 3600, 600.0)
    # no time budget; rate not known yet
    assert binding_limit(0, 0.0, 1000, None, None) == ("max_steps", 0.0, None)


def test_the_bar_follows_a_budget_minutes_horizon():
    # a WSD run on train.budget_minutes (max_steps huge): 30% of the horizon used in 600 s of this
    # session, from 10% at its start -> 20% per 600 s -> 70% left = 2100 s
    assert horizon_eta(0.1, 0.3, 1000.0, 1600.0) == 2100.0
    assert horizon_eta(0.1, 0.1, 1000.0, 1600.0) is None  # not grown yet: unknown
    assert horizon_eta(0.5, 1.0, 1000.0, 1600.0) == 0.0
    bar = Progress(StopControl(1_000_000, 0.0), 100, 1000.0, enabled=False, horizon=0.1)
    bar.update(200, 1600.0, 0.3)
    assert "(budget_minutes)" in bar.bar.desc and "ETA 35:00" in bar.bar.desc
    assert bar.bar.n == 300
    plain = Progress(StopControl(1000, 0.0), 0, 0.0, enabled=False)  # no budget: steps bind as before
    plain.update(500, 100.0)
    assert "(max_steps)" in plain.bar.desc and plain.bar.n == 500


def test_resume_command_keeps_the_arguments_and_drops_overwrite_and_init():
    argv = ["--config", "c.json", "--out", "runs/x", "--overwrite", "--init-from", "models/m",
            "--set", "train.max_minutes=5", "--set", "train.lr=1e-3"]
    assert resume_command(argv) == ("python -m training.train --config c.json --out runs/x "
                                    "--set train.max_minutes=5 --set train.lr=1e-3 --resume")
    assert "max_minutes" not in resume_command(argv, "train.max_minutes")


def test_expected_failures_are_one_line_and_debug_shows_the_traceback(tmp_path, train):
    data = make_data(tmp_path / "data")
    bad = make_config(tmp_path, data, max_step=2)  # typo in a key
    assert "unknown train config keys" in error_line(train("--config", bad, "--out", tmp_path / "a"))
    debug = subprocess.run([sys.executable, "-m", "training.train", "--config", str(bad), "--out",
                            str(tmp_path / "a2"), "--debug"], env=ENV, cwd=ROOT, capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "unknown train config keys" in debug.stderr
    nodata = make_config(tmp_path, tmp_path / "nowhere", max_steps=2)
    assert "meta.json missing" in error_line(train("--config", nodata, "--out", tmp_path / "b"))
    cfg = make_config(tmp_path, data, max_steps=2)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "ckpt.pt").write_bytes(b"\x00garbage" * 100)
    assert "corrupt or unreadable" in error_line(train("--config", cfg, "--out", tmp_path / "c", "--resume"))
    (tmp_path / "bad.json").write_text("{not json")
    assert "not valid JSON" in error_line(train("--config", tmp_path / "bad.json", "--out", tmp_path / "d"))
