"""Train a PGM. CPU or CUDA; several GPUs/nodes with torchrun (DistributedDataParallel).

    python -m training.train --config training/configs/small.json --out runs/small
    python -m training.train --config ... --out runs/small --resume        # continue the same run
    python -m training.train --config ... --out runs/next --init-from models/pgm-code
    torchrun --nproc_per_node 8 -m training.train --config ... --out runs/big

Batches are drawn with a generator seeded by (seed, step, rank), so a resumed run sees exactly
the batches it would have seen: resume restores weights, EMA, optimizer, step and tokens seen.
A run folder is never silently replaced and holds one trainer at a time (training/runfolder.py).
max_steps and max_minutes are budgets over the whole run, across resumes; finishing exits 0,
SIGINT/SIGTERM checkpoint and exit 130/143 (training/runcontrol.py).
Logs: OUT/log.jsonl (one JSON object per log/eval line; each session opens with a `started` or
`resumed` marker) and a progress bar on stderr.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

from training.checkpoint import FORMAT, load_checked, load_weights_any, save_training
from training.config import RunConfig
from training.errors import UserError, add_debug_flag, run_cli
from training.model import PartitionTransformer, PGMConfig
from training.objective import make_batch, nelbo_nats_per_token, weighted_loss
from training.optim import lr_multiplier, make_optimizer, set_lr
from training.runcontrol import Progress, StopControl, stop_message
from training.runfolder import RunFolder
from training.speed import flops_per_token, prepare_model


def setup_distributed():
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world > 1:
        backend = "nccl" if device.type == "cuda" else "gloo"
        torch.distributed.init_process_group(backend)
    return rank, world, device


def load_stream(data_dir: Path, split: str, device) -> torch.Tensor:
    path = data_dir / f"{split}.bin"
    if not path.exists():
        raise UserError(f"{path} missing: build the token streams first (python -m training.tokenizer encode)")
    arr = np.fromfile(path, dtype=np.uint16).astype(np.int32)
    return torch.from_numpy(arr).to(device)


@torch.no_grad()
def ema_update(ema, model, decay: float):
    for e, p in zip(ema.parameters(), model.parameters()):
        e.lerp_(p.detach(), 1 - decay)


@torch.no_grad()
def evaluate(model, val: torch.Tensor, L: int, n_batches: int, bs: int, chars_per_token: float):
    """Validation NELBO on fixed windows (same windows every time)."""
    model.eval()
    gen = torch.Generator(device=val.device).manual_seed(99)
    total = 0.0
    for _ in range(n_batches):
        off = torch.randint(0, val.numel() - L, (bs,), generator=gen, device=val.device)
        ids = val[off[:, None] + torch.arange(L, device=val.device)].long()
        total += float(nelbo_nats_per_token(model, ids))
    model.train()
    nats = total / n_batches
    return {"val_nats_per_token": nats, "val_bits_per_token": nats / math.log(2),
            "val_bits_per_char": nats / math.log(2) / chars_per_token}


class Trainer:
    def __init__(self, cfg: RunConfig, out: Path, resume: bool, init_from: Path | None):
        self.cfg, self.out = cfg, out
        self.rank, self.world, self.device = setup_distributed()
        tc = cfg.train
        if tc.threads and self.device.type == "cpu":
            torch.set_num_threads(tc.threads)
        torch.backends.cuda.matmul.allow_tf32 = True
        data = Path(tc.data)
        if not (data / "meta.json").exists():
            raise UserError(f"{data / 'meta.json'} missing: train.data must be a token folder "
                            "(python -m training.tokenizer encode)")
        self.meta = json.loads((data / "meta.json").read_text())
        self.gap_id = self.meta["special_ids"]["gap"]
        val_meta = self.meta["splits"]["val"]
        self.chars_per_token = val_meta["chars"] / val_meta["tokens"]
        self.train_stream = load_stream(data, "train", self.device)
        self.val_stream = load_stream(data, "val", self.device)
        if cfg.model.vocab_size < self.meta["vocab_size"]:
            raise UserError(f"model vocab {cfg.model.vocab_size} < tokenizer vocab {self.meta['vocab_size']}")
        torch.manual_seed(tc.seed)
        self.model = PartitionTransformer(cfg.model).to(self.device)
        self.ema = copy.deepcopy(self.model).eval()
        self.opt = make_optimizer(self.model, tc, fused=self.device.type == "cuda")
        self.step, self.tokens, self.wall_prev = 0, 0, 0.0
        self.extra = {"cpu_s": 0.0}
        self.resumed = resume and (out / "ckpt.pt").exists()
        if self.resumed:
            self._resume(out / "ckpt.pt")
        elif init_from:
            self._init_from(init_from)
        self.ddp = prepare_model(self.model, tc, self.device)  # compile / FlexAttention on CUDA
        if self.world > 1:
            self.ddp = torch.nn.parallel.DistributedDataParallel(
                self.ddp, device_ids=[self.device.index] if self.device.type == "cuda" else None)

    def _resume(self, path: Path):
        ck = load_checked(path, FORMAT)
        if PGMConfig.from_dict(ck["config"]["model"]) != self.cfg.model:  # old files: defaults
            raise UserError(f"{path} was trained with another model config: {ck['config']['model']}")
        self.model.load_state_dict(ck["model"])
        self.ema.load_state_dict(ck["ema"])
        self.opt.load_state_dict(ck["opt"])
        self.step, self.tokens, self.wall_prev = ck["step"], ck["tokens"], ck["wall_s"]
        self.extra = {"cpu_s": 0.0, **ck.get("extra", {})}

    def _init_from(self, path: Path):
        """Start from shipped weights: fresh optimizer, warm-up again, provenance kept."""
        weights, model_cfg, prov = load_weights_any(path)
        if PGMConfig.from_dict(model_cfg) != self.cfg.model:
            raise UserError(f"{path} has model config {model_cfg}, run config differs")
        self.model.load_state_dict(weights)
        self.ema.load_state_dict(weights)
        # cumulative over chains of runs: what the starting weights had seen, all told
        self.extra = {"cpu_s": 0.0, "init_from": str(path),
                      "tokens_before": prov.get("tokens", 0) + prov.get("tokens_before", 0),
                      "wall_s_before": prov.get("wall_s", 0.0) + prov.get("wall_s_before", 0.0)}

    def log_line(self, rec: dict):
        if self.rank != 0:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        rec = {"time": time.time(), **rec}
        with open(self.out / "log.jsonl", "a") as f:
            f.write(json.dumps(rec) + "\n")
        if os.environ.get("TQDM_DISABLE"):  # no progress bar (batch jobs): echo the log instead
            print(json.dumps(rec), flush=True)

    def save(self):
        self.extra["cpu_s"] = self.cpu_now()
        if self.rank == 0:
            save_training(self.out / "ckpt.pt", model=self.model, ema=self.ema, opt=self.opt,
                          step=self.step, tokens=self.tokens, wall_s=self.wall_now(),
                          config=self.cfg.to_dict(), extra=self.extra)
        if self.world > 1:
            torch.distributed.barrier()

    def wall_now(self) -> float:
        return self.wall_prev + (time.time() - self.t_start)

    def cpu_now(self) -> float:
        """Process CPU time over the whole run (all sessions)."""
        return self.cpu_prev + (time.process_time() - self.cpu_start)

    def progress(self) -> float:
        """Share of the run done, for the schedule: steps, or time on the schedule's horizon
        (train.budget_minutes on train.clock, else train.max_minutes of wall time)."""
        tc = self.cfg.train
        p = self.step / max(1, tc.max_steps)
        if tc.budget_minutes:
            used = self.cpu_now() if tc.clock == "cpu" else self.wall_now()
            p = max(p, used / (tc.budget_minutes * 60))
        elif tc.max_minutes:
            p = max(p, self.wall_now() / (tc.max_minutes * 60))
        return min(1.0, p)

    def lr_mult(self) -> float:
        p = self.progress()
        if self.world > 1:  # clocks differ a little between processes: all take the furthest
            t = torch.tensor([p], device=self.device)
            torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
            p = float(t.item())
        return lr_multiplier(self.step, p, self.cfg.train)

    def stop_reason(self, ctl: StopControl) -> str | None:
        reason = ctl.reason(self.step, self.wall_now())
        if reason is None and self.cfg.train.budget_minutes and self.progress() >= 1.0:
            reason = "budget_minutes"
        return self._agree(ctl, reason)

    def train_step(self) -> float:
        tc, L = self.cfg.train, self.cfg.model.canvas
        self.last_mult = self.lr_mult()
        set_lr(self.opt, self.last_mult, tc)
        gen = torch.Generator(device=self.device)
        gen.manual_seed(tc.seed * 1_000_003 + self.step * 1009 + self.rank)
        total = 0.0
        for _ in range(tc.grad_accum):
            ids, groups, w = make_batch(self.train_stream, tc.batch_size, L, self.cfg.objective,
                                        self.gap_id, gen)
            use_bf16 = tc.bf16 and self.device.type == "cuda"
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_bf16):
                logits = self.ddp(ids, groups)
            loss = weighted_loss(logits, ids, w) / tc.grad_accum
            loss.backward()
            total += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), tc.grad_clip)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        ema_update(self.ema, self.model, tc.ema_decay)
        self.step += 1
        self.tokens += tc.batch_size * L * tc.grad_accum * self.world
        return total

    def run(self, ctl: StopControl) -> str:
        """Train until a budget is used or a signal arrives; returns the reason (runcontrol)."""
        tc = self.cfg.train
        self.t_start, last_ckpt = time.time(), time.time()
        self.cpu_start, self.cpu_prev = time.process_time(), self.extra.get("cpu_s", 0.0)
        flops_tok = flops_per_token(self.cfg.model)
        horizon = self.progress if tc.budget_minutes else (lambda: None)  # the schedule's horizon, if any
        bar = Progress(ctl, self.step, self.wall_prev,
                       enabled=self.rank == 0 and not os.environ.get("TQDM_DISABLE"), horizon=horizon())
        loss_acc, n_acc, t_log = 0.0, 0, time.time()
        while not (reason := self.stop_reason(ctl)):
            loss_acc += self.train_step()
            n_acc += 1
            if self.step % tc.log_every == 0:
                tps = n_acc * tc.batch_size * self.cfg.model.canvas * tc.grad_accum * self.world / (time.time() - t_log)
                self.log_line({"step": self.step, "loss": loss_acc / n_acc, "lr_mult": self.last_mult,
                               "tokens": self.tokens, "tokens_per_s": tps, "wall_s": self.wall_now(),
                               "cpu_s": self.cpu_now(), "mfu": tps * flops_tok / (tc.peak_flops * self.world)})
                bar.update(self.step, self.wall_now(), horizon(), loss=f"{loss_acc / n_acc:.3f}", tok_s=f"{tps:,.0f}")
                loss_acc, n_acc, t_log = 0.0, 0, time.time()
            else:
                bar.update(self.step, self.wall_now(), horizon())
            if self.step % tc.eval_every == 0 and self.rank == 0:
                self.log_line({"step": self.step, "tokens": self.tokens, **self.eval_ema()})
            if time.time() - last_ckpt > tc.ckpt_every_minutes * 60:
                self.save()
                last_ckpt = time.time()
        bar.close()
        self.save()
        if self.rank == 0:
            final = {} if reason == "signal" else self.eval_ema()  # an interrupted run exits quickly
            self.log_line({"event": "interrupted" if reason == "signal" else "finished", "reason": reason,
                           "step": self.step, "tokens": self.tokens, "wall_s": self.wall_now(),
                           "cpu_s": self.cpu_now(), **final})
        return reason

    def _agree(self, ctl: StopControl, reason: str | None) -> str | None:
        """All processes stop at the same step: the strongest reason any of them has."""
        if self.world == 1:
            return reason
        order = [None, "max_steps", "budget_minutes", "max_minutes", "signal"]
        t = torch.tensor([order.index(reason)], device=self.device)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
        agreed = order[int(t.item())]
        if agreed == "signal" and ctl.signum is None:
            ctl.signum = signal.SIGTERM  # another process was signalled
        return agreed

    def eval_ema(self) -> dict:
        tc = self.cfg.train
        return evaluate(self.ema, self.val_stream, self.cfg.model.canvas, tc.eval_batches,
                        min(tc.batch_size, 32), self.chars_per_token)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--resume", action="store_true", help="continue the run in OUT (from OUT/ckpt.pt if present)")
    ap.add_argument("--overwrite", action="store_true", help="replace the run OUT holds (deletes its checkpoint and log)")
    ap.add_argument("--init-from", type=Path, help="start from shipped or trained weights (a model folder or .pt)")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                    help="override a config value, e.g. --set train.max_minutes=30")
    add_debug_flag(ap)
    a = ap.parse_args(argv)
    cfg = RunConfig.load(a.config, a.set)
    rank0 = int(os.environ.get("RANK", "0")) == 0
    folder = RunFolder(a.out, ["python", "-m", "training.train", *argv]) if rank0 else None
    ctl = StopControl(cfg.train.max_steps, cfg.train.max_minutes)
    if folder:
        folder.open(a.resume, a.overwrite)
    trainer = None
    try:
        ctl.install()
        trainer = Trainer(cfg, a.out, a.resume, a.init_from)
        if folder:
            (a.out / "config.json").write_text(json.dumps(cfg.to_dict(), indent=2))
            trainer.log_line(folder.marker(trainer.resumed, step=trainer.step, tokens=trainer.tokens,
                                           wall_s=trainer.wall_prev, **trainer.extra))
            print(f"model: {trainer.model.num_params():,} params on {trainer.device} x{trainer.world}",
                  file=sys.stderr)
        reason = trainer.run(ctl)
        if trainer.rank == 0:
            msg = (f"finished: train.budget_minutes used on the {cfg.train.clock} clock (step {trainer.step})"
                   if reason == "budget_minutes" else stop_message(reason, ctl, trainer.step, trainer.wall_now(), argv))
            print(f"train: {msg}", file=sys.stderr)
        if trainer.world > 1:
            torch.distributed.destroy_process_group()
        return ctl.exit_code()
    except KeyboardInterrupt:  # a second signal: stop now, no checkpoint
        if trainer is not None:
            trainer.log_line({"event": "aborted", "step": trainer.step})
        print(f"train: aborted without a checkpoint; the last checkpoint in {a.out} (if any) still resumes",
              file=sys.stderr)
        return ctl.exit_code() or 130
    finally:
        if folder:
            folder.close()


if __name__ == "__main__":
    run_cli(main, "train")
