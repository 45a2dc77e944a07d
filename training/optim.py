"""Optimizers and the learning-rate schedule.

- "adamw": one AdamW, weight decay on every matrix except the embedding (v1's optimizer).
- "muon": torch.optim.Muon for the 2-D hidden weight matrices (attention and MLP projections of
  the encoder, GroupSwap and decoder), AdamW for the embedding, the output head, norms, biases and
  GroupSwap's query vector.
- Schedule "constant": linear warm-up, then constant (v1). "wsd": warm-up, stable, then a linear
  cooldown to zero over the last `cooldown_fraction` of the run. Progress is the larger of
  step / max_steps and clock / max_minutes, so a time-budgeted run cools down at its end and a
  run can be lengthened (raise the budget before the cooldown starts) or continued.
"""
from __future__ import annotations

import torch


def is_hidden_matrix(name: str, p: torch.Tensor) -> bool:
    """2-D weights inside the transformer body: not the embedding, not the output head."""
    return p.dim() == 2 and not name.startswith(("embed.", "head."))


def param_groups(model: torch.nn.Module):
    """(hidden matrices, other decayed matrices, everything else) as (name, param) lists."""
    hidden, other_mat, rest = [], [], []
    for n, p in model.named_parameters():
        if is_hidden_matrix(n, p):
            hidden.append((n, p))
        elif p.dim() >= 2 and "embed" not in n:
            other_mat.append((n, p))
        else:
            rest.append((n, p))
    return hidden, other_mat, rest


class MuonAdamW:
    """Muon for the hidden matrices + AdamW for the rest, stepped together, one state dict."""

    def __init__(self, muon: torch.optim.Optimizer, adamw: torch.optim.Optimizer):
        self.muon, self.adamw = muon, adamw

    @property
    def param_groups(self):
        return self.muon.param_groups + self.adamw.param_groups

    def step(self):
        self.muon.step()
        self.adamw.step()

    def zero_grad(self, set_to_none: bool = True):
        self.muon.zero_grad(set_to_none=set_to_none)
        self.adamw.zero_grad(set_to_none=set_to_none)

    def state_dict(self):
        return {"muon": self.muon.state_dict(), "adamw": self.adamw.state_dict()}

    def load_state_dict(self, sd):
        if set(sd) != {"muon", "adamw"}:
            raise ValueError("checkpoint optimizer state is not Muon+AdamW (was it trained with "
                             "train.optimizer=adamw?)")
        self.muon.load_state_dict(sd["muon"])
        self.adamw.load_state_dict(sd["adamw"])


def make_optimizer(model, cfg, fused: bool = False):
    """cfg: TrainConfig. `fused` (CUDA) fuses the AdamW step into one kernel per group."""
    hidden, other_mat, rest = param_groups(model)
    extra = {"fused": True} if fused else {}
    if cfg.optimizer == "adamw":
        decay = [p for n, p in hidden + other_mat]
        # v1's parameter order (decay: matrices in module order), so old checkpoints resume
        order = {id(p): i for i, (_, p) in enumerate(model.named_parameters())}
        decay.sort(key=lambda p: order[id(p)])
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                                 {"params": [p for _, p in rest], "weight_decay": 0.0}],
                                lr=cfg.lr, betas=(0.9, 0.95), **extra)
        return opt
    if cfg.optimizer != "muon":
        raise ValueError(f"train.optimizer must be 'adamw' or 'muon', got {cfg.optimizer!r}")
    if not hasattr(torch.optim, "Muon"):
        raise ValueError(f"train.optimizer=muon needs torch.optim.Muon (torch >= 2.9), this is {torch.__version__}")
    muon = torch.optim.Muon([p for _, p in hidden], lr=cfg.muon_lr, weight_decay=cfg.weight_decay,
                            momentum=cfg.muon_momentum, adjust_lr_fn="original")
    adamw = torch.optim.AdamW([{"params": [p for _, p in other_mat], "weight_decay": cfg.weight_decay},
                               {"params": [p for _, p in rest], "weight_decay": 0.0}],
                              lr=cfg.lr, betas=(0.9, 0.95), **extra)
    return MuonAdamW(muon, adamw)


def lr_multiplier(step: int, progress: float, cfg) -> float:
    """Warm-up over `warmup_steps`, then constant ("constant") or warm-up, stable and a linear
    cooldown to 0 over the last `cooldown_fraction` of progress ("wsd"). progress in [0, 1]."""
    mult = min(1.0, (step + 1) / max(1, cfg.warmup_steps))
    if cfg.schedule == "wsd" and cfg.cooldown_fraction > 0:
        mult *= min(1.0, max(0.0, (1.0 - progress) / cfg.cooldown_fraction))
    elif cfg.schedule not in ("constant", "wsd"):
        raise ValueError(f"train.schedule must be 'constant' or 'wsd', got {cfg.schedule!r}")
    return mult


def set_lr(opt, mult: float, cfg) -> None:
    """Peak rates come from the config (not the checkpoint), so a continued run can change them."""
    muon_groups = opt.muon.param_groups if isinstance(opt, MuonAdamW) else []
    for g in muon_groups:
        g["lr"] = cfg.muon_lr * mult
    for g in (opt.adamw.param_groups if isinstance(opt, MuonAdamW) else opt.param_groups):
        g["lr"] = cfg.lr * mult
